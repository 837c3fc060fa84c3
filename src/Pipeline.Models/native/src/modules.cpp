// Module exports: native nn modules (as PyTorch names them), Sequential, TorchScript, forward and state entries.
#include "common.h"
#include <sstream>

using namespace pt;
namespace nn = torch::nn;

namespace {

template <typename Holder>
void put_any(Holder holder, pt_module* out) {
  require(out != nullptr, PT_EARGUMENT, "null out pointer");
  auto* m = new pt_module_s();
  m->kind = ModuleKind::Any;
  m->any = nn::AnyModule(std::move(holder));
  *out = m;
}

std::shared_ptr<nn::Module> native(pt_module_s& m) {
  switch (m.kind) {
    case ModuleKind::Any: return m.any.ptr();
    case ModuleKind::Sequential: return m.seq.ptr();
    default: return nullptr;
  }
}

void put_script(torch::jit::Module script, int32_t device_type, int32_t device_index, pt_module* out) {
  require(out != nullptr, PT_EARGUMENT, "null out pointer");
  script.to(to_device(device_type, device_index));
  script.eval();
  auto* m = new pt_module_s();
  m->kind = ModuleKind::Script;
  m->script.emplace(std::move(script));
  *out = m;
}

}  // namespace

extern "C" {

int32_t pt_module_linear(int64_t in_features, int64_t out_features, int32_t bias, pt_module* out) {
  return guard([&] {
    require(in_features > 0 && out_features > 0, PT_EARGUMENT, "Linear needs positive in and out features");
    put_any(nn::Linear(nn::LinearOptions(in_features, out_features).bias(bias != 0)), out);
  });
}

int32_t pt_module_embedding(int64_t num, int64_t dim, pt_module* out) {
  return guard([&] {
    require(num > 0 && dim > 0, PT_EARGUMENT, "Embedding needs a positive count and dimension");
    put_any(nn::Embedding(nn::EmbeddingOptions(num, dim)), out);
  });
}

int32_t pt_module_embedding_bag(int64_t num, int64_t dim, int32_t mode, pt_module* out) {
  return guard([&] {
    require(num > 0 && dim > 0, PT_EARGUMENT, "EmbeddingBag needs a positive count and dimension");
    nn::EmbeddingBagMode m;
    switch (mode) {
      case 0: m = torch::kSum; break;
      case 1: m = torch::kMean; break;
      case 2: m = torch::kMax; break;
      default: throw Failure(PT_EARGUMENT, "unknown EmbeddingBag mode " + std::to_string(mode));
    }
    put_any(nn::EmbeddingBag(nn::EmbeddingBagOptions(num, dim).mode(m)), out);
  });
}

int32_t pt_module_layer_norm(int64_t dim, double eps, pt_module* out) {
  return guard([&] {
    require(dim > 0, PT_EARGUMENT, "LayerNorm needs a positive dimension");
    put_any(nn::LayerNorm(nn::LayerNormOptions({dim}).eps(eps)), out);
  });
}

int32_t pt_module_dropout(double p, pt_module* out) {
  return guard([&] {
    require(p >= 0.0 && p < 1.0, PT_EARGUMENT, "Dropout probability must be in [0, 1)");
    put_any(nn::Dropout(nn::DropoutOptions(p)), out);
  });
}

int32_t pt_module_activation(int32_t kind, pt_module* out) {
  return guard([&] {
    switch (kind) {
      case 0: put_any(nn::ReLU(), out); break;
      case 1: put_any(nn::GELU(), out); break;
      case 2: put_any(nn::Tanh(), out); break;
      case 3: put_any(nn::Sigmoid(), out); break;
      default: throw Failure(PT_EARGUMENT, "unknown activation " + std::to_string(kind));
    }
  });
}

int32_t pt_module_sequential(const pt_module* children, int32_t n, pt_module* out) {
  return guard([&] {
    require(out != nullptr, PT_EARGUMENT, "null out pointer");
    require(n >= 0 && (n == 0 || children != nullptr), PT_EARGUMENT, "bad children array");
    nn::Sequential seq;
    for (int32_t i = 0; i < n; ++i) {
      auto& child = get(children[i]);
      require(child.kind == ModuleKind::Any, PT_ENOTSUPPORTED,
              "Sequential children must be native leaf modules (no nested Sequential or TorchScript)");
      seq->push_back(child.any);
    }
    auto* m = new pt_module_s();
    m->kind = ModuleKind::Sequential;
    m->seq = seq;
    *out = m;
  });
}

int32_t pt_module_transformer_encoder(int64_t d_model, int64_t heads, int64_t dim_feedforward, int64_t layers,
                                      double dropout, pt_module* out) {
  return guard([&] {
    require(d_model > 0 && heads > 0 && d_model % heads == 0, PT_EARGUMENT,
            "TransformerEncoder needs d_model divisible by the head count");
    require(layers > 0 && dim_feedforward > 0, PT_EARGUMENT, "TransformerEncoder needs layers and a feed-forward size");
    auto layer = nn::TransformerEncoderLayerOptions(d_model, heads).dim_feedforward(dim_feedforward).dropout(dropout);
    put_any(nn::TransformerEncoder(nn::TransformerEncoderOptions(layer, layers)), out);
  });
}

int32_t pt_module_load_script_file(const char* path, int32_t device_type, int32_t device_index, pt_module* out) {
  return guard([&] {
    require(path != nullptr, PT_EARGUMENT, "null path");
    torch::jit::Module script;
    try {
      script = torch::jit::load(std::string(path));
    } catch (const c10::Error& e) {
      throw Failure(PT_EIO, std::string("cannot load TorchScript file '") + path + "': " + e.what_without_backtrace());
    }
    put_script(std::move(script), device_type, device_index, out);
  });
}

int32_t pt_module_load_script_bytes(const uint8_t* data, int64_t length, int32_t device_type, int32_t device_index,
                                    pt_module* out) {
  return guard([&] {
    require(data != nullptr && length > 0, PT_EARGUMENT, "empty TorchScript bytes");
    std::istringstream stream(std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(length)));
    torch::jit::Module script;
    try {
      script = torch::jit::load(stream);
    } catch (const c10::Error& e) {
      throw Failure(PT_EIO, std::string("cannot load TorchScript bytes: ") + e.what_without_backtrace());
    }
    put_script(std::move(script), device_type, device_index, out);
  });
}

void pt_module_free(pt_module m) { delete m; }

int32_t pt_module_forward(pt_module m, const pt_tensor* inputs, int32_t n, int32_t grad, pt_tensor* out) {
  return guard([&] {
    auto& mod = get(m);
    GradScope g(grad);
    require(n >= 1 && n <= 3 && inputs != nullptr, PT_EARGUMENT, "forward takes 1 to 3 tensors");
    std::vector<torch::Tensor> x;
    x.reserve(static_cast<size_t>(n));
    // a null handle after the first input stands for "no tensor" (e.g. no attention mask)
    for (int32_t i = 0; i < n; ++i) x.push_back(i > 0 && inputs[i] == nullptr ? torch::Tensor() : get(inputs[i], "forward input"));
    torch::Tensor y;
    switch (mod.kind) {
      case ModuleKind::Any:
        y = n == 1 ? mod.any.forward(x[0]) : n == 2 ? mod.any.forward(x[0], x[1]) : mod.any.forward(x[0], x[1], x[2]);
        break;
      case ModuleKind::Sequential:
        y = n == 1 ? mod.seq->forward(x[0]) : n == 2 ? mod.seq->forward(x[0], x[1]) : mod.seq->forward(x[0], x[1], x[2]);
        break;
      case ModuleKind::Script: {
        std::vector<torch::jit::IValue> args(x.begin(), x.end());
        auto result = mod.script->forward(args);
        require(result.isTensor(), PT_ENOTSUPPORTED, "TorchScript forward must return one tensor");
        y = result.toTensor();
        break;
      }
    }
    put(std::move(y), out);
  });
}

int32_t pt_module_train(pt_module m, int32_t on) {
  return guard([&] {
    auto& mod = get(m);
    if (mod.kind == ModuleKind::Script) {
      mod.script->train(on != 0);
    } else {
      native(mod)->train(on != 0);
    }
  });
}

int32_t pt_module_to(pt_module m, int32_t device_type, int32_t device_index) {
  return guard([&] {
    auto& mod = get(m);
    auto device = to_device(device_type, device_index);
    if (mod.kind == ModuleKind::Script) {
      mod.script->to(device);
    } else {
      native(mod)->to(device);
    }
  });
}

int32_t pt_module_state_count(pt_module m, int32_t* count) {
  return guard([&] {
    auto& mod = get(m);
    require(count != nullptr, PT_EARGUMENT, "null out pointer");
    mod.state.clear();
    mod.state_is_param.clear();
    if (mod.kind == ModuleKind::Script) {
      for (const auto& p : mod.script->named_parameters(true)) {
        mod.state.emplace_back(p.name, p.value);
        mod.state_is_param.push_back(true);
      }
      for (const auto& b : mod.script->named_buffers(true)) {
        mod.state.emplace_back(b.name, b.value);
        mod.state_is_param.push_back(false);
      }
    } else {
      auto ptr = native(mod);
      for (const auto& p : ptr->named_parameters(true)) {
        mod.state.emplace_back(p.key(), p.value());
        mod.state_is_param.push_back(true);
      }
      for (const auto& b : ptr->named_buffers(true)) {
        mod.state.emplace_back(b.key(), b.value());
        mod.state_is_param.push_back(false);
      }
    }
    *count = static_cast<int32_t>(mod.state.size());
  });
}

int32_t pt_module_state_entry(pt_module m, int32_t index, const char** name, int32_t* is_parameter, pt_tensor* out) {
  return guard([&] {
    auto& mod = get(m);
    require(index >= 0 && static_cast<size_t>(index) < mod.state.size(), PT_EARGUMENT,
            "state index " + std::to_string(index) + " out of range (call pt_module_state_count first)");
    *name = mod.state[static_cast<size_t>(index)].first.c_str();
    *is_parameter = mod.state_is_param[static_cast<size_t>(index)] ? 1 : 0;
    put(mod.state[static_cast<size_t>(index)].second, out);
  });
}

}  // extern "C"
