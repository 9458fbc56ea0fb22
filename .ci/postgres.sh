#!/usr/bin/env bash
# Makes a PostgreSQL server reachable on 127.0.0.1:5432 with a database and user for the
# engine's tests, installing it from Debian's packages when absent. Idempotent.
# Prints the connection string on its last line.
set -euo pipefail

DB_NAME=${ENGINE_PG_DATABASE:-conversation_engine}
DB_USER=${ENGINE_PG_USER:-engine}
DB_PASSWORD=${ENGINE_PG_PASSWORD:-engine}

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
fi

if command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
  read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
  if [ "$status" != "online" ]; then
    pg_ctlcluster "$version" "$cluster" start >&2
  fi
else
  # No Debian cluster (e.g. only the binaries): a private one under /tmp.
  bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")
  data=/tmp/engine-pgdata
  if [ ! -f "$data/PG_VERSION" ]; then
    install -d -o postgres -g postgres "$data"
    su postgres -c "$bin/initdb -D $data -A trust" >&2
  fi
  su postgres -c "$bin/pg_ctl -D $data -l $data/log -o '-c listen_addresses=127.0.0.1 -p 5432' -w start" >&2 || true
fi

for _ in $(seq 1 30); do
  if su postgres -c "psql -h 127.0.0.1 -p 5432 -tAc 'SELECT 1'" >/dev/null 2>&1 || su postgres -c "psql -tAc 'SELECT 1'" >/dev/null 2>&1; then
    break
  fi
  sleep 1
done

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
  psql_admin "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD' CREATEDB" >&2
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  psql_admin "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2
fi

echo "Host=127.0.0.1;Port=5432;Database=$DB_NAME;Username=$DB_USER;Password=$DB_PASSWORD"
