#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the registry tests, on a loopback port, in a temporary
# folder, as the `postgres` user (initdb refuses root). Source it: it exports
#   ASYLUM_PATHWAYS_TEST_PG_URL      the owner role (runs the migrations)
#   ASYLUM_PATHWAYS_TEST_PG_APP_URL  the application role (no ownership: row-level security binds it)
# and stops the server when the sourcing shell exits. It runs under the caller's `set -euo pipefail`.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
PG_DIR="$(mktemp -d /tmp/ap-pg.XXXXXX)"
chown postgres "$PG_DIR"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg() { runuser -u postgres -- "$@"; }
echo postgres > "$PG_DIR/pw" && chown postgres "$PG_DIR/pw"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A scram-sha-256 -U postgres --pwfile="$PG_DIR/pw" \
  -E UTF8 --locale=C.UTF-8 >/dev/null
rm -f "$PG_DIR/pw"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off" \
  start >/dev/null
trap 'runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
PGPASSWORD=postgres "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE registry_owner LOGIN PASSWORD 'owner-pw' CREATEDB;
CREATE ROLE registry_app LOGIN PASSWORD 'app-pw' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE registry_test OWNER registry_owner;
GRANT pg_signal_backend TO registry_owner;
SQL
export ASYLUM_PATHWAYS_TEST_PG_URL="postgresql+psycopg://registry_owner:owner-pw@127.0.0.1:$PG_PORT/registry_test"
export ASYLUM_PATHWAYS_TEST_PG_APP_URL="postgresql+psycopg://registry_app:app-pw@127.0.0.1:$PG_PORT/registry_test"
