#!/usr/bin/env bash
# Throwaway RabbitMQ 3.10 node (with the stream plugin) for tests: source this file, then
#   rabbit_start    -> exports PIPELINE_TEST_RABBITMQ (amqp://guest:guest@127.0.0.1:PORT/) and RABBIT_DIR, RABBIT_PORT
#   rabbit_stop     -> stops the node and the epmd this shell started (by their pids)
#   rabbit_cleanup  -> rabbit_stop + removes the temp dir
# Everything (HOME with the Erlang cookie, mnesia, logs, epmd) is private to a fresh temp dir and bound to
# 127.0.0.1 on free ports, so that parallel runs do not collide. Install with scripts/setup/rabbitmq.sh.
# Facts behind it: /work/shared/notes/servers-and-data.md
RABBIT_SERVER=${RABBIT_SERVER:-/usr/lib/rabbitmq/bin/rabbitmq-server}
RABBIT_CTL=${RABBIT_CTL:-/usr/lib/rabbitmq/bin/rabbitmqctl}

# shellcheck source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

_rabbit_env() {
  env HOME="$RABBIT_DIR" \
    RABBITMQ_NODENAME="$RABBIT_NODE" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$RABBIT_PORT" \
    RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" \
    RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia" \
    RABBITMQ_LOG_BASE="$RABBIT_DIR/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq" \
    RABBITMQ_PID_FILE="$RABBIT_DIR/rabbit.pid" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_EPMD_PORT="$RABBIT_EPMD_PORT" \
    ERL_CRASH_DUMP="$RABBIT_DIR/erl_crash.dump" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$@"
}

rabbit_start() {
  if [ ! -x "$RABBIT_SERVER" ]; then
    echo "rabbitmq.sh: $RABBIT_SERVER not found; install it with scripts/setup/rabbitmq.sh" >&2
    return 1
  fi
  # a node that fails to start (a port taken meanwhile, a slow machine) is cleaned up and tried again on fresh ports
  local requested=${RABBIT_PORT:-} attempt
  for attempt in 1 2 3; do
    RABBIT_PORT=$requested
    if _rabbit_start_once; then return 0; fi
    if [ "$attempt" -eq 3 ]; then
      rabbit_stop # the last attempt's directory stays, with its logs
      return 1
    fi
    rabbit_cleanup
    echo "rabbitmq.sh: starting again (attempt $((attempt + 1)) of 3)" >&2
  done
}

_rabbit_start_once() {
  RABBIT_DIR=$(mktemp -d /tmp/pipeline-rabbit.XXXXXX)
  chmod 755 "$RABBIT_DIR"
  RABBIT_PORT=${RABBIT_PORT:-$(free_port)}
  RABBIT_DIST_PORT=$(free_port)
  RABBIT_EPMD_PORT=$(free_port)
  RABBIT_NODE="rabbit-$(basename "$RABBIT_DIR" | tr -dc 'a-zA-Z0-9')@localhost"
  mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  echo '[rabbitmq_stream].' > "$RABBIT_DIR/enabled_plugins"
  cat > "$RABBIT_DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
stream.listeners.tcp.default = 127.0.0.1:$(free_port)
loopback_users = none
CONF
  ERL_EPMD_ADDRESS=127.0.0.1 epmd -address 127.0.0.1 -port "$RABBIT_EPMD_PORT" >"$RABBIT_DIR/epmd.log" 2>&1 &
  RABBIT_EPMD_PID=$!
  _rabbit_env "$RABBIT_SERVER" >"$RABBIT_DIR/server.out" 2>&1 &
  RABBIT_PID=$!
  export RABBIT_DIR RABBIT_PORT RABBIT_PID RABBIT_EPMD_PID RABBIT_NODE RABBIT_DIST_PORT RABBIT_EPMD_PORT
  # rabbitmq-server is a shell script that execs beam; its pid file is written once the node runs
  if ! _rabbit_env "$RABBIT_CTL" -n "$RABBIT_NODE" wait --pid "$RABBIT_PID" --timeout 120 >"$RABBIT_DIR/wait.log" 2>&1; then
    echo "rabbitmq.sh: the node did not start; see $RABBIT_DIR/server.out and $RABBIT_DIR/log" >&2
    tail -n 30 "$RABBIT_DIR/server.out" >&2
    return 1
  fi
  # from now on RABBIT_PID is the Erlang VM itself (the launcher script exits with it)
  if [ -s "$RABBIT_DIR/rabbit.pid" ]; then RABBIT_PID=$(cat "$RABBIT_DIR/rabbit.pid"); export RABBIT_PID; fi
  export PIPELINE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$RABBIT_PORT/"
  echo "rabbitmq.sh: RabbitMQ up on 127.0.0.1:$RABBIT_PORT (pid $RABBIT_PID, node $RABBIT_NODE)" >&2
}

rabbit_stop() {
  if [ -n "${RABBIT_PID:-}" ]; then
    kill -TERM "$RABBIT_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$RABBIT_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$RABBIT_PID" 2>/dev/null || true
    RABBIT_PID=
  fi
  if [ -n "${RABBIT_EPMD_PID:-}" ]; then
    kill -TERM "$RABBIT_EPMD_PID" 2>/dev/null || true
    RABBIT_EPMD_PID=
  fi
}

rabbit_cleanup() { rabbit_stop; [ -n "${RABBIT_DIR:-}" ] && rm -rf "$RABBIT_DIR"; RABBIT_DIR=; }
