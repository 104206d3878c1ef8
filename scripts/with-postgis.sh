#!/usr/bin/env bash
# Run a command with ECOLEADS_TEST_POSTGIS_URL pointing at a throwaway database with PostGIS.
#
# 1. If ECOLEADS_TEST_POSTGIS_URL is set, use it as it is.
# 2. Else, if a PostgreSQL server answers at PGHOST:PGPORT (default 127.0.0.1:5432, user
#    PGUSER or postgres), use it; if it lacks PostGIS, install the Debian package
#    postgresql-<major>-postgis-3 matching the server.
# 3. Else install PostgreSQL and PostGIS from Debian packages and start a private cluster in
#    a temporary directory on a spare port.
# A throwaway database is created with the extension and dropped afterwards; a cluster this
# script started is stopped and removed. Nothing it started is left running.
set -euo pipefail

if [ -n "${ECOLEADS_TEST_POSTGIS_URL:-}" ]; then exec "$@"; fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  echo "installing Debian packages: $*" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
command -v psql >/dev/null || apt_install postgresql-client

host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
cluster_dir=""
db="ecoleads_test_$$_$(date +%s)"

sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d "${2:-postgres}" -c "$1"; }

cleanup() {
  status=$?
  sql "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
  # and the databases of parallel test workers (tests/conftest.py: <db>_gw0, <db>_gw1, ...)
  for extra in $(sql "SELECT datname FROM pg_database WHERE datname LIKE '${db}_gw%'" 2>/dev/null); do
    sql "DROP DATABASE IF EXISTS \"$extra\"" >/dev/null 2>&1 || true
  done
  if [ -n "$cluster_dir" ]; then
    run_pg "$pgbin/pg_ctl" -D "$cluster_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$cluster_dir"
  fi
  exit $status
}
trap cleanup EXIT INT TERM

run_pg() {  # run a PostgreSQL server binary as a non-root user
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! sql "SELECT 1" >/dev/null 2>&1; then
  echo "no PostgreSQL server at $host:$port: starting a private one" >&2
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  major=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pgbin=/usr/lib/postgresql/$major/bin
  cluster_dir=$(mktemp -d /tmp/ecoleads-pg.XXXXXX)
  chmod 755 "$cluster_dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$cluster_dir"
  host=$cluster_dir
  port=$(( 20000 + RANDOM % 20000 ))
  user=$( [ "$(id -u)" -eq 0 ] && echo postgres || id -un )
  run_pg "$pgbin/initdb" -D "$cluster_dir/data" -U "$user" -A trust >/dev/null
  run_pg "$pgbin/pg_ctl" -D "$cluster_dir/data" -w -l "$cluster_dir/log" \
    -o "-p $port -k $cluster_dir -c listen_addresses=''" start >/dev/null
fi

if [ "$(sql "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" = "0" ]; then
  major=$(sql "SHOW server_version_num" | cut -c1-2)
  apt_install "postgresql-$major-postgis-3"
fi

sql "CREATE DATABASE \"$db\"" >/dev/null
sql "CREATE EXTENSION postgis" "$db" >/dev/null
if [ -n "$cluster_dir" ]; then
  export ECOLEADS_TEST_POSTGIS_URL="postgresql+psycopg://$user@/$db?host=$cluster_dir&port=$port"
else
  export ECOLEADS_TEST_POSTGIS_URL="postgresql+psycopg://$user@$host:$port/$db"
fi
echo "PostGIS test database: $db ($(sql 'SELECT postgis_lib_version()' "$db"))" >&2
"$@"
