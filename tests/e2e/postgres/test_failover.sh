# test_failover.sh: several hhd-fcgi nodes on PostgreSQL with a streaming
# replica lose nothing they acknowledged.
#
# A primary and a synchronous streaming replica (temporary clusters on
# loopback, pg_basebackup -R), two hhd-fcgi nodes on one URI that lists
# both servers with target_session_attrs=read-write, one nginx in front
# (deploy/nginx/hhd-nodes.example.conf through scripts/serve --node).
#   1. concurrent forms and hits; kill -9 one node: every acknowledged form
#      and hit is in the database, no form twice, no more hits than sent;
#   2. concurrent forms; kill -9 the primary, promote the replica: the nodes
#      answer 503 meanwhile (never a 303 for a form not kept), find the new
#      primary by themselves (no restart) and every acknowledged form is on
#      the promoted replica, once.
# Bounded: each load phase stops after a fixed count or time.
. "$(dirname "$0")/../fcgi/lib.sh"
. "$SRC/tests/lib/pg.sh"
pg_require

CLIENTS=4
MAX=120
FORM='Content-Type: application/x-www-form-urlencoded'
P1=$(pg_free_port)
P2=$(pg_free_port)
while [ "$P2" = "$P1" ]; do P2=$(pg_free_port); done
chmod 755 "$T"
PRIMARY=$T/pg1
REPLICA=$T/pg2
NODE2_PID=

cleanup_pg() {
	rc=$?
	[ -n "$NODE2_PID" ] && kill "$NODE2_PID" 2>/dev/null
	for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done
	"$SRC/scripts/serve" --stop --state "$STATE" >/dev/null 2>&1 || true
	pg_stop "$REPLICA"
	pg_stop "$PRIMARY"
	if [ "$rc" != 0 ] || [ -n "${HHD_E2E_KEEP:-}" ]; then
		echo "logs kept in $T" >&2
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap cleanup_pg EXIT

# nok COMMAND...: the command must fail
nok() {
	! "$@" || fail "unexpectedly true: $*"
	CHECKS=$((CHECKS + 1))
}

psql_at() {  # PORT SQL
	timeout 30 psql -X -A -t -q -h 127.0.0.1 -p "$1" -U hhd -d hhd -c "$2"
}

# the primary (its commits wait for the standby "hhd_standby" once it is there)
pg_init "$PRIMARY" "$P1" "wal_keep_size = 64MB"
pg_start "$PRIMARY"
timeout 30 psql -X -q -h 127.0.0.1 -p "$P1" -U hhd -d postgres -c "CREATE DATABASE hhd" >/dev/null
# the replica: a base backup that streams from the primary
mkdir -p "$REPLICA"
[ "$(id -u)" = 0 ] && chown postgres: "$REPLICA"
chmod 700 "$REPLICA"
: >"$REPLICA.log"
[ "$(id -u)" = 0 ] && chown postgres: "$REPLICA.log"
pg_as "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U hhd -D "$REPLICA" -R -X stream -c fast >/dev/null
{
	echo "port = $P2"
	# once promoted it has no standby of its own: commits must not wait for one
	echo "synchronous_standby_names = ''"
} >>"$REPLICA/postgresql.conf"
echo "primary_conninfo = 'host=127.0.0.1 port=$P1 user=hhd application_name=hhd_standby'" >>"$REPLICA/postgresql.auto.conf"
pg_start "$REPLICA"
psql_at "$P1" "ALTER SYSTEM SET synchronous_standby_names = 'hhd_standby'" >/dev/null
psql_at "$P1" "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 100); do
	[ "$(psql_at "$P1" "SELECT sync_state FROM pg_stat_replication" 2>/dev/null)" = sync ] && break
	sleep 0.2
done
eq "$(psql_at "$P1" "SELECT sync_state FROM pg_stat_replication")" sync "the replica is a synchronous standby"

# both nodes: one URI from a file, both servers listed
printf 'postgresql://hhd@127.0.0.1:%s,127.0.0.1:%s/hhd?target_session_attrs=read-write&connect_timeout=2\n' \
	"$P1" "$P2" >"$T/db.uri"
chmod 600 "$T/db.uri"
mkdir -p "$STATE"
N2=$STATE/node2.sock
setsid "$BUILD/hhd-fcgi" --socket "$N2" --db-file "$T/db.uri" --pg-sync on --site "$SITE" --rate-limit 0 \
	</dev/null >>"$T/node2.log" 2>&1 &
NODE2_PID=$!
for _ in $(seq 1 100); do grep -q ready "$T/node2.log" 2>/dev/null && break; sleep 0.05; done
grep -q 'ready (.*postgresql' "$T/node2.log" || fail "node 2 did not start: $(cat "$T/node2.log")"
nok grep -q "$P1" /proc/"$NODE2_PID"/cmdline   # the URI is in no process list
start --relaxed-limits --node "$N2" -- --db-file "$T/db.uri" --pg-sync on --rate-limit 0
grep -q 'ready (.*postgresql' "$STATE/hhd-fcgi.log" || fail "node 1 is not on PostgreSQL"
eq "$(grep -c 'server unix:' "$STATE/nodes.conf")" 2 "nginx has an upstream of two nodes"

# clients: unique forms, acknowledged ids to acked-PHASE-N; hits (POST
# beacons) counted per answer
form_client() {
	local phase=$1 n=$2 i
	for i in $(seq 1 "$MAX"); do
		[ -e "$T/stop" ] && break
		submit_form "pg-$phase-$n-$i" "$T/acked-$phase-$n" "$T/codes-$phase"
	done
}
hit_client() {
	local n=$1 i code
	for i in $(seq 1 "$MAX"); do
		[ -e "$T/stop" ] && break
		echo sent >>"$T/hits-sent"
		code=$(curl -s -o /dev/null -w '%{http_code}' -A "$UA" --max-time 10 -H "$FORM" \
			--data 'p=/nl/&e=view' "$URL/api/hit" || true)
		echo "$code" >>"$T/hits-codes"
	done
}
acked_count() { cat "$T"/acked-"$1"-* 2>/dev/null | wc -l | tr -d ' '; }
wait_acked() {  # PHASE N: until N forms are acknowledged (at most 20 s)
	local waited=0
	while [ "$(acked_count "$1")" -lt "$2" ] && [ "$waited" -lt 200 ]; do sleep 0.1; waited=$((waited + 1)); done
}
stored_forms() {  # PORT: the stored messages, sorted
	psql_at "$1" "SELECT message FROM contact" | sort
}

echo "$(date +%T) set up; one form: $(curl -s -o /dev/null -w '%{http_code} %{time_total}s' -A "$UA" -H "$FORM" \
	--data 'lang=nl&email=a%40b.nl&message=timing&consent=yes' "$URL/api/contact")"
# 1. kill -9 one node under load
rm -f "$T/stop"
for n in $(seq 1 "$CLIENTS"); do form_client 1 "$n" & BG_PIDS="$BG_PIDS $!"; done
for n in 1 2; do hit_client "$n" & BG_PIDS="$BG_PIDS $!"; done
wait_acked 1 60
kill -KILL "$NODE2_PID"
NODE2_PID=
wait_acked 1 140
touch "$T/stop"
wait
BG_PIDS=""
acked=$(acked_count 1)
[ "$acked" -ge 100 ] || fail "only $acked forms acknowledged in phase 1: no real load"
sort "$T"/acked-1-* >"$T/acked1"
stored_forms "$P1" >"$T/stored1"
eq "$(comm -23 "$T/acked1" "$T/stored1" | head -n 3)" "" "acknowledged forms missing after kill -9 of a node"
eq "$(uniq -d "$T/stored1" | wc -l | tr -d ' ')" 0 "forms stored twice"
hits_ok=$(grep -c '^204$' "$T/hits-codes" || true)
hits_sent=$(wc -l <"$T/hits-sent" | tr -d ' ')
hits_stored=$(psql_at "$P1" "SELECT coalesce(sum(n), 0) FROM hit WHERE path = '/nl/' AND event = 'view'")
[ "$hits_ok" -ge 50 ] || fail "only $hits_ok hits acknowledged"
ok [ "$hits_stored" -ge "$hits_ok" ]     # every acknowledged hit is there
ok [ "$hits_stored" -le "$hits_sent" ]   # and none twice
echo "phase 1: $acked forms acknowledged, all stored once; hits: $hits_ok acknowledged," \
	"$hits_stored stored, $hits_sent sent; answers: $(sort "$T/codes-1" | uniq -c | tr '\n' ' ')"

echo "$(date +%T) phase 1 done"
# 2. kill -9 the primary under load, promote the replica
rm -f "$T/stop"
for n in $(seq 1 "$CLIENTS"); do form_client 2 "$n" & BG_PIDS="$BG_PIDS $!"; done
wait_acked 2 40
pg_kill "$PRIMARY"
before=$(acked_count 2)
sleep 2
# while there is no primary: no form is acknowledged, the node says 503
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=no+primary&consent=yes')" 503 \
	"a form while there is no primary"
ok grep -q 'niet opgeslagen' "$T/body"   # a clear page: nothing was kept
eq "$(status GET /api/health)" 503 "health while there is no primary"
pg_as "$PG_BIN/pg_ctl" -D "$REPLICA" -w -t 60 promote >/dev/null
# the nodes find the new primary by themselves (back-off at most 5 s)
for _ in $(seq 1 100); do [ "$(status GET /api/health)" = 200 ] && break; sleep 0.2; done
eq "$(status GET /api/health)" 200 "health after the promotion, without a restart"
wait_acked 2 $((before + 40))
touch "$T/stop"
wait
BG_PIDS=""
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=a%40b.nl&message=after+failover&consent=yes')" 303 \
	"a form after the failover"
sort "$T"/acked-* >"$T/acked"
stored_forms "$P2" >"$T/stored2"
acked=$(wc -l <"$T/acked" | tr -d ' ')
eq "$(comm -23 "$T/acked" "$T/stored2" | head -n 3)" "" "acknowledged forms missing on the promoted replica"
eq "$(uniq -d "$T/stored2" | wc -l | tr -d ' ')" 0 "forms stored twice"
nok grep -qx 'no primary' "$T/stored2"
# hhd-admin on the same URI file: the inbox, a CSV export of the same forms, stats, marking done
stored_forms "$P2" >"$T/stored3"
# reading commands need a secret key, even for rows stored without sealing
"$BUILD/hhd-admin" keygen "$T/k.secret" "$T/k.pub" >/dev/null
"$BUILD/hhd-admin" --db-file "$T/db.uri" --key "$T/k.secret" export --csv | tr -d '\r' |
	awk -F, 'NR > 1 { gsub(/"/, "", $NF); print $NF }' | sort >"$T/exported"
eq "$(comm -3 "$T/exported" "$T/stored3" | head -n 3)" "" "hhd-admin export on PostgreSQL"
ok "$BUILD/hhd-admin" --db-file "$T/db.uri" --key "$T/k.secret" inbox >/dev/null
ok "$BUILD/hhd-admin" --db-file "$T/db.uri" stats >/dev/null
ok "$BUILD/hhd-admin" --db-file "$T/db.uri" done 1 >/dev/null
eq "$(psql_at "$P2" "SELECT count(*) FROM contact WHERE id = 1 AND done IS NOT NULL")" 1 "hhd-admin done on PostgreSQL"
ok grep -q 'contact: 503 not stored' "$STATE/hhd-fcgi.log"
nok grep -q 'blocked system call' "$STATE/hhd-fcgi.log" "$T/node2.log"
echo "phase 2: $acked forms acknowledged in all, all on the promoted replica once;" \
	"answers: $(sort "$T/codes-2" | uniq -c | tr '\n' ' ')"
done_ok
