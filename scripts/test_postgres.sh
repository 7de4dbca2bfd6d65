#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests (tests/test_userstore.py).
#   bash scripts/test_postgres.sh start   → installs Debian's `postgresql` if missing, starts a server in a
#                                           temporary folder on 127.0.0.1:$PGTEST_PORT (default: a free port) and
#                                           prints its URL (export it as COVERAGE_ATLAS_TEST_PG_URL);
#   bash scripts/test_postgres.sh stop DIR → stops it and removes the folder (DIR: printed on stderr by start).
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user the package creates.
set -euo pipefail
cmd=${1:-start}
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$cmd" = stop ]; then
  dir=${2:?usage: test_postgres.sh stop DIR}
  [ -d "$dir/data" ] && as_owner "$(pgbin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
if [ -z "$(pgbin)" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2 || true
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
fi
bin=$(pgbin)
# A free port unless one is given: another PostgreSQL (a developer's, a second run) may hold any fixed one.
port=${PGTEST_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
dir=$(mktemp -d /tmp/atlas-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
as_owner "$bin/initdb" -D "$dir/data" -U atlas --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
  || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U atlas atlas_test
echo "test PostgreSQL in $dir (stop: bash scripts/test_postgres.sh stop $dir)" >&2
echo "postgresql+psycopg://atlas@127.0.0.1:$port/atlas_test"
