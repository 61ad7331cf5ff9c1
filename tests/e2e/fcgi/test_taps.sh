# test_taps.sh: the step plan's taps end to end through nginx: every reason
# after "Nee", every "Ik ben" answer, search and pick, by beacon (POST), by
# GIF and by the plain form (303: "Nee" back to the plan's reasons, the
# others on to the feedback page); refused where they do not belong; and
# the counts as `hhd-admin stats --json` reports them, funnel included.
. "$(dirname "$0")/lib.sh"
start --relaxed-limits

FORM='Content-Type: application/x-www-form-urlencoded'
PLAN=/nl/hulp/ransomware/klaar/
PLAN_Q=%2Fnl%2Fhulp%2Fransomware%2Fklaar%2F
ADMIN="$BUILD/hhd-admin --db $STATE/hhd.db"

n=0
for e in no-complex no-missing no-person no-other who-employer who-zzp who-private who-other; do
	n=$((n + 1))
	# e gets n taps: one beacon, one plain form, n - 2 GIFs (at least one)
	eq "$(status POST /api/hit -H "$FORM" --data "p=$PLAN&e=$e")" 204 "beacon $e"
	eq "$(status POST /api/hit -H "$FORM" --data "p=$PLAN_Q&e=$e&back=1")" 303 "plain form $e"
	eq "$(header Location)" /nl/bedankt-feedback/ "$e: on to the feedback page"
	for i in $(seq 3 $((n + 1))); do
		eq "$(status GET "/api/hit.gif?p=$PLAN_Q&e=$e")" 200 "GIF $e"
	done
	eq "$(sql "SELECT n FROM hit WHERE path = '$PLAN' AND event = '$e'")" $((n + 1)) "$e counted"
	# only on a step plan
	eq "$(status POST /api/hit -H "$FORM" --data "p=/nl/hulp/ransomware/&e=$e")" 204 "$e on a question"
	eq "$(status GET "/api/hit.gif?p=/nl/&e=$e")" 204 "$e on the home page"
	eq "$(sql "SELECT count(*) FROM hit WHERE event = '$e' AND path <> '$PLAN'")" 0 "$e only on the plan"
done

# the plain "Nee": back to the plan, where #hhd-why shows the reasons
eq "$(status POST /api/hit -H "$FORM" --data "p=$PLAN_Q&e=no&back=1")" 303 "plain Nee"
eq "$(header Location)" "$PLAN#hhd-why" "Nee: back to the reasons"
eq "$(status POST /api/hit -H "$FORM" --data "p=$PLAN_Q&e=yes&back=1")" 303 "plain Ja"
eq "$(header Location)" /nl/bedankt-feedback/ "Ja: on to the feedback page"

# search (the search page's path) and pick (the chosen page), never words
for i in 1 2 3; do
	eq "$(status POST /api/hit -H 'Content-Type: text/plain;charset=UTF-8' --data 'p=/nl/&e=search')" 204 "search"
done
eq "$(status POST /api/hit -H "$FORM" --data 'p=/nl/hulp/ransomware/&e=pick')" 204 "pick"
eq "$(status GET '/api/hit.gif?p=/nl/tips/back-ups/&e=pick')" 200 "pick by GIF"
eq "$(status GET '/api/hit.gif?p=/nl/tips/back-ups/&e=pick')" 200 "pick by GIF again"
eq "$(status POST /api/hit -H "$FORM" --data 'p=/nl/&e=search&q=losgeld')" 204 "search with the words"
eq "$(status POST /api/hit -H "$FORM" --data 'p=/nl/niet-bestaand/&e=pick')" 204 "pick of an unknown page"
eq "$(sql "SELECT n FROM hit WHERE path = '/nl/' AND event = 'search'")" 3 "searches counted, the one with words not"
eq "$(sql "SELECT count(*) FROM hit WHERE path LIKE '%niet-bestaand%'")" 0 "no invented pick"

# a walk through the tree for the funnel: 4 enter, 3 go on to backup, 1 to the
# plan klaar (shared by start and backup), 2 reach herstel, 1 is handed over
# to phishing: nobody is lost on the way (3 + 1/2 from start, 2 + 1/2 + 1 from backup)
hit() { eq "$(status GET "/api/hit.gif?p=$1&e=$2")" 200 "$2 $1"; }
for i in 1 2 3 4; do hit /nl/hulp/ransomware/ help; done
for i in 1 2 3; do hit /nl/hulp/ransomware/backup/ view; done
for i in 1 2; do hit /nl/hulp/ransomware/herstel/ outcome; done
hit /nl/hulp/ransomware/klaar/ outcome
hit /nl/hulp/phishing/ view

today=$(date +%F)
$ADMIN stats --json --manifest "$SITE/hhd-manifest.tsv" --from "$today" --to "$today" >"$T/stats.json" \
	|| fail "stats --json"
$ADMIN stats --csv --manifest "$SITE/hhd-manifest.tsv" --from "$today" --to "$today" >"$T/stats.csv" \
	|| fail "stats --csv"
$ADMIN stats --html "$T/report.html" --manifest "$SITE/hhd-manifest.tsv" --from "$today" --to "$today" >/dev/null \
	|| fail "stats --html"
grep -q '<svg class="funnel"' "$T/report.html" || fail "the report draws the funnel"
eq "$($ADMIN stats --manifest "$T/none.tsv" 2>&1 >/dev/null; echo "status $?")" \
	"hhd-admin: --manifest: cannot read '$T/none.tsv': No such file or directory
status 2" "a missing manifest"
j() { python3 -c "import json,sys; d=json.load(open('$T/stats.json')); print($1)"; }
eq "$(j "d['reasons']")" "{'no-complex': 2, 'no-missing': 3, 'no-person': 4, 'no-other': 5}" "reasons in stats --json"
eq "$(j "d['who']")" "{'who-employer': 6, 'who-zzp': 7, 'who-private': 8, 'who-other': 9}" "who in stats --json"
eq "$(j "[p['reasons'] for p in d['plans'] if p['path'] == '$PLAN'][0]['no-person']")" 4 "reasons per plan"
eq "$(j "[p['who'] for p in d['plans'] if p['path'] == '$PLAN'][0]['who-other']")" 9 "who per plan"
eq "$(j "d['search']['searches'], d['search']['picks'], [(x['path'], x['pick']) for x in d['search']['picked']]")" \
	"3 3 [('/nl/tips/back-ups/', 2), ('/nl/hulp/ransomware/', 1)]" "search use"
eq "$(j "[(l['lang'], l['yes'], l['no']) for l in d['languages']]")" "[('nl', 1, 1)]" "helped per language"
f="[f for f in d['funnels'] if f['lang'] == 'nl'][0]"
eq "$(j "$f['tree'], $f['entered'], $f['outcomes']")" "ransomware 4 3" "funnel entered and plans reached"
eq "$(j "[(n['node'], n['kind'], n['reached'], n['left']) for n in $f['nodes']]")" \
	"[('start', 'question', 4, 0), ('backup', 'question', 3, 0), ('klaar', 'outcome', 1, 1), ('herstel', 'outcome', 2, 2), ('start', 'other-tree', 1, 0)]" \
	"funnel nodes"
# the CSV carries the same numbers
grep -q '^total,.*,no-other,5' "$T/stats.csv" || fail "CSV reasons"
grep -q '^total,.*,who-zzp,7' "$T/stats.csv" || fail "CSV who"
grep -q '^total,.*,search,3' "$T/stats.csv" || fail "CSV search"
grep -q '^funnel,nl/ransomware,entered,4' "$T/stats.csv" || fail "CSV funnel"
grep -q '^node nl/ransomware,"/nl/hulp/ransomware/backup/",reached,3' "$T/stats.csv" || fail "CSV funnel node"
done_ok
