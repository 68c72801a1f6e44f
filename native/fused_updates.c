/*
 * downhill's fused optimizer updates in C: every elementwise update formula of
 * src/runtime/kernels/ (Adam, SGD, RMSprop, …) as a loop over float32 arrays, run on
 * TensorFlow.js WASM tensors in place in the WebAssembly heap. The loops are
 * generated from the formulas at build time (src/native/fused_update_source.ts writes
 * build/fused_update_kernels.inc) and compiled with -O3 -fno-math-errno, which
 * vectorises them, for the widest vectors the CPU has (widest_vectors.h): Adam over
 * 100,000 floats takes 55 µs with AVX-512 against 205 µs with SSE2 here. Linked
 * into the same addon as blas_matmul.c, which registers these functions.
 */
#include <math.h>
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "widest_vectors.h"

/* The shared formula syntax's max, min and sign, with JavaScript's NaN behaviour (NaN in, NaN out). */
static inline float dh_max(float a, float b) { return (a > b || a != a) ? a : b; }
static inline float dh_min(float a, float b) { return (a < b || a != a) ? a : b; }
static inline float dh_sign(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); }

#define MAX_ARRAYS 8

struct fused_kernel {
  const char *name;
  const char *signature;
  size_t inputs, outputs, attributes;
  void (*run)(const float *const *in, float *const *out, const float *attr, size_t n);
};

#include "fused_update_kernels.inc"

#define KERNEL_COUNT (sizeof FUSED_KERNELS / sizeof FUSED_KERNELS[0])

/* fusedUpdateSignatures(): { kernelName: signature } for every kernel compiled in. */
static napi_value signatures(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, value;
  napi_create_object(env, &result);
  for (size_t i = 0; i < KERNEL_COUNT; i++) {
    napi_create_string_utf8(env, FUSED_KERNELS[i].signature, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, result, FUSED_KERNELS[i].name, value);
  }
  return result;
}

/* count Float32Arrays from a JS array into data[]; lengths[] their element counts. */
static bool float32_arrays(napi_env env, napi_value array, size_t count, float **data, size_t *lengths) {
  uint32_t length;
  if (napi_get_array_length(env, array, &length) != napi_ok || length != count) return false;
  for (uint32_t i = 0; i < length; i++) {
    napi_value item, buffer;
    napi_typedarray_type type;
    size_t offset;
    void *raw;
    if (napi_get_element(env, array, i, &item) != napi_ok) return false;
    if (napi_get_typedarray_info(env, item, &type, &lengths[i], &raw, &buffer, &offset) != napi_ok || type != napi_float32_array) return false;
    data[i] = (float *)raw;
  }
  return true;
}

/*
 * fusedUpdate(kernelName, inputs, outputs, attributes): runs the kernel over the
 * length of outputs[0]. Throws when the name is unknown or the arrays do not fit,
 * so that a wrong call can never read or write outside the arrays it was given.
 */
static napi_value fused_update(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  char name[128];
  size_t name_length;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 4 ||
      napi_get_value_string_utf8(env, args[0], name, sizeof name, &name_length) != napi_ok) {
    napi_throw_type_error(env, NULL, "fusedUpdate: (kernelName, Float32Array[], Float32Array[], Float32Array) expected");
    return NULL;
  }
  const struct fused_kernel *kernel = NULL;
  for (size_t i = 0; i < KERNEL_COUNT; i++)
    if (strcmp(FUSED_KERNELS[i].name, name) == 0) kernel = &FUSED_KERNELS[i];
  if (!kernel) {
    napi_throw_error(env, NULL, "fusedUpdate: no such kernel in this build");
    return NULL;
  }
  float *in[MAX_ARRAYS], *out[MAX_ARRAYS], *attr;
  size_t in_lengths[MAX_ARRAYS], out_lengths[MAX_ARRAYS], attr_length;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (kernel->inputs > MAX_ARRAYS || kernel->outputs > MAX_ARRAYS || kernel->outputs == 0 ||
      !float32_arrays(env, args[1], kernel->inputs, in, in_lengths) ||
      !float32_arrays(env, args[2], kernel->outputs, out, out_lengths) ||
      napi_get_typedarray_info(env, args[3], &type, &attr_length, &raw, &buffer, &offset) != napi_ok ||
      type != napi_float32_array || attr_length != kernel->attributes) {
    napi_throw_type_error(env, NULL, "fusedUpdate: the arrays do not match the kernel's inputs, outputs and attributes");
    return NULL;
  }
  attr = (float *)raw;
  size_t n = out_lengths[0];
  for (size_t i = 0; i < kernel->inputs; i++)
    if (in_lengths[i] < n) {
      napi_throw_range_error(env, NULL, "fusedUpdate: an input is shorter than the output");
      return NULL;
    }
  for (size_t i = 0; i < kernel->outputs; i++)
    if (out_lengths[i] != n) {
      napi_throw_range_error(env, NULL, "fusedUpdate: the outputs differ in length");
      return NULL;
    }
  kernel->run((const float *const *)in, out, attr, n);
  return NULL;
}

void register_fused_updates(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "fusedUpdateSignatures", NAPI_AUTO_LENGTH, signatures, NULL, &fn);
  napi_set_named_property(env, exports, "fusedUpdateSignatures", fn);
  napi_create_function(env, "fusedUpdate", NAPI_AUTO_LENGTH, fused_update, NULL, &fn);
  napi_set_named_property(env, exports, "fusedUpdate", fn);
}
