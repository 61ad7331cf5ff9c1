# pg.sh: temporary PostgreSQL clusters for the tests (sourced).
#
#   pg_require                  exit 77 (skipped) with a clear message when the
#                               server binaries (postgresql-15) are missing
#   pg_init DIR PORT [CONF...]  a new cluster in DIR on 127.0.0.1:PORT, the
#                               superuser hhd, trust on loopback only; each CONF
#                               a postgresql.conf line
#   pg_start DIR | pg_stop DIR  pg_ctl start/stop, bounded waits; pg_stop stops
#                               the server pg_ctl started (its postmaster.pid)
#   pg_kill DIR                 kill -9 that postmaster, by its PID
#   pg_as CMD...                run a server-side command as the cluster owner
#   pg_free_port                a free TCP port on 127.0.0.1 (needs $SRC)
#
# Small clusters (shared_buffers 16MB, 30 connections): the machine is shared.
# As root the servers run as the user postgres (initdb refuses root); else as
# the current user.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

pg_require() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || ! command -v psql >/dev/null; then
		echo "skipped: PostgreSQL server binaries not found (scripts/deps test installs postgresql-15)"
		exit 77
	fi
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "skipped: running as root and there is no user postgres to run the server as"
		exit 77
	fi
}

pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	"$SRC/scripts/free-port"
}

pg_init() {
	dir=$1 port=$2
	shift 2
	mkdir -p "$dir"
	: >"$dir.log"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir" "$dir.log"
	chmod 700 "$dir"
	pg_as "$PG_BIN/initdb" -D "$dir" -U hhd --auth=trust -E UTF8 --locale=C --no-sync >"$dir.initdb.log" 2>&1 \
		|| { cat "$dir.initdb.log" >&2; return 1; }
	{
		echo "listen_addresses = '127.0.0.1'"
		echo "port = $port"
		echo "unix_socket_directories = ''"
		echo "shared_buffers = 16MB"
		echo "max_connections = 30"
		echo "max_wal_senders = 4"
		echo "wal_level = replica"
		echo "logging_collector = off"
		for c in "$@"; do echo "$c"; done
	} >>"$dir/postgresql.conf"
	echo "host replication hhd 127.0.0.1/32 trust" >>"$dir/pg_hba.conf"
}

pg_start() {
	pg_as "$PG_BIN/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start >/dev/null
}

pg_stop() {
	[ -f "$1/postmaster.pid" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$1" -m fast -w -t 60 stop >/dev/null 2>&1 || pg_kill "$1"
}

pg_kill() {
	pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null || true)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
}
