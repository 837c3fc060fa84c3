/*
 * pipeline_torch: the C ABI between Pipeline.Models (C#) and libtorch (C++).
 *
 * Rules every export follows:
 *  - returns a status (PT_OK or a PT_E* code) and never lets a C++ exception cross;
 *  - on failure the message is kept per thread and read with pt_last_error();
 *  - every handle returned through an out parameter is owned by the caller and
 *    released with the matching pt_*_free call;
 *  - calls that compute take a grad mode (PT_GRAD_*) because libtorch's grad mode
 *    is per thread and .NET continuations move between threads.
 * Bump PT_ABI_VERSION whenever a signature or a code below changes.
 */
#ifndef PIPELINE_TORCH_H
#define PIPELINE_TORCH_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PT_ABI_VERSION 1
#define PT_EXPORT __attribute__((visibility("default")))
#define PT_MAX_DIMS 8

/* status codes */
#define PT_OK 0
#define PT_ERROR 1          /* any other libtorch / C++ failure */
#define PT_ESHAPE 2         /* shapes or sizes do not fit */
#define PT_EARGUMENT 3      /* a bad argument (null handle, unknown code, bad option) */
#define PT_EIO 4            /* a file or a serialized blob could not be read */
#define PT_ENOTSUPPORTED 5  /* not available in this build (e.g. CUDA on a CPU build) */

/* dtypes */
#define PT_FLOAT32 0
#define PT_FLOAT16 1
#define PT_BFLOAT16 2
#define PT_INT64 3
#define PT_BOOL 4
#define PT_FLOAT64 5
#define PT_INT32 6

/* grad modes */
#define PT_GRAD_OFF 0
#define PT_GRAD_ON 1
#define PT_GRAD_INFERENCE 2

typedef struct pt_tensor_s* pt_tensor;
typedef struct pt_module_s* pt_module;
typedef struct pt_optim_s* pt_optim;
typedef struct pt_bytes_s* pt_bytes;
typedef struct pt_stream_s* pt_stream;

/* runtime */
PT_EXPORT int32_t pt_abi_version(void);
PT_EXPORT const char* pt_last_error(void);
PT_EXPORT int32_t pt_built_with_cuda(void);
PT_EXPORT int32_t pt_cuda_device_count(int32_t* out);
PT_EXPORT int32_t pt_set_num_threads(int32_t n);
PT_EXPORT int32_t pt_get_num_threads(int32_t* out);
PT_EXPORT int32_t pt_manual_seed(uint64_t seed);
PT_EXPORT int32_t pt_mallopt(int32_t trim_threshold, int32_t mmap_threshold);
/* tensor handles currently alive in this process (leak checks) */
PT_EXPORT int64_t pt_live_tensors(void);

/* bytes returned by the shim */
PT_EXPORT int32_t pt_bytes_view(pt_bytes b, const uint8_t** data, int64_t* length);
PT_EXPORT void pt_bytes_free(pt_bytes b);

/* tensors: creation, inspection, data */
PT_EXPORT int32_t pt_tensor_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape, int32_t ndim,
                                      int32_t device_type, int32_t device_index, int32_t requires_grad, pt_tensor* out);
/* kind: 0 zeros, 1 ones, 2 randn, 3 rand */
PT_EXPORT int32_t pt_tensor_fill(int32_t kind, int32_t dtype, const int64_t* shape, int32_t ndim,
                                 int32_t device_type, int32_t device_index, int32_t requires_grad, pt_tensor* out);
PT_EXPORT void pt_tensor_free(pt_tensor t);
PT_EXPORT int32_t pt_tensor_info(pt_tensor t, int32_t* dtype, int32_t* ndim, int64_t* shape /* PT_MAX_DIMS */,
                                 int32_t* device_type, int32_t* device_index, int32_t* requires_grad);
PT_EXPORT int32_t pt_tensor_copy_to(pt_tensor t, void* dst, int64_t nbytes);
PT_EXPORT int32_t pt_tensor_item(pt_tensor t, double* out);
PT_EXPORT int32_t pt_tensor_to(pt_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_grad(pt_tensor t, pt_tensor* out /* null when there is none */);
PT_EXPORT int32_t pt_tensor_backward(pt_tensor t);
PT_EXPORT int32_t pt_tensor_set_requires_grad(pt_tensor t, int32_t requires_grad);
PT_EXPORT int32_t pt_tensor_detach(pt_tensor t, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_clone(pt_tensor t, int32_t grad, pt_tensor* out);
/* copies src into dst in place without recording grad */
PT_EXPORT int32_t pt_tensor_assign(pt_tensor dst, pt_tensor src);
PT_EXPORT int32_t pt_tensor_all_finite(pt_tensor t, int32_t* out);

/* tensor math */
/* op: 0 add, 1 sub, 2 mul, 3 div, 4 matmul, 5 eq, 6 gt, 7 lt, 8 maximum, 9 minimum */
PT_EXPORT int32_t pt_tensor_binary(int32_t op, pt_tensor a, pt_tensor b, int32_t grad, pt_tensor* out);
/* op: 0 add, 1 mul, 2 pow, 3 div, 4 sub */
PT_EXPORT int32_t pt_tensor_scalar(int32_t op, pt_tensor a, double s, int32_t grad, pt_tensor* out);
/* op: 0 relu, 1 sigmoid, 2 tanh, 3 exp, 4 log, 5 neg, 6 abs, 7 sqrt, 8 sum, 9 mean, 10 softmax(-1),
       11 log_softmax(-1), 12 gelu, 13 transpose 2-D, 14 flatten */
PT_EXPORT int32_t pt_tensor_unary(int32_t op, pt_tensor a, int32_t grad, pt_tensor* out);
/* op: 0 sum, 1 mean, 2 argmax, 3 max values, 4 softmax, 5 log_softmax */
PT_EXPORT int32_t pt_tensor_reduce(int32_t op, pt_tensor a, int64_t dim, int32_t keepdim, int32_t grad, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_reshape(pt_tensor a, const int64_t* shape, int32_t ndim, int32_t grad, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_transpose(pt_tensor a, int64_t dim0, int64_t dim1, int32_t grad, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_narrow(pt_tensor a, int64_t dim, int64_t start, int64_t length, int32_t grad, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_cat(const pt_tensor* items, int32_t n, int64_t dim, int32_t grad, pt_tensor* out);
PT_EXPORT int32_t pt_tensor_index_select(pt_tensor a, int64_t dim, pt_tensor index, int32_t grad, pt_tensor* out);

/* losses. kind: 0 cross-entropy, 1 binary cross-entropy with logits, 2 MSE. reduction: 0 mean, 1 sum, 2 none */
PT_EXPORT int32_t pt_loss(int32_t kind, pt_tensor input, pt_tensor target, int32_t reduction, int32_t grad, pt_tensor* out);

/* modules */
PT_EXPORT int32_t pt_module_linear(int64_t in_features, int64_t out_features, int32_t bias, pt_module* out);
PT_EXPORT int32_t pt_module_embedding(int64_t num, int64_t dim, pt_module* out);
/* mode: 0 sum, 1 mean, 2 max */
PT_EXPORT int32_t pt_module_embedding_bag(int64_t num, int64_t dim, int32_t mode, pt_module* out);
PT_EXPORT int32_t pt_module_layer_norm(int64_t dim, double eps, pt_module* out);
PT_EXPORT int32_t pt_module_dropout(double p, pt_module* out);
/* kind: 0 relu, 1 gelu, 2 tanh, 3 sigmoid */
PT_EXPORT int32_t pt_module_activation(int32_t kind, pt_module* out);
/* children are shared, not consumed: the caller still frees its own handles */
PT_EXPORT int32_t pt_module_sequential(const pt_module* children, int32_t n, pt_module* out);
PT_EXPORT int32_t pt_module_transformer_encoder(int64_t d_model, int64_t heads, int64_t dim_feedforward, int64_t layers,
                                                double dropout, pt_module* out);
PT_EXPORT int32_t pt_module_load_script_file(const char* path, int32_t device_type, int32_t device_index, pt_module* out);
PT_EXPORT int32_t pt_module_load_script_bytes(const uint8_t* data, int64_t length, int32_t device_type, int32_t device_index,
                                              pt_module* out);
PT_EXPORT void pt_module_free(pt_module m);
/* inputs after the first may be null: an absent optional argument (e.g. TransformerEncoder's src_mask) */
PT_EXPORT int32_t pt_module_forward(pt_module m, const pt_tensor* inputs, int32_t n, int32_t grad, pt_tensor* out);
PT_EXPORT int32_t pt_module_train(pt_module m, int32_t on);
PT_EXPORT int32_t pt_module_to(pt_module m, int32_t device_type, int32_t device_index);
/* state entries (parameters then buffers, PyTorch's names): count refreshes the list; entry reads one.
   The name stays valid until the next pt_module_state_count on the same module or its release. */
PT_EXPORT int32_t pt_module_state_count(pt_module m, int32_t* count);
PT_EXPORT int32_t pt_module_state_entry(pt_module m, int32_t index, const char** name, int32_t* is_parameter, pt_tensor* out);

/* optimizers over parameter tensors; the step (with its finite check) runs in one call */
PT_EXPORT int32_t pt_optim_sgd(const pt_tensor* params, int32_t n, double lr, double momentum, double weight_decay,
                               int32_t nesterov, pt_optim* out);
PT_EXPORT int32_t pt_optim_adam(const pt_tensor* params, int32_t n, double lr, double beta1, double beta2, double eps,
                                double weight_decay, int32_t decoupled /* AdamW */, pt_optim* out);
PT_EXPORT void pt_optim_free(pt_optim o);
PT_EXPORT int32_t pt_optim_zero_grad(pt_optim o);
/* when check_finite is set and a gradient holds NaN/Inf, nothing is applied, grads are cleared and *applied = 0 */
PT_EXPORT int32_t pt_optim_step(pt_optim o, int32_t check_finite, int32_t* applied);
PT_EXPORT int32_t pt_optim_set_lr(pt_optim o, double lr);
PT_EXPORT int32_t pt_optim_get_lr(pt_optim o, double* lr);
PT_EXPORT int32_t pt_optim_save(pt_optim o, pt_bytes* out);
PT_EXPORT int32_t pt_optim_load(pt_optim o, const uint8_t* data, int64_t length);

/* distributed helpers. which: 0 values, 1 gradients (missing gradients read as zeros) */
PT_EXPORT int32_t pt_flatten(const pt_tensor* params, int32_t n, int32_t which, pt_tensor* out);
PT_EXPORT int32_t pt_unflatten_into(const pt_tensor* params, int32_t n, int32_t which, pt_tensor flat);
PT_EXPORT int32_t pt_topk_compress(pt_tensor flat, int64_t k, pt_tensor* values, pt_tensor* indices);
PT_EXPORT int32_t pt_topk_decompress(pt_tensor values, pt_tensor indices, int64_t numel, pt_tensor* out);

/* CUDA streams (PT_ENOTSUPPORTED on a CPU build) */
PT_EXPORT int32_t pt_stream_create(int32_t device_index, pt_stream* out);
PT_EXPORT void pt_stream_free(pt_stream s);
/* makes the stream current for the calling thread; call before each batch of work (threads move in .NET) */
PT_EXPORT int32_t pt_stream_activate(pt_stream s);
PT_EXPORT int32_t pt_stream_synchronize(pt_stream s);

#ifdef __cplusplus
}
#endif
#endif
