/*
 * downhill's native matrix product: OpenBLAS's sgemm, called on TensorFlow.js
 * WASM tensors in place (their float32 data lives in the WebAssembly heap, which
 * JavaScript sees as an ArrayBuffer), and a dense layer's passes around it: the
 * bias and relu after the forward product, and the parameter gradients (relu mask,
 * bias sums, xᵀ·g) in one call. Built by `npm run build` when a C compiler and
 * OpenBLAS are present (Debian: apt-get install gcc libopenblas-dev); without it,
 * matMul stays on XNNPACK inside WASM and dense layers use TF.js's kernels.
 */
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "widest_vectors.h"

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

/* An optional Float32Array argument: null and undefined give NULL with length 0. */
static bool optional_float32_view(napi_env env, napi_value value, float **data, size_t *length) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  if (type == napi_null || type == napi_undefined) {
    *data = NULL;
    *length = 0;
    return true;
  }
  return float32_view(env, value, data, length);
}

WIDEST_VECTORS static void add_bias(size_t rows, size_t cols, float *restrict out, const float *restrict bias, bool per_column) {
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) out[r * cols + c] += per_column ? bias[c] : bias[0];
}

/* max(v, 0), keeping NaN (as v < 0 ? 0 : v does). */
WIDEST_VECTORS static void relu(size_t n, float *restrict out) {
  for (size_t i = 0; i < n; i++) out[i] = out[i] < 0.0f ? 0.0f : out[i];
}

/*
 * biasActivation(out, bias, columns, relu): a dense layer's output after its
 * product, in place: out[r][c] = act(out[r][c] + bias[c]), act relu or none; bias
 * is one value per column, a single value, or null.
 */
static napi_value bias_activation(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  float *out, *bias;
  size_t len_out, len_bias;
  int64_t cols;
  bool use_relu;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 4 || !float32_view(env, args[0], &out, &len_out) ||
      !optional_float32_view(env, args[1], &bias, &len_bias) || !int_arg(env, args[2], &cols) ||
      napi_get_value_bool(env, args[3], &use_relu) != napi_ok) {
    napi_throw_type_error(env, NULL, "biasActivation: (Float32Array, Float32Array or null, int, bool) expected");
    return NULL;
  }
  if (cols <= 0 || len_out % (size_t)cols != 0 || (bias && len_bias != (size_t)cols && len_bias != 1)) {
    napi_throw_range_error(env, NULL, "biasActivation: the bias does not fit the output's columns");
    return NULL;
  }
  if (bias) add_bias(len_out / (size_t)cols, (size_t)cols, out, bias, len_bias == (size_t)cols);
  if (use_relu) relu(len_out, out);
  return NULL;
}

/* g = dy * step(y): step is 1 where y > 0, NaN where y is NaN, else 0 (TF.js's tf.step), so NaN and inf carry as in dy * step(y). */
WIDEST_VECTORS static void relu_gradient(size_t n, const float *restrict dy, const float *restrict y, float *restrict g) {
  for (size_t i = 0; i < n; i++) g[i] = dy[i] * (y[i] > 0.0f ? 1.0f : (y[i] != y[i] ? y[i] : 0.0f));
}

WIDEST_VECTORS static void column_sums(size_t rows, size_t cols, const float *restrict g, float *restrict sums) {
  for (size_t c = 0; c < cols; c++) sums[c] = 0.0f;
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) sums[c] += g[r * cols + c];
}

/*
 * denseParamGrad(rows, inputs, outputs, dy, x, y, dw, db, g): a dense layer's
 * parameter gradients in one call. With y (the layer's relu output) and g given:
 * g = dy ⊙ step(y), the gradient before the relu; without them g is dy. Then
 * db = the sum of g's rows and dw = xᵀ·g (OpenBLAS). dy and g are rows × outputs,
 * x rows × inputs, dw inputs × outputs, db outputs.
 */
static napi_value dense_param_grad(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value args[9];
  int64_t rows, inputs, outputs;
  float *dy, *x, *y, *dw, *db, *g;
  size_t len_dy, len_x, len_y, len_dw, len_db, len_g;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 9 || !int_arg(env, args[0], &rows) ||
      !int_arg(env, args[1], &inputs) || !int_arg(env, args[2], &outputs) || !float32_view(env, args[3], &dy, &len_dy) ||
      !float32_view(env, args[4], &x, &len_x) || !optional_float32_view(env, args[5], &y, &len_y) ||
      !float32_view(env, args[6], &dw, &len_dw) || !float32_view(env, args[7], &db, &len_db) ||
      !optional_float32_view(env, args[8], &g, &len_g)) {
    napi_throw_type_error(env, NULL, "denseParamGrad: (int x3, Float32Array x2, Float32Array or null, Float32Array x2, Float32Array or null) expected");
    return NULL;
  }
  if (rows <= 0 || inputs <= 0 || outputs <= 0 || rows > 0x7fffffff || inputs > 0x7fffffff || outputs > 0x7fffffff ||
      len_dy / (size_t)rows != (size_t)outputs || len_dy % (size_t)rows != 0 || len_x / (size_t)rows != (size_t)inputs ||
      len_x % (size_t)rows != 0 || len_dw / (size_t)inputs != (size_t)outputs || len_dw % (size_t)inputs != 0 ||
      len_db != (size_t)outputs || (y == NULL) != (g == NULL) || (y && (len_y != len_dy || len_g != len_dy))) {
    napi_throw_range_error(env, NULL, "denseParamGrad: shapes do not fit the arrays");
    return NULL;
  }
  if (y) relu_gradient(len_dy, dy, y, g);
  const float *grad = y ? g : dy;
  column_sums((size_t)rows, (size_t)outputs, grad, db);
  use_threads(rows * inputs * outputs);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)inputs, (int)outputs, (int)rows, 1.0f, x, (int)inputs, grad, (int)outputs,
              0.0f, dw, (int)outputs);
  return NULL;
}

/*
 * gatherRows(source, width, order, start, count, out): out's rows j < count are
 * source's rows order[start + j] (or start + j without an order), each `width`
 * floats: a batch copied out of a dataset in host memory into its tensor in the
 * WASM heap. Each next row is prefetched while one is copied (they lie anywhere in
 * a large array: MNIST's is 188 MB).
 */
static napi_value gather_rows(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  float *source, *out;
  size_t len_source, len_out, len_order = 0;
  int64_t width, start, count;
  int32_t *order = NULL;
  napi_valuetype order_type;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 6 || !float32_view(env, args[0], &source, &len_source) ||
      !int_arg(env, args[1], &width) || napi_typeof(env, args[2], &order_type) != napi_ok || !int_arg(env, args[3], &start) ||
      !int_arg(env, args[4], &count) || !float32_view(env, args[5], &out, &len_out)) {
    napi_throw_type_error(env, NULL, "gatherRows: (Float32Array, int, Int32Array or null, int, int, Float32Array) expected");
    return NULL;
  }
  if (order_type != napi_null && order_type != napi_undefined) {
    napi_typedarray_type type;
    napi_value buffer;
    size_t offset;
    void *raw;
    if (napi_get_typedarray_info(env, args[2], &type, &len_order, &raw, &buffer, &offset) != napi_ok || type != napi_int32_array) {
      napi_throw_type_error(env, NULL, "gatherRows: the order must be an Int32Array");
      return NULL;
    }
    order = (int32_t *)raw;
  }
  /* Every size is first bounded by 2^31, so no sum or product below can overflow. */
  if (width <= 0 || width > 0x7fffffff || start < 0 || start > 0x7fffffff || count < 0 || count > 0x7fffffff ||
      len_out / (size_t)width != (size_t)count || len_out % (size_t)width != 0) {
    napi_throw_range_error(env, NULL, "gatherRows: the output does not hold count rows of width floats");
    return NULL;
  }
  const size_t rows = len_source / (size_t)width;
  if (order ? (size_t)(start + count) > len_order : (size_t)(start + count) > rows) {
    napi_throw_range_error(env, NULL, "gatherRows: the rows asked for do not fit the arrays");
    return NULL;
  }
  const size_t bytes = (size_t)width * sizeof(float);
  for (int64_t j = 0; j < count; j++) {
    /* Each index is read once, then checked and used (the order could be shared with another thread). */
    const int64_t row = order ? (int64_t)order[start + j] : start + j;
    if (row < 0 || (size_t)row >= rows) {
      napi_throw_range_error(env, NULL, "gatherRows: a row index is outside the source");
      return NULL;
    }
    if (order && j + 1 < count) {
      const int64_t next = order[start + j + 1];
      if (next >= 0 && (size_t)next < rows)
        for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch((const char *)(source + (size_t)next * (size_t)width) + b);
    }
    memcpy(out + (size_t)j * (size_t)width, source + (size_t)row * (size_t)width, bytes);
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
  napi_create_function(env, "biasActivation", NAPI_AUTO_LENGTH, bias_activation, NULL, &fn);
  napi_set_named_property(env, exports, "biasActivation", fn);
  napi_create_function(env, "denseParamGrad", NAPI_AUTO_LENGTH, dense_param_grad, NULL, &fn);
  napi_set_named_property(env, exports, "denseParamGrad", fn);
  napi_create_function(env, "gatherRows", NAPI_AUTO_LENGTH, gather_rows, NULL, &fn);
  napi_set_named_property(env, exports, "gatherRows", fn);
  napi_create_function(env, "describe", NAPI_AUTO_LENGTH, describe, NULL, &fn);
  napi_set_named_property(env, exports, "describe", fn);
  register_fused_updates(env, exports);
  return exports;
}
