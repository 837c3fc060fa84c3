#!/usr/bin/env bash
# Builds the native shim. Usage:
#   build.sh          CPU build against Debian's libtorch-dev -> build/cpu/libpipeline_torch.so
#   build.sh --bench  CPU build plus build/cpu/mlp_bench (the raw C++ loop of the benchmarks)
#   build.sh --cuda   CUDA build against the PyTorch of `python3` (or $TORCH_ROOT) -> build/cuda/libpipeline_torch_cuda.so
# Incremental: cmake only recompiles what changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jobs="${PIPELINE_NATIVE_JOBS:-2}"
# concurrent builds (e.g. Debug and Release dotnet builds at once) must not share a half-written build tree
mkdir -p "$here/build"
exec 9>"$here/build/.lock"
flock 9
if [ "${1:-}" = "--cuda" ]; then
  py="${PYTHON:-python3}"
  root="${TORCH_ROOT:-$("$py" -c 'import torch, os; print(os.path.dirname(torch.__file__))')}"
  abi="$("$py" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
  cmake -S "$here" -B "$here/build/cuda" -DPIPELINE_TORCH_CUDA=ON -DTORCH_ROOT="$root" -DTORCH_CXX11_ABI="$abi" >/dev/null
  cmake --build "$here/build/cuda" -j "$jobs"
else
  if [ ! -f /usr/include/torch/script.h ]; then
    echo "libtorch-dev is not installed: run scripts/setup/torch.sh (apt-get install libtorch-dev)" >&2
    exit 1
  fi
  bench=OFF
  [ "${1:-}" = "--bench" ] && bench=ON
  cmake -S "$here" -B "$here/build/cpu" -DPIPELINE_TORCH_BENCH="$bench" >/dev/null
  cmake --build "$here/build/cpu" -j "$jobs"
fi
