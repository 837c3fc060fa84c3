#!/usr/bin/env bash
# Remote actor-to-actor benchmark, two processes on loopback: starts the server, runs the client, stops the server.
# Usage: benchmarks/Pipeline.Cluster.Benchmarks/remote-actors.sh [client options, e.g. --messages 2000000 --pairs 4 --rounds 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
B=benchmarks/Pipeline.Cluster.Benchmarks/bin/Release/net10.0/Pipeline.Cluster.Benchmarks.dll
PORT=${PORT:-47411}
dotnet "$B" --mode actors-server --port "$PORT" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
dotnet "$B" --mode actors-client --port "$PORT" "$@"
