// The raw libtorch C++ loop the C# API is compared with (benchmarks/Pipeline.Models.Benchmarks runs both in one run).
// Usage: mlp_bench <infer|train> <batch> <seconds> [threads]
// Prints: {"mode":"infer","batch":256,"samples_per_s":...,"us_per_call":...}
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <infer|train> <batch> <seconds> [threads]\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  int64_t batch = std::atoll(argv[2]);
  double seconds = std::atof(argv[3]);
  torch::set_num_threads(argc > 4 ? std::atoi(argv[4]) : 1);
  torch::manual_seed(0);
  torch::nn::Sequential mlp(torch::nn::Linear(64, 256), torch::nn::ReLU(), torch::nn::Linear(256, 256), torch::nn::ReLU(),
                            torch::nn::Linear(256, 2));
  auto x = torch::randn({batch, 64});
  auto y = torch::randint(0, 2, {batch}, torch::kInt64);
  torch::optim::Adam adam(mlp->parameters(), torch::optim::AdamOptions(1e-3));
  auto once = [&] {
    if (mode == "infer") {
      c10::InferenceMode guard;
      auto out = mlp->forward(x);
    } else {
      adam.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(mlp->forward(x), y);
      loss.backward();
      adam.step();
    }
  };
  using clock = std::chrono::steady_clock;
  auto warm_end = clock::now() + std::chrono::milliseconds(300);
  while (clock::now() < warm_end) once();
  int64_t calls = 0;
  auto start = clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  while (clock::now() < end) {
    for (int i = 0; i < 16; ++i) once();
    calls += 16;
  }
  double elapsed = std::chrono::duration<double>(clock::now() - start).count();
  std::printf("{\"mode\":\"%s\",\"batch\":%lld,\"samples_per_s\":%.1f,\"us_per_call\":%.3f}\n", mode.c_str(),
              static_cast<long long>(batch), calls * batch / elapsed, elapsed * 1e6 / calls);
  return 0;
}
