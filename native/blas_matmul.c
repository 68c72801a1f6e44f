/*
 * downhill's native matrix product: OpenBLAS's sgemm, called on TensorFlow.js
 * WASM tensors in place (their float32 data lives in the WebAssembly heap, which
 * JavaScript sees as an ArrayBuffer). Built by `npm run build` when a C compiler
 * and OpenBLAS are present (Debian: apt-get install gcc libopenblas-dev); without
 * it, matMul stays on XNNPACK inside WASM.
 */
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* From OpenBLAS: not in every cblas.h. */
extern int openblas_get_num_threads(void);
extern void openblas_set_num_threads(int);
extern char *openblas_get_config(void);

/*
 * Threads pay off only for large products: for a training step's matrices (e.g.
 * 128x784 by 784x128) waking a second thread costs more than it saves (measured:
 * an MLP step 4.1 ms with one thread, 6.0 ms with two). Products of at least
 * PARALLEL_WORK multiply-adds use every thread OpenBLAS was started with
 * (OPENBLAS_NUM_THREADS, default: the cores); smaller ones use one.
 */
#define PARALLEL_WORK (1LL << 27)
static int max_threads = 0;
static int current_threads = 0;

static void use_threads(int64_t work) {
  if (max_threads == 0) max_threads = current_threads = openblas_get_num_threads();
  int wanted = work >= PARALLEL_WORK ? max_threads : 1;
  if (wanted != current_threads) {
    openblas_set_num_threads(wanted);
    current_threads = wanted;
  }
}

static bool float32_view(napi_env env, napi_value value, float **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = (float *)raw;
  return true;
}

static bool int_arg(napi_env env, napi_value value, int64_t *out) {
  return napi_get_value_int64(env, value, out) == napi_ok;
}

/*
 * sgemm(transposeA, transposeB, m, n, k, a, b, out, batch, batchA, batchB):
 * out[i] = op(a[i]) · op(b[i]) for i < batch, row-major; op transposes the last two
 * dimensions when asked. a holds batchA matrices and b batchB (each 1 or batch: a
 * single matrix is broadcast). Throws on anything inconsistent, so that a wrong
 * call can never read or write outside the arrays it was given.
 */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value args[11];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 11) {
    napi_throw_type_error(env, NULL, "sgemm: expected 11 arguments");
    return NULL;
  }
  bool ta, tb;
  int64_t m, n, k, batch, batch_a, batch_b;
  float *a, *b, *out;
  size_t len_a, len_b, len_out;
  if (napi_get_value_bool(env, args[0], &ta) != napi_ok || napi_get_value_bool(env, args[1], &tb) != napi_ok ||
      !int_arg(env, args[2], &m) || !int_arg(env, args[3], &n) || !int_arg(env, args[4], &k) ||
      !float32_view(env, args[5], &a, &len_a) || !float32_view(env, args[6], &b, &len_b) ||
      !float32_view(env, args[7], &out, &len_out) || !int_arg(env, args[8], &batch) ||
      !int_arg(env, args[9], &batch_a) || !int_arg(env, args[10], &batch_b)) {
    napi_throw_type_error(env, NULL, "sgemm: (bool, bool, int, int, int, Float32Array x3, int, int, int) expected");
    return NULL;
  }
  /* Products are compared by division: no size computed here can overflow. */
  if (m <= 0 || n <= 0 || k <= 0 || m > 0x7fffffff || n > 0x7fffffff || k > 0x7fffffff || batch <= 0 ||
      (batch_a != 1 && batch_a != batch) || (batch_b != 1 && batch_b != batch) ||
      (size_t)m * (size_t)k > len_a / (size_t)batch_a || (size_t)k * (size_t)n > len_b / (size_t)batch_b ||
      (size_t)m * (size_t)n > len_out / (size_t)batch) {
    napi_throw_range_error(env, NULL, "sgemm: shapes do not fit the arrays");
    return NULL;
  }
  const size_t stride_a = batch_a == 1 ? 0 : (size_t)(m * k);
  const size_t stride_b = batch_b == 1 ? 0 : (size_t)(k * n);
  use_threads(m * n * k);
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
                a + i * stride_a, ta ? (int)m : (int)k, b + i * stride_b, tb ? (int)k : (int)n, 0.0f, out + i * (size_t)(m * n),
                (int)n);
  }
  return NULL;
}

/* describe(): "OpenBLAS <config>, <n> threads for large products" */
static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  char text[256];
  const char *config = openblas_get_config();
  if (max_threads == 0) max_threads = current_threads = openblas_get_num_threads();
  int written = snprintf(text, sizeof text, "%s; %d thread%s for products of 2^27 multiply-adds or more, 1 below",
                         config ? config : "OpenBLAS", max_threads, max_threads == 1 ? "" : "s");
  napi_value result;
  napi_create_string_utf8(env, text, written < 0 ? 0 : (size_t)written, &result);
  return result;
}

/* native/fused_updates.c */
void register_fused_updates(napi_env env, napi_value exports);

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, sgemm, NULL, &fn);
  napi_set_named_property(env, exports, "sgemm", fn);
  napi_create_function(env, "describe", NAPI_AUTO_LENGTH, describe, NULL, &fn);
  napi_set_named_property(env, exports, "describe", fn);
  register_fused_updates(env, exports);
  return exports;
}
