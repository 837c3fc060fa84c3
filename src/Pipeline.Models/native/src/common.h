// Shared internals of the shim: handle layouts, the guard that turns every C++ exception into a status.
#pragma once
#include <torch/torch.h>
#include <torch/script.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "../include/pipeline_torch.h"

struct pt_tensor_s {
  torch::Tensor t;
};

struct pt_bytes_s {
  std::string data;
};

enum class ModuleKind { Any, Sequential, Script };

struct pt_module_s {
  ModuleKind kind = ModuleKind::Any;
  torch::nn::AnyModule any;
  torch::nn::Sequential seq{nullptr};
  std::optional<torch::jit::Module> script;
  std::vector<std::pair<std::string, torch::Tensor>> state;
  std::vector<bool> state_is_param;
};

struct pt_optim_s {
  std::unique_ptr<torch::optim::Optimizer> opt;
  std::vector<torch::Tensor> params;
};

namespace pt {

// A failure the shim detects itself, reported with its own status code.
struct Failure : std::runtime_error {
  int32_t status;
  Failure(int32_t code, const std::string& message) : std::runtime_error(message), status(code) {}
};

void set_last_error(const std::string& message);
int32_t classify(const std::string& message);

template <typename F>
int32_t guard(F&& body) noexcept {
  try {
    body();
    return PT_OK;
  } catch (const Failure& e) {
    set_last_error(e.what());
    return e.status;
  } catch (const c10::Error& e) {
    std::string message = e.what_without_backtrace();
    set_last_error(message);
    return classify(message);
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return classify(e.what());
  } catch (...) {
    set_last_error("unknown C++ exception in pipeline_torch");
    return PT_ERROR;
  }
}

// Sets grad mode (or inference mode) for the duration of one call on the calling thread.
class GradScope {
 public:
  explicit GradScope(int32_t mode) : inference_(mode == PT_GRAD_INFERENCE), grad_(mode == PT_GRAD_ON) {}

 private:
  c10::InferenceMode inference_;
  torch::AutoGradMode grad_;
};

torch::Dtype to_dtype(int32_t code);
int32_t from_dtype(torch::Dtype dtype);
torch::Device to_device(int32_t type, int32_t index);
const torch::Tensor& get(pt_tensor t, const char* what);
pt_module_s& get(pt_module m);
pt_optim_s& get(pt_optim o);
void put(torch::Tensor value, pt_tensor* out);
void release(pt_tensor t);
std::vector<int64_t> dims(const int64_t* shape, int32_t ndim);
std::string shape_string(c10::IntArrayRef shape);
void require(bool condition, int32_t status, const std::string& message);

}  // namespace pt
