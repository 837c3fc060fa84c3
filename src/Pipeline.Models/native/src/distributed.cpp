// Distributed-training helpers: parameters or gradients as one flat buffer, top-k compression, CUDA streams.
#include "common.h"

#ifdef PIPELINE_TORCH_CUDA
#include <c10/cuda/CUDAStream.h>
#endif

using namespace pt;

struct pt_stream_s {
#ifdef PIPELINE_TORCH_CUDA
  c10::cuda::CUDAStream stream;
#endif
};

namespace {

std::vector<torch::Tensor> sources(const pt_tensor* params, int32_t n, int32_t which) {
  require(n > 0 && params != nullptr, PT_EARGUMENT, "needs at least one parameter");
  require(which == 0 || which == 1, PT_EARGUMENT, "which must be 0 (values) or 1 (gradients)");
  std::vector<torch::Tensor> result;
  result.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    const auto& p = get(params[i], "parameter");
    if (which == 0) {
      result.push_back(p.detach().reshape({-1}));
    } else {
      const auto& g = p.grad();
      result.push_back(g.defined() ? g.detach().reshape({-1}) : torch::zeros({p.numel()}, p.options().requires_grad(false)));
    }
  }
  return result;
}

}  // namespace

extern "C" {

int32_t pt_flatten(const pt_tensor* params, int32_t n, int32_t which, pt_tensor* out) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    put(torch::cat(sources(params, n, which)), out);
  });
}

int32_t pt_unflatten_into(const pt_tensor* params, int32_t n, int32_t which, pt_tensor flat) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    require(n > 0 && params != nullptr, PT_EARGUMENT, "needs at least one parameter");
    const auto& f = get(flat, "flat buffer");
    int64_t total = 0;
    for (int32_t i = 0; i < n; ++i) total += get(params[i], "parameter").numel();
    require(f.dim() == 1 && f.numel() == total, PT_ESHAPE,
            "expected flat buffer shape [" + std::to_string(total) + "] but got " + shape_string(f.sizes()));
    int64_t offset = 0;
    for (int32_t i = 0; i < n; ++i) {
      auto p = get(params[i], "parameter");
      auto slice = f.narrow(0, offset, p.numel()).view(p.sizes());
      if (which == 0) {
        p.detach().copy_(slice);
      } else {
        auto& g = p.mutable_grad();
        if (g.defined()) {
          g.copy_(slice);
        } else {
          g = slice.to(p.options().requires_grad(false)).clone();
        }
      }
      offset += p.numel();
    }
  });
}

int32_t pt_topk_compress(pt_tensor flat, int64_t k, pt_tensor* values, pt_tensor* indices) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    const auto& f = get(flat, "flat buffer");
    require(f.dim() == 1, PT_ESHAPE, "top-k expects a flat buffer but got shape " + shape_string(f.sizes()));
    require(k > 0 && k <= f.numel(), PT_EARGUMENT, "k must be in 1.." + std::to_string(f.numel()));
    auto picked = std::get<1>(f.abs().topk(k));
    put(f.index_select(0, picked), values);
    put(picked, indices);
  });
}

int32_t pt_topk_decompress(pt_tensor values, pt_tensor indices, int64_t numel, pt_tensor* out) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    const auto& v = get(values, "values");
    const auto& i = get(indices, "indices");
    require(v.dim() == 1 && i.sizes() == v.sizes(), PT_ESHAPE,
            "values " + shape_string(v.sizes()) + " and indices " + shape_string(i.sizes()) + " must be equal 1-D shapes");
    auto dense = torch::zeros({numel}, v.options());
    dense.index_put_({i}, v);
    put(std::move(dense), out);
  });
}

int32_t pt_stream_create(int32_t device_index, pt_stream* out) {
  return guard([&] {
#ifdef PIPELINE_TORCH_CUDA
    require(out != nullptr, PT_EARGUMENT, "null out pointer");
    *out = new pt_stream_s{c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device_index))};
#else
    (void)device_index;
    (void)out;
    throw Failure(PT_ENOTSUPPORTED, "CUDA streams need a pipeline_torch built with -DPIPELINE_TORCH_CUDA=ON");
#endif
  });
}

void pt_stream_free(pt_stream s) { delete s; }

int32_t pt_stream_activate(pt_stream s) {
  return guard([&] {
    require(s != nullptr, PT_EARGUMENT, "null stream handle");
#ifdef PIPELINE_TORCH_CUDA
    c10::cuda::setCurrentCUDAStream(s->stream);
#else
    throw Failure(PT_ENOTSUPPORTED, "CUDA streams need a pipeline_torch built with -DPIPELINE_TORCH_CUDA=ON");
#endif
  });
}

int32_t pt_stream_synchronize(pt_stream s) {
  return guard([&] {
    require(s != nullptr, PT_EARGUMENT, "null stream handle");
#ifdef PIPELINE_TORCH_CUDA
    s->stream.synchronize();
#else
    throw Failure(PT_ENOTSUPPORTED, "CUDA streams need a pipeline_torch built with -DPIPELINE_TORCH_CUDA=ON");
#endif
  });
}

}  // extern "C"
