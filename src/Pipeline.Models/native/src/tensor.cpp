// Tensor exports: creation from caller memory, inspection, copies out, math and losses.
#include "common.h"
#include <cstring>

using namespace pt;

namespace {

torch::Tensor binary(int32_t op, const torch::Tensor& a, const torch::Tensor& b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return torch::matmul(a, b);
    case 5: return a.eq(b);
    case 6: return a.gt(b);
    case 7: return a.lt(b);
    case 8: return torch::maximum(a, b);
    case 9: return torch::minimum(a, b);
    default: throw Failure(PT_EARGUMENT, "unknown binary op " + std::to_string(op));
  }
}

torch::Tensor scalar(int32_t op, const torch::Tensor& a, double s) {
  switch (op) {
    case 0: return a + s;
    case 1: return a * s;
    case 2: return a.pow(s);
    case 3: return a / s;
    case 4: return a - s;
    default: throw Failure(PT_EARGUMENT, "unknown scalar op " + std::to_string(op));
  }
}

torch::Tensor unary(int32_t op, const torch::Tensor& a) {
  switch (op) {
    case 0: return torch::relu(a);
    case 1: return torch::sigmoid(a);
    case 2: return torch::tanh(a);
    case 3: return torch::exp(a);
    case 4: return torch::log(a);
    case 5: return -a;
    case 6: return torch::abs(a);
    case 7: return torch::sqrt(a);
    case 8: return a.sum();
    case 9: return a.mean();
    case 10: return torch::softmax(a, -1);
    case 11: return torch::log_softmax(a, -1);
    case 12: return torch::gelu(a);
    case 13:
      require(a.dim() == 2, PT_ESHAPE, "transpose expects a 2-D tensor but got shape " + shape_string(a.sizes()));
      return a.t();
    case 14: return a.flatten();
    default: throw Failure(PT_EARGUMENT, "unknown unary op " + std::to_string(op));
  }
}

torch::Tensor reduce(int32_t op, const torch::Tensor& a, int64_t dim, bool keepdim) {
  switch (op) {
    case 0: return a.sum(dim, keepdim);
    case 1: return a.mean(dim, keepdim);
    case 2: return a.argmax(dim, keepdim);
    case 3: return std::get<0>(a.max(dim, keepdim));
    case 4: return torch::softmax(a, dim);
    case 5: return torch::log_softmax(a, dim);
    default: throw Failure(PT_EARGUMENT, "unknown reduce op " + std::to_string(op));
  }
}

}  // namespace

extern "C" {

int32_t pt_tensor_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape, int32_t ndim,
                            int32_t device_type, int32_t device_index, int32_t requires_grad, pt_tensor* out) {
  return guard([&] {
    auto sizes = dims(shape, ndim);
    auto type = to_dtype(dtype);
    int64_t numel = c10::multiply_integers(sizes);
    int64_t expected = numel * static_cast<int64_t>(c10::elementSize(type));
    require(nbytes == expected, PT_ESHAPE,
            "data holds " + std::to_string(nbytes) + " bytes but shape " + shape_string(sizes) + " of " +
                c10::toString(type) + " needs " + std::to_string(expected));
    require(numel == 0 || data != nullptr, PT_EARGUMENT, "null data pointer");
    auto t = torch::empty(sizes, torch::TensorOptions().dtype(type));
    if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
    auto device = to_device(device_type, device_index);
    if (!device.is_cpu()) t = t.to(device);
    if (requires_grad) t.set_requires_grad(true);
    put(std::move(t), out);
  });
}

int32_t pt_tensor_fill(int32_t kind, int32_t dtype, const int64_t* shape, int32_t ndim, int32_t device_type,
                       int32_t device_index, int32_t requires_grad, pt_tensor* out) {
  return guard([&] {
    auto sizes = dims(shape, ndim);
    auto options = torch::TensorOptions().dtype(to_dtype(dtype)).device(to_device(device_type, device_index));
    torch::Tensor t;
    switch (kind) {
      case 0: t = torch::zeros(sizes, options); break;
      case 1: t = torch::ones(sizes, options); break;
      case 2: t = torch::randn(sizes, options); break;
      case 3: t = torch::rand(sizes, options); break;
      default: throw Failure(PT_EARGUMENT, "unknown fill kind " + std::to_string(kind));
    }
    if (requires_grad) t.set_requires_grad(true);
    put(std::move(t), out);
  });
}

void pt_tensor_free(pt_tensor t) { release(t); }

int32_t pt_tensor_info(pt_tensor t, int32_t* dtype, int32_t* ndim, int64_t* shape, int32_t* device_type,
                       int32_t* device_index, int32_t* requires_grad) {
  return guard([&] {
    const auto& v = get(t, "info");
    require(v.defined(), PT_EARGUMENT, "tensor is undefined");
    require(v.dim() <= PT_MAX_DIMS, PT_ENOTSUPPORTED, "tensor rank above " + std::to_string(PT_MAX_DIMS));
    *dtype = from_dtype(v.scalar_type());
    *ndim = static_cast<int32_t>(v.dim());
    for (int64_t i = 0; i < v.dim(); ++i) shape[i] = v.size(i);
    *device_type = v.device().is_cuda() ? 1 : 0;
    *device_index = v.device().has_index() ? v.device().index() : 0;
    *requires_grad = v.requires_grad() ? 1 : 0;
  });
}

int32_t pt_tensor_copy_to(pt_tensor t, void* dst, int64_t nbytes) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    auto v = get(t, "copy_to").detach();
    int64_t have = v.numel() * static_cast<int64_t>(v.element_size());
    require(nbytes == have, PT_ESHAPE,
            "destination holds " + std::to_string(nbytes) + " bytes but tensor of shape " + shape_string(v.sizes()) +
                " has " + std::to_string(have));
    if (!v.device().is_cpu()) v = v.to(torch::kCPU);
    v = v.contiguous();
    if (have > 0) std::memcpy(dst, v.data_ptr(), static_cast<size_t>(have));
  });
}

int32_t pt_tensor_item(pt_tensor t, double* out) {
  return guard([&] {
    const auto& v = get(t, "item");
    require(v.numel() == 1, PT_ESHAPE, "item needs a tensor with one element but got shape " + shape_string(v.sizes()));
    *out = v.item<double>();
  });
}

int32_t pt_tensor_to(pt_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, pt_tensor* out) {
  return guard([&] { put(get(t, "to").to(to_device(device_type, device_index), to_dtype(dtype)), out); });
}

int32_t pt_tensor_grad(pt_tensor t, pt_tensor* out) {
  return guard([&] {
    const auto& g = get(t, "grad").grad();
    if (g.defined()) {
      put(g, out);
    } else {
      *out = nullptr;
    }
  });
}

int32_t pt_tensor_backward(pt_tensor t) {
  return guard([&] {
    torch::AutoGradMode on(true);
    const auto& v = get(t, "backward");
    require(v.numel() == 1, PT_ESHAPE, "backward needs a scalar loss but got shape " + shape_string(v.sizes()));
    v.backward();
  });
}

int32_t pt_tensor_set_requires_grad(pt_tensor t, int32_t requires_grad) {
  return guard([&] { get(t, "requires_grad").set_requires_grad(requires_grad != 0); });
}

int32_t pt_tensor_detach(pt_tensor t, pt_tensor* out) {
  return guard([&] { put(get(t, "detach").detach(), out); });
}

int32_t pt_tensor_clone(pt_tensor t, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(get(t, "clone").clone(), out);
  });
}

int32_t pt_tensor_assign(pt_tensor dst, pt_tensor src) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    const auto& d = get(dst, "assign destination");
    const auto& s = get(src, "assign source");
    require(d.sizes() == s.sizes(), PT_ESHAPE,
            "expected shape " + shape_string(d.sizes()) + " but got shape " + shape_string(s.sizes()));
    d.copy_(s);
  });
}

int32_t pt_tensor_all_finite(pt_tensor t, int32_t* out) {
  return guard([&] {
    torch::NoGradGuard no_grad;
    *out = torch::isfinite(get(t, "all_finite")).all().item<bool>() ? 1 : 0;
  });
}

int32_t pt_tensor_binary(int32_t op, pt_tensor a, pt_tensor b, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(binary(op, get(a, "left"), get(b, "right")), out);
  });
}

int32_t pt_tensor_scalar(int32_t op, pt_tensor a, double s, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(scalar(op, get(a, "scalar op"), s), out);
  });
}

int32_t pt_tensor_unary(int32_t op, pt_tensor a, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(unary(op, get(a, "unary op")), out);
  });
}

int32_t pt_tensor_reduce(int32_t op, pt_tensor a, int64_t dim, int32_t keepdim, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(reduce(op, get(a, "reduce"), dim, keepdim != 0), out);
  });
}

int32_t pt_tensor_reshape(pt_tensor a, const int64_t* shape, int32_t ndim, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    require(ndim >= 0 && ndim <= PT_MAX_DIMS, PT_EARGUMENT, "rank must be 0.." + std::to_string(PT_MAX_DIMS));
    std::vector<int64_t> sizes(shape, shape + ndim);
    put(get(a, "reshape").reshape(sizes), out);
  });
}

int32_t pt_tensor_transpose(pt_tensor a, int64_t dim0, int64_t dim1, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(get(a, "transpose").transpose(dim0, dim1), out);
  });
}

int32_t pt_tensor_narrow(pt_tensor a, int64_t dim, int64_t start, int64_t length, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(get(a, "narrow").narrow(dim, start, length), out);
  });
}

int32_t pt_tensor_cat(const pt_tensor* items, int32_t n, int64_t dim, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    require(n > 0 && items != nullptr, PT_EARGUMENT, "cat needs at least one tensor");
    std::vector<torch::Tensor> parts;
    parts.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) parts.push_back(get(items[i], "cat item"));
    put(torch::cat(parts, dim), out);
  });
}

int32_t pt_tensor_index_select(pt_tensor a, int64_t dim, pt_tensor index, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    put(get(a, "index_select").index_select(dim, get(index, "index")), out);
  });
}

int32_t pt_loss(int32_t kind, pt_tensor input, pt_tensor target, int32_t reduction, int32_t grad, pt_tensor* out) {
  return guard([&] {
    GradScope g(grad);
    const auto& x = get(input, "loss input");
    const auto& y = get(target, "loss target");
    int64_t r;
    switch (reduction) {
      case 0: r = at::Reduction::Mean; break;
      case 1: r = at::Reduction::Sum; break;
      case 2: r = at::Reduction::None; break;
      default: throw Failure(PT_EARGUMENT, "unknown reduction " + std::to_string(reduction));
    }
    switch (kind) {
      case 0:
        if (y.scalar_type() == torch::kInt64) {
          require(x.dim() >= 1 && y.dim() == x.dim() - 1 && (x.dim() == 1 || y.size(0) == x.size(0)), PT_ESHAPE,
                  "cross-entropy expects logits [N, C] with class ids [N] but got logits " + shape_string(x.sizes()) +
                      " and targets " + shape_string(y.sizes()));
        }
        put(at::cross_entropy_loss(x, y, {}, r, -100, 0.0), out);
        break;
      case 1:
        require(x.sizes() == y.sizes(), PT_ESHAPE,
                "binary cross-entropy expects targets of the logits' shape " + shape_string(x.sizes()) + " but got " +
                    shape_string(y.sizes()));
        put(at::binary_cross_entropy_with_logits(x, y, {}, {}, r), out);
        break;
      case 2:
        require(x.sizes() == y.sizes(), PT_ESHAPE,
                "MSE expects targets of the input's shape " + shape_string(x.sizes()) + " but got " +
                    shape_string(y.sizes()));
        put(at::mse_loss(x, y, r), out);
        break;
      default: throw Failure(PT_EARGUMENT, "unknown loss kind " + std::to_string(kind));
    }
  });
}

}  // extern "C"
