#!/usr/bin/env bash
# Prepares the GPU check (scripts/gpu/check.sh) on a machine with the .NET SDK: publishes the Models tests and the
# Models benchmark self-contained for linux-x64 (the GPU machine has no .NET) and packs them, with the SpamAssassin
# corpus, into .gpu/ (ignored by git; the device call carries it: carry [".gpu"]).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/.gpu"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out" && mkdir -p "$out"
[ -d .data/spam-assassin/spam-1 ] || scripts/setup/torch.sh
echo "publishing the Models tests and benchmark (self-contained, linux-x64) ..."
# both into one folder: they share one copy of the runtime (the device call carries at most 64 MiB)
dotnet publish tests/Pipeline.Models.Tests -c Release -r linux-x64 --self-contained -p:UseAppHost=true -o "$work/app" -v quiet -nologo
dotnet publish benchmarks/Pipeline.Models.Benchmarks -c Release -r linux-x64 --self-contained -o "$work/app" -v quiet -nologo
# the check builds the CUDA shim there; the CPU one published here stays beside the assemblies as a build puts it
# (it links Debian's libtorch, which the GPU machine lacks, and the loader prefers the CUDA one where a GPU is)
rm -f "$work"/app/*.pdb
cp benchmarks/Pipeline.Models.Benchmarks/text_classifier_bench.py "$work/app/"
echo "packing into .gpu/ ..."
tar -C "$work" -cf - app | xz -T0 -6 > "$out/app.tar.xz"
tar -C .data -cf - spam-assassin | xz -T0 -6 > "$out/spam.tar.xz"
du -ch "$out"/*.tar.xz | tail -1
