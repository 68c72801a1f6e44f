/*
 * WIDEST_VECTORS: compile a loop for AVX-512, AVX2 and the SSE2 every x86-64 has,
 * and let the loader pick the widest this CPU runs (GCC's and Clang's
 * target_clones). Elsewhere, with a compiler without it, or built with
 * -DDOWNHILL_ONE_VECTOR_WIDTH (build_blas.ts retries so where the loader cannot pick,
 * having no ifunc, e.g. musl), one plain version. The addon is built once and may
 * run on another machine, so no -march=native. Built
 * with -ffp-contract=off (build_blas.ts), every version rounds a*b + c twice, as the
 * formula says, and gives the same bits as the others.
 */
#ifndef DOWNHILL_WIDEST_VECTORS_H
#define DOWNHILL_WIDEST_VECTORS_H
#if defined(__x86_64__) && defined(__has_attribute) && !defined(DOWNHILL_ONE_VECTOR_WIDTH)
#if __has_attribute(target_clones)
#define WIDEST_VECTORS __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef WIDEST_VECTORS
#define WIDEST_VECTORS
#endif
#endif
