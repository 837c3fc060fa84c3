#!/usr/bin/env bash
# Machine set-up for Pipeline.Persistence tests and benchmarks (idempotent; a fast no-op when done).
# Needs: PostgreSQL 15 server binaries for scripts/lib/postgres.sh (the machine image normally has them).
# SQLite needs nothing: Microsoft.Data.Sqlite bundles its native library.
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15
