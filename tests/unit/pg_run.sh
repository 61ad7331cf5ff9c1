#!/bin/bash
# pg_run.sh TEST_BINARY: run a db unit test against PostgreSQL. Starts a
# temporary cluster on a free loopback port (tests/lib/pg.sh), creates the
# databases the test uses, runs `TEST_BINARY postgresql://hhd@127.0.0.1:PORT/`
# and stops the cluster by its PID file, whatever happens. Exit 77 (skipped)
# where the PostgreSQL server binaries are missing.
set -eu
SRC=${HHD_SRC:?set HHD_SRC to the source tree}
. "$SRC/tests/lib/pg.sh"
pg_require
T=$(mktemp -d /tmp/hhd-pg-unit-XXXXXX)
chmod 755 "$T"
cleanup() {
	rc=$?
	pg_stop "$T/data"
	if [ "$rc" = 0 ]; then rm -rf "$T"; else echo "logs kept in $T" >&2; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
PORT=$(pg_free_port)
# fsync off: these are unit tests of behaviour, not of durability
pg_init "$T/data" "$PORT" "fsync = off" "synchronous_commit = off" "full_page_writes = off"
pg_start "$T/data"
for d in hhd_t hhd_old hhd_v1 hhd_v3; do
	timeout 30 psql -X -q -h 127.0.0.1 -p "$PORT" -U hhd -d postgres -c "CREATE DATABASE $d" >/dev/null
done
"$1" "postgresql://hhd@127.0.0.1:$PORT/"
