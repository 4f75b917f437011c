#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and CI: `start DIR PORT` prints its URL, `stop DIR` ends it.
# The server binaries are in the machine image (../shared/ENVIRONMENT.md) but nothing runs them; initdb
# refuses root, so as root the cluster belongs to the postgres user.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || bin=$(dirname "$(command -v pg_ctl)")
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
	dir=$2 port=$3
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log"
	# Durability is the production server's job; a test cluster trades it for speed.
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
	echo "postgres://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	dir=$2
	[ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start DIR PORT | stop DIR" >&2
	exit 2
	;;
esac
