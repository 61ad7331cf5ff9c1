# test_admin.sh: hhd-admin against the database a running hhd-fcgi writes:
# inbox, show, done, export --csv, backup (while serving), stats in every
# format, and purge with the retention default, --include-open and --dry-run.
. "$(dirname "$0")/lib.sh"
start --relaxed-limits -- --rate-limit 0
"$BUILD/hhd-admin" keygen "$T/k.secret" "$T/k.pub" >/dev/null
ADMIN="$BUILD/hhd-admin --db $STATE/hhd.db --key $T/k.secret"
FORM='Content-Type: application/x-www-form-urlencoded'

eq "$(status POST /api/contact -H "$FORM" --data-urlencode 'lang=nl' --data-urlencode 'name=Jan' \
	--data-urlencode 'email=jan@example.nl' --data-urlencode 'incident=ransomware' --data-urlencode 'node=start' \
	--data-urlencode "message=$(printf 'Regel 1\nRegel 2')" --data-urlencode 'consent=yes')" 303 "submission 1"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=en&company=%3DHYPERLINK(%22x%22)&phone=%2B31612345678&message=second&consent=yes')" 303 "submission 2"
eq "$(status POST /api/contact -H "$FORM" -d 'lang=nl&email=c%40d.nl&message=third&consent=yes')" 303 "submission 3"
for e in view view view help outcome yes yes no; do
	status POST /api/hit -H "$FORM" --data "p=/nl/hulp/ransomware/klaar/&e=$e" >/dev/null
done
status POST /api/hit -H "$FORM" --data 'p=/nl/&e=view&via=partner-a' >/dev/null

# the form refuses control characters, but hhd-admin must not trust the
# database either: plant an escape sequence behind the form's back
sql "UPDATE contact SET message = message || ' ' || char(27) || '[31mrood' || char(27) || '[0m' WHERE id = 1"

# inbox, show, done
$ADMIN inbox >"$T/inbox"
grep -q '^3 open submissions$' "$T/inbox" || fail "inbox count: $(tail -1 "$T/inbox")"
grep -q '^#1 .* open  no urgency  nl  ransomware/start  waiting [0-9] min$' "$T/inbox" || fail "inbox line for #1: $(cat "$T/inbox")"
# acute first, then oldest first, with how long each has waited
sql "UPDATE contact SET created = created - 2 * 86400 - 3 * 3600 WHERE id = 3"
sql "UPDATE contact SET created = created - 3 * 3600 - 20 * 60 WHERE id = 1"
$ADMIN inbox >"$T/inbox"
eq "$(grep -o '^#[0-9]*' "$T/inbox" | tr -d '#' | tr '\n' ' ')" "3 1 2 " "inbox: oldest first"
grep -q '^#3 .*  waiting 2 d 3 h$' "$T/inbox" || fail "inbox: waited two days: $(cat "$T/inbox")"
grep -q '^#1 .*  waiting 3 h 2[01] min$' "$T/inbox" || fail "inbox: waited hours: $(cat "$T/inbox")"
sql "UPDATE contact SET urgency = 'acute' WHERE id = 2"
eq "$($ADMIN inbox | grep -o '^#[0-9]*' | tr -d '#' | tr '\n' ' ')" "2 3 1 " "inbox: acute first"
$ADMIN inbox | grep -q '^#2 .* open  ACUTE  en  waiting' || fail "inbox: urgency in words"
sql "UPDATE contact SET urgency = 'none' WHERE id = 2"
sql "UPDATE contact SET created = created + 2 * 86400 + 3 * 3600 WHERE id = 3"
sql "UPDATE contact SET created = created + 3 * 3600 + 20 * 60 WHERE id = 1"
CHECKS=$((CHECKS + 1))
$ADMIN show 1 >"$T/show"
grep -q '^name:     Jan$' "$T/show" || fail "show: name"
grep -q '^incident: ransomware$' "$T/show" || fail "show: incident"
grep -q 'Regel 2 \\x1b\[31mrood\\x1b\[0m' "$T/show" || fail "show: escape sequence not neutralised"
grep -q "$(printf '\033')" "$T/show" "$T/inbox" && fail "raw escape character printed"
eq "$($ADMIN done 2)" "#2 marked done" "done"
$ADMIN done 2 2>/dev/null && fail "done twice"
eq "$($ADMIN inbox | tail -1)" "2 open submissions" "inbox after done"
eq "$($ADMIN inbox --all | tail -1)" "3 submissions" "inbox --all"
$ADMIN show 99 2>/dev/null && fail "show of a missing id"
$ADMIN show x 2>/dev/null && fail "show of a bad id"
CHECKS=$((CHECKS + 8))

# export: RFC 4180, formulas defused
$ADMIN export --csv >"$T/export.csv"
eq "$(head -1 "$T/export.csv" | tr -d '\r')" "id,received,done,lang,incident,node,name,company,email,phone,message" "CSV header"
eq "$(grep -c $'\r$' "$T/export.csv")/$(wc -l <"$T/export.csv")" 4/5 "CSV records (one message has a line break)"
grep -q "\"'=HYPERLINK(\"\"x\"\")\"" "$T/export.csv" || fail "formula not defused"
grep -q "\"'+31612345678\"" "$T/export.csv" || fail "phone cell"
CHECKS=$((CHECKS + 2))

# backup while hhd-fcgi runs
ok $ADMIN backup "$T/backup.db" >/dev/null
eq "$(sqlite3 "$T/backup.db" 'SELECT count(*) FROM contact')" 3 "backup holds the submissions"
eq "$(sqlite3 "$T/backup.db" 'PRAGMA integrity_check')" ok "backup integrity"
eq "$(stat -c %a "$T/backup.db")" 600 "backup readable by its owner only"
$ADMIN backup "$T/backup.db" 2>/dev/null && fail "backup overwrote a file"
CHECKS=$((CHECKS + 1))

# stats
today=$(date +%F)
$ADMIN stats >"$T/stats.txt"
grep -q 'visits 4, help-button presses 1, step plans reached 1, did this help: 2 yes / 1 no (67%)' "$T/stats.txt" ||
	fail "stats text: $(sed -n 3p "$T/stats.txt")"
$ADMIN stats --json >"$T/stats.json"
grep -q '"totals":{"view":4,"help":1,"outcome":1,"yes":2,"no":1,"search":0,"pick":0,"no-complex":0,' "$T/stats.json" || fail "stats json"
grep -q '{"via":"partner-a","hits":1,"view":1}' "$T/stats.json" || fail "stats json partner"
$ADMIN stats --csv --from "$today" --to "$today" >"$T/stats.csv"
grep -q "^day,$today,view,4"$'\r'"\$" "$T/stats.csv" || fail "stats csv"
ok $ADMIN stats --html "$T/report.html" >/dev/null
grep -q '<svg' "$T/report.html" || fail "no chart"
grep -q -e '<script' -e 'src=' -e '<link' "$T/report.html" && fail "report is not self-contained"
# no table cell wears a class that the "no" colour (solid red) is bound to
red=$(grep -o '[^{}]*{[^}]*#c53030[^}]*}' "$T/report.html" | sed 's/{.*//' | tr ',' '\n')
[ -n "$red" ] || fail "no rule for the colour of no"
cells=$(grep -o '<t[dh] class="[^"]*"' "$T/report.html" | sed 's/.*class="//; s/"$//' | sort -u)
[ -n "$cells" ] || fail "no numeric cells"
for c in $cells; do
	echo "$red" | grep -qx -e "\.$c" -e "t[dh]\.$c" && fail "table cells of class $c are drawn in the colour of no"
done
# the bar label ("67% (2/3)") fits inside the chart at about 7px a character
width=$(sed -n 's/.*<svg viewBox="0 0 \([0-9.]*\) [0-9.]*"[^>]*aria-labelledby="plans-t".*/\1/p' "$T/report.html")
label=$(grep -o '<text x="[0-9.]*" y="[0-9.]*">67% (2/3)</text>' "$T/report.html")
[ -n "$width" ] && [ -n "$label" ] || fail "plans chart or its label missing"
x=$(echo "$label" | sed 's/<text x="\([0-9.]*\)".*/\1/')
awk -v x="$x" -v w="$width" 'BEGIN { exit !(x + 7 * length("67% (2/3)") <= w) }' || fail "bar label cut off: x $x, width $width"
CHECKS=$((CHECKS + 3))
$ADMIN stats --from 2025-02-30 2>/dev/null && fail "impossible date accepted"
CHECKS=$((CHECKS + 7))

# purge: the default keeps recent submissions; older handled ones go, open
# ones only with --include-open; --dry-run lists and deletes nothing.
# Here #2 is done, #1 and #3 are open.
kept='1 open submission kept (--include-open deletes them too)'
eq "$($ADMIN purge)" "0 submissions older than 90 days deleted" "purge with the default"
sql "UPDATE contact SET created = created - 91 * 86400 WHERE id = 1"
eq "$($ADMIN purge)" "0 submissions older than 90 days deleted
$kept" "an old open one is kept"
$ADMIN purge --dry-run --include-open >"$T/dry.txt"
grep -q '^#1  .*  open  nl' "$T/dry.txt" || fail "dry run lists #1: $(cat "$T/dry.txt")"
eq "$(wc -l <"$T/dry.txt")" 2 "dry run lists one row"
eq "$(tail -1 "$T/dry.txt")" "1 submission older than 90 days would be deleted (dry run)" "dry run total"
eq "$(sql 'SELECT count(*) FROM contact')" 3 "dry run deletes nothing"
eq "$($ADMIN purge --include-open)" "1 submission older than 90 days deleted" "purge of an old open one"
$ADMIN purge --older-than 0 --dry-run >"$T/dry.txt"
grep -q '^#2  .*  done  ' "$T/dry.txt" || fail "dry run lists #2: $(cat "$T/dry.txt")"
grep -q '^#3 ' "$T/dry.txt" && fail "dry run lists the open #3"
eq "$(tail -2 "$T/dry.txt")" "1 submission older than 0 days would be deleted (dry run)
$kept" "dry run total, open kept"
eq "$($ADMIN purge --older-than 0)" "1 submission older than 0 days deleted
$kept" "purge of the handled one"
eq "$(sql 'SELECT id FROM contact')" 3 "the open one stays"
eq "$($ADMIN purge --include-open --older-than 0)" "1 submission older than 0 days deleted" "purge everything"
$ADMIN purge --older-than 2>/dev/null && fail "--older-than without a number"
$ADMIN purge --everything 2>/dev/null && fail "unknown purge option"
CHECKS=$((CHECKS + 4))
eq "$(sql 'SELECT count(*) FROM contact')" 0 "inbox empty"
grep -q 'Regel' "$STATE/hhd.db" "$STATE/hhd.db-wal" && fail "purged text still in the database files"
eq "$(sql 'SELECT sum(n) FROM hit')" 9 "counters kept"
$ADMIN bogus 2>/dev/null && fail "unknown command"
$ADMIN --db /nonexistent/x.db inbox 2>/dev/null && fail "missing database"
CHECKS=$((CHECKS + 3))
done_ok
