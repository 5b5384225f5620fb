#!/usr/bin/env bash
# Starts throwaway PostgreSQL and Redis servers on loopback for the test suites, and prints the env to use them.
# Usage: eval "$(scripts/test-services.sh start)"   |   scripts/test-services.sh stop
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"   # runuser lives in /usr/sbin, absent from minimal PATHs
dir="${TANDEM_SERVICES_DIR:-/tmp/tandem-services}"
pg_port="${TANDEM_PG_PORT:-54329}"
redis_port="${TANDEM_REDIS_PORT:-63799}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ -n "$pgbin" ]; then
    if [ ! -f "$dir/pg/PG_VERSION" ]; then
      as_pg "$pgbin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    fi
    if ! as_pg "$pgbin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
      as_pg "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir -c fsync=off -c max_connections=300" >/dev/null
    fi
    echo "export TANDEM_TEST_PG_URL=postgres://postgres@127.0.0.1:$pg_port/postgres"
  else
    echo "echo 'test-services: PostgreSQL is not installed' >&2"
  fi
  if command -v redis-server >/dev/null; then
    if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
      redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --save '' --appendonly no \
        --logfile "$dir/redis.log" --dir "$dir" >/dev/null
    fi
    echo "export TANDEM_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
  else
    echo "echo 'test-services: redis-server is not installed' >&2"
  fi
  ;;
stop)
  [ -n "$pgbin" ] && [ -f "$dir/pg/PG_VERSION" ] && as_pg "$pgbin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  command -v redis-cli >/dev/null && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
