#!/usr/bin/env bash
# The GPU check, run on the lent GPU machine from the repository root, after scripts/gpu/pack.sh prepared .gpu/ here:
#   device run, carry [".gpu"], command "bash scripts/gpu/check.sh"
# 1. builds the CUDA shim (native/build.sh --cuda) against that machine's PyTorch;
# 2. runs the Models tests with the CUDA shim: all of them on the CPU, then again with PIPELINE_TEST_DEVICE=cuda,
#    where the device-aware tests (training on SpamAssassin, gradients, checkpoints, Python interop, optimizers,
#    shapes, placement) put their models and tensors on the GPU;
# 3. compares the text classifier's inference throughput from C# with PyTorch eager (Python) on the GPU.
# Everything it prints is also written to $OUT (the device tool brings that folder back).
set -uo pipefail
out="${OUT:-/tmp/gpu-check}"
mkdir -p "$out"
exec > >(tee "$out/check.log") 2>&1
root="$(pwd)"
nvidia-smi -L
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
start=$SECONDS
if ! PIPELINE_NATIVE_JOBS="$(nproc)" src/Pipeline.Models/native/build.sh --cuda > "$out/build.log" 2>&1; then
  echo "CUDA shim build FAILED after $((SECONDS - start)) s:"
  grep -E "error|Error" "$out/build.log" | head -60
  exit 1
fi
echo "CUDA shim built in $((SECONDS - start)) s: $(ls src/Pipeline.Models/native/build/cuda/*.so)"
run="$root/.gpu/run"
rm -rf "$run" && mkdir -p "$run"
for f in app spam; do tar -xJf ".gpu/$f.tar.xz" -C "$run"; done
export PIPELINE_TORCH_NATIVE_DIR="$root/src/Pipeline.Models/native/build/cuda"
export PIPELINE_TORCH_PYTHON="$(command -v python3)"
export PIPELINE_SPAM_DATA="$run/spam-assassin"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
status=0
echo "== Models tests on the CPU, CUDA shim =="
PIPELINE_TEST_DEVICE=cpu "$run/app/Pipeline.Models.Tests" > "$out/tests-cpu.log" 2>&1 || status=1
grep -vE "^  passed" "$out/tests-cpu.log" | tail -40
echo "== Models tests on CUDA =="
PIPELINE_TEST_DEVICE=cuda "$run/app/Pipeline.Models.Tests" > "$out/tests-cuda.log" 2>&1 || status=1
grep -vE "^  passed" "$out/tests-cuda.log" | tail -40
echo "== text classifier: C# against PyTorch eager on cuda =="
"$run/app/Pipeline.Models.Benchmarks" 1 3 --text-only --device cuda 2>&1 | tee "$out/bench.log" || status=1
echo "check finished in $((SECONDS - start)) s, status $status"
exit $status
