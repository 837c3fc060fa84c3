#!/usr/bin/env bash
# Installs what the RabbitMQ connector tests of src/Pipeline.Streams need on a Debian 12 machine, idempotently:
# Debian's rabbitmq-server (3.10, with Erlang and epmd). The package's own service start is blocked on these
# machines, which is fine: scripts/lib/rabbitmq.sh starts a private node per test run. Fast no-op when installed.
set -euo pipefail
if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && command -v epmd >/dev/null 2>&1; then
  exit 0
fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# policy-rc.d keeps apt from trying to start the system-wide service (it cannot run here anyway)
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq --no-install-recommends rabbitmq-server
# the package may leave a system node/epmd half-started; we never use it
