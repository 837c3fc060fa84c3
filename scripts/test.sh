#!/usr/bin/env bash
# Runs every test of PipelineActors on a fresh machine of this kind (Debian 12, .NET 10 SDK, root):
#   1. set-up: every scripts/setup/*.sh (apt packages, npm data sets, the native libtorch shim) — each is a
#      fast no-op when already done;
#   2. throwaway servers on 127.0.0.1 (PostgreSQL 15, RabbitMQ 3.10 with stream queues), stopped by pid at
#      the end whatever happens;
#   3. one Release build of the solution, then every test project in turn;
#   4. the totals over all test projects, alone on the last line: "N passed, N failed".
# Exits non-zero when any test fails or a test project cannot run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# CI machines are small and shared: expectations in tests wait twice as long there.
export PIPELINE_TEST_TIME_FACTOR="${PIPELINE_TEST_TIME_FACTOR:-2}"

step() { printf '\n==> %s\n' "$*"; }

step "set-up"
for setup in scripts/setup/*.sh; do
  [ -e "$setup" ] || continue
  echo "-- $setup"
  bash "$setup"
done

step "throwaway servers"
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/rabbitmq.sh
source scripts/lib/rabbitmq.sh
cleanup() { rabbit_cleanup || true; pg_cleanup || true; }
trap cleanup EXIT
pg_start
rabbit_start

step "build"
dotnet build PipelineActors.sln -c Release -nologo -clp:ErrorsOnly

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
passed=0; failed=0; broken=()
# Every test project of the solution (the build above built exactly these).
mapfile -t projects < <(dotnet sln PipelineActors.sln list | grep -E '^tests/.*\.csproj$' | sort)
for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  step "test $name"
  set +e
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/$name" --blame-hang-timeout 10m
  code=$?
  set -e
  trx="$results/$name/$name.trx"
  if [ -f "$trx" ]; then
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ "$code" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then broken+=("$name (exit $code)"); fi
  else
    broken+=("$name (no results: exit $code)")
  fi
done

if [ ${#broken[@]} -gt 0 ]; then
  echo
  echo "Test projects that did not run to completion:"
  printf '  %s\n' "${broken[@]}"
  failed=$((failed + ${#broken[@]}))
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
