#!/usr/bin/env bash
# Throwaway PostgreSQL 15 for tests: source this file, then
#   pg_start            -> exports PIPELINE_TEST_PG (an Npgsql connection string) and PG_DIR, PG_PORT
#   pg_stop             -> fast shutdown of the server this shell started (by its pid)
#   pg_restart          -> stop + start on the same data dir and port (tests of reconnecting)
# Facts behind it: ../shared/notes/servers-and-data.md
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# shellcheck source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

pg_start() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "postgres.sh: PostgreSQL 15 binaries not found in $PG_BIN; install with: apt-get install -y postgresql-15" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/pipeline-pg.XXXXXX)
  chown postgres "$PG_DIR"; chmod 700 "$PG_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # a port taken between the choice and the start: try again on another (unless the caller chose the port)
  local requested=${PG_PORT:-} attempt
  for attempt in 1 2 3; do
    PG_PORT=${requested:-$(free_port)}
    if _pg_ctl_start; then break; fi
    echo "postgres.sh: the server did not start on port $PG_PORT (attempt $attempt of 3); see $PG_DIR/server.log" >&2
    tail -n 5 "$PG_DIR/server.log" >&2 || true
    [ "$attempt" -lt 3 ] || return 1
  done
  export PG_DIR PG_PORT
  export PIPELINE_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
  echo "postgres.sh: PostgreSQL up on 127.0.0.1:$PG_PORT (pid $(pg_pid))" >&2
}

_pg_ctl_start() {
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
}

pg_pid() { head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null; }

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  local pid; pid=$(pg_pid)
  if [ -n "$pid" ]; then
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

pg_restart() { pg_stop; _pg_ctl_start; }

pg_cleanup() { pg_stop; [ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"; PG_DIR=; }
