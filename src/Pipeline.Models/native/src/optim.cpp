// Optimizer exports: SGD, Adam and AdamW whose whole step (and its NaN/Inf check) is one native call.
#include "common.h"

using namespace pt;
namespace optim = torch::optim;

namespace {

std::vector<torch::Tensor> collect(const pt_tensor* params, int32_t n) {
  require(n > 0 && params != nullptr, PT_EARGUMENT, "an optimizer needs at least one parameter");
  std::vector<torch::Tensor> result;
  result.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    const auto& p = get(params[i], "parameter");
    require(p.is_leaf() && p.requires_grad(), PT_EARGUMENT,
            "parameter " + std::to_string(i) + " is not a leaf tensor that requires grad");
    result.push_back(p);
  }
  return result;
}

void put_optim(std::unique_ptr<optim::Optimizer> opt, std::vector<torch::Tensor> params, pt_optim* out) {
  require(out != nullptr, PT_EARGUMENT, "null out pointer");
  *out = new pt_optim_s{std::move(opt), std::move(params)};
}

// One pass over the exponent bits of a float32 buffer: NaN and Inf are the values whose exponent is all ones.
// Integer-only so the compiler vectorises it; far cheaper than isfinite().all() per parameter (several eager ops each).
__attribute__((optimize("O3"))) bool float_buffer_finite(const uint32_t* bits, int64_t n) {
  uint32_t bad = 0;
  for (int64_t i = 0; i < n; ++i) bad |= static_cast<uint32_t>((bits[i] & 0x7f800000u) == 0x7f800000u);
  return bad == 0;
}

bool grads_finite(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> flags;
  for (const auto& p : params) {
    const auto& g = p.grad();
    if (!g.defined()) continue;
    if (g.device().is_cpu() && g.scalar_type() == torch::kFloat32 && g.is_contiguous() && !g.is_sparse()) {
      if (!float_buffer_finite(static_cast<const uint32_t*>(g.data_ptr()), g.numel())) return false;
    } else {
      flags.push_back(torch::isfinite(g).all());
    }
  }
  return flags.empty() || torch::stack(flags).all().item<bool>();
}

}  // namespace

extern "C" {

int32_t pt_optim_sgd(const pt_tensor* params, int32_t n, double lr, double momentum, double weight_decay,
                     int32_t nesterov, pt_optim* out) {
  return guard([&] {
    require(lr > 0 && momentum >= 0 && weight_decay >= 0, PT_EARGUMENT, "SGD needs lr > 0, momentum >= 0, weight decay >= 0");
    auto ps = collect(params, n);
    auto opts = optim::SGDOptions(lr).momentum(momentum).weight_decay(weight_decay).nesterov(nesterov != 0);
    put_optim(std::make_unique<optim::SGD>(ps, opts), ps, out);
  });
}

int32_t pt_optim_adam(const pt_tensor* params, int32_t n, double lr, double beta1, double beta2, double eps,
                      double weight_decay, int32_t decoupled, pt_optim* out) {
  return guard([&] {
    require(lr > 0 && beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weight_decay >= 0, PT_EARGUMENT,
            "Adam needs lr > 0, betas in [0, 1), eps > 0, weight decay >= 0");
    auto ps = collect(params, n);
    if (decoupled) {
      auto opts = optim::AdamWOptions(lr).betas({beta1, beta2}).eps(eps).weight_decay(weight_decay);
      put_optim(std::make_unique<optim::AdamW>(ps, opts), ps, out);
    } else {
      auto opts = optim::AdamOptions(lr).betas({beta1, beta2}).eps(eps).weight_decay(weight_decay);
      put_optim(std::make_unique<optim::Adam>(ps, opts), ps, out);
    }
  });
}

void pt_optim_free(pt_optim o) { delete o; }

int32_t pt_optim_zero_grad(pt_optim o) {
  return guard([&] { get(o).opt->zero_grad(); });
}

int32_t pt_optim_step(pt_optim o, int32_t check_finite, int32_t* applied) {
  return guard([&] {
    auto& opt = get(o);
    require(applied != nullptr, PT_EARGUMENT, "null out pointer");
    torch::NoGradGuard no_grad;
    if (check_finite && !grads_finite(opt.params)) {
      opt.opt->zero_grad();
      *applied = 0;
      return;
    }
    opt.opt->step();
    *applied = 1;
  });
}

int32_t pt_optim_set_lr(pt_optim o, double lr) {
  return guard([&] {
    require(lr > 0, PT_EARGUMENT, "learning rate must be positive");
    for (auto& group : get(o).opt->param_groups()) group.options().set_lr(lr);
  });
}

int32_t pt_optim_get_lr(pt_optim o, double* lr) {
  return guard([&] { *lr = get(o).opt->param_groups().at(0).options().get_lr(); });
}

int32_t pt_optim_save(pt_optim o, pt_bytes* out) {
  return guard([&] {
    auto& opt = get(o);
    require(out != nullptr, PT_EARGUMENT, "null out pointer");
    auto bytes = std::make_unique<pt_bytes_s>();
    torch::serialize::OutputArchive archive;
    opt.opt->save(archive);
    archive.save_to([&](const void* data, size_t size) {
      bytes->data.append(static_cast<const char*>(data), size);
      return size;
    });
    *out = bytes.release();
  });
}

int32_t pt_optim_load(pt_optim o, const uint8_t* data, int64_t length) {
  return guard([&] {
    auto& opt = get(o);
    require(data != nullptr && length > 0, PT_EARGUMENT, "empty optimizer state");
    try {
      torch::serialize::InputArchive archive;
      archive.load_from(reinterpret_cast<const char*>(data), static_cast<size_t>(length));
      opt.opt->load(archive);
    } catch (const c10::Error& e) {
      throw Failure(PT_EIO, std::string("cannot read optimizer state: ") + e.what_without_backtrace());
    }
  });
}

}  // extern "C"
