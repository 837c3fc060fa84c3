// Runtime exports, error plumbing and the small helpers every other file uses.
#include "common.h"
#include <malloc.h>
#include <atomic>

#ifdef PIPELINE_TORCH_CUDA
#include <torch/cuda.h>
#endif

namespace pt {

namespace {
thread_local std::string last_error;
std::atomic<int64_t> live_tensors{0};
}

void set_last_error(const std::string& message) { last_error = message; }

int32_t classify(const std::string& m) {
  static const char* const shape_words[] = {"shape", "size of tensor", "batch_size", "size mismatch",
                                            "must match the size", "Dimension out of range", "expected input"};
  for (const char* w : shape_words) {
    if (m.find(w) != std::string::npos) return PT_ESHAPE;
  }
  return PT_ERROR;
}

void require(bool condition, int32_t status, const std::string& message) {
  if (!condition) throw Failure(status, message);
}

torch::Dtype to_dtype(int32_t code) {
  switch (code) {
    case PT_FLOAT32: return torch::kFloat32;
    case PT_FLOAT16: return torch::kFloat16;
    case PT_BFLOAT16: return torch::kBFloat16;
    case PT_INT64: return torch::kInt64;
    case PT_BOOL: return torch::kBool;
    case PT_FLOAT64: return torch::kFloat64;
    case PT_INT32: return torch::kInt32;
    default: throw Failure(PT_EARGUMENT, "unknown dtype code " + std::to_string(code));
  }
}

int32_t from_dtype(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat32: return PT_FLOAT32;
    case torch::kFloat16: return PT_FLOAT16;
    case torch::kBFloat16: return PT_BFLOAT16;
    case torch::kInt64: return PT_INT64;
    case torch::kBool: return PT_BOOL;
    case torch::kFloat64: return PT_FLOAT64;
    case torch::kInt32: return PT_INT32;
    default: throw Failure(PT_ENOTSUPPORTED, std::string("dtype not supported by Pipeline.Models: ") + c10::toString(dtype));
  }
}

torch::Device to_device(int32_t type, int32_t index) {
  if (type == 0) return torch::Device(torch::kCPU);
  require(type == 1, PT_EARGUMENT, "unknown device type " + std::to_string(type));
#ifdef PIPELINE_TORCH_CUDA
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
#else
  (void)index;
  throw Failure(PT_ENOTSUPPORTED, "this pipeline_torch build has no CUDA support (build it with -DPIPELINE_TORCH_CUDA=ON)");
#endif
}

const torch::Tensor& get(pt_tensor t, const char* what) {
  require(t != nullptr, PT_EARGUMENT, std::string("null tensor handle: ") + what);
  return t->t;
}

pt_module_s& get(pt_module m) {
  require(m != nullptr, PT_EARGUMENT, "null module handle");
  return *m;
}

pt_optim_s& get(pt_optim o) {
  require(o != nullptr, PT_EARGUMENT, "null optimizer handle");
  return *o;
}

void put(torch::Tensor value, pt_tensor* out) {
  require(out != nullptr, PT_EARGUMENT, "null out pointer");
  *out = new pt_tensor_s{std::move(value)};
  live_tensors.fetch_add(1, std::memory_order_relaxed);
}

void release(pt_tensor t) {
  if (t == nullptr) return;
  live_tensors.fetch_sub(1, std::memory_order_relaxed);
  delete t;
}

std::vector<int64_t> dims(const int64_t* shape, int32_t ndim) {
  require(ndim >= 0 && ndim <= PT_MAX_DIMS, PT_EARGUMENT, "rank must be 0.." + std::to_string(PT_MAX_DIMS));
  require(ndim == 0 || shape != nullptr, PT_EARGUMENT, "null shape");
  std::vector<int64_t> result(shape, shape + ndim);
  for (int64_t d : result) require(d >= 0, PT_ESHAPE, "negative dimension in shape " + shape_string(result));
  return result;
}

std::string shape_string(c10::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace pt

using namespace pt;

extern "C" {

int32_t pt_abi_version(void) { return PT_ABI_VERSION; }

int64_t pt_live_tensors(void) { return live_tensors.load(std::memory_order_relaxed); }

const char* pt_last_error(void) { return last_error.c_str(); }

int32_t pt_built_with_cuda(void) {
#ifdef PIPELINE_TORCH_CUDA
  return 1;
#else
  return 0;
#endif
}

int32_t pt_cuda_device_count(int32_t* out) {
  return guard([&] {
    require(out != nullptr, PT_EARGUMENT, "null out pointer");
#ifdef PIPELINE_TORCH_CUDA
    *out = static_cast<int32_t>(torch::cuda::device_count());
#else
    *out = 0;
#endif
  });
}

int32_t pt_set_num_threads(int32_t n) {
  return guard([&] {
    require(n > 0, PT_EARGUMENT, "thread count must be positive, got " + std::to_string(n));
    torch::set_num_threads(n);
  });
}

int32_t pt_get_num_threads(int32_t* out) {
  return guard([&] {
    require(out != nullptr, PT_EARGUMENT, "null out pointer");
    *out = torch::get_num_threads();
  });
}

int32_t pt_manual_seed(uint64_t seed) {
  return guard([&] { torch::manual_seed(seed); });
}

int32_t pt_mallopt(int32_t trim_threshold, int32_t mmap_threshold) {
  return guard([&] {
    require(trim_threshold >= 0 && mmap_threshold >= 0, PT_EARGUMENT, "malloc thresholds must not be negative");
    require(mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1, PT_ERROR, "mallopt(M_TRIM_THRESHOLD) failed");
    require(mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1, PT_ERROR, "mallopt(M_MMAP_THRESHOLD) failed");
  });
}

int32_t pt_bytes_view(pt_bytes b, const uint8_t** data, int64_t* length) {
  return guard([&] {
    require(b != nullptr && data != nullptr && length != nullptr, PT_EARGUMENT, "null bytes handle or out pointer");
    *data = reinterpret_cast<const uint8_t*>(b->data.data());
    *length = static_cast<int64_t>(b->data.size());
  });
}

void pt_bytes_free(pt_bytes b) { delete b; }

}  // extern "C"
