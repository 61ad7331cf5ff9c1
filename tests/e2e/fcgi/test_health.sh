# test_health.sh: /api/health through real nginx. 200 "ok" while the
# database is in place; 503 and the reason once the database file is moved
# away and a folder stands in its place (what a botched restore does: the
# open handle would go on writing to a file nobody reads); 200 again once
# the file is back. It counts nothing, and takes GET and HEAD only.
. "$(dirname "$0")/lib.sh"

# the error pages as hhd build writes them (from the fixture content, in
# its languages), added to the static fixture site nginx serves
(cd "$T" && "$BUILD/hhd" build -q -j 1 --content "$SRC/tests/fixtures/site/content" \
	--theme "$SRC/themes/default" --out "$T/built") >"$T/build.log" 2>&1 || fail "hhd build: $(tail -n 3 "$T/build.log")"
cp "$T/built/50x.html" "$T/built/429.html" "$SITE/"

start
eq "$(status GET /50x.html)" 404 "/50x.html is no page of its own"
eq "$(status GET /429.html)" 404 "/429.html is no page of its own"
eq "$(status GET /api/health)" 200 "GET /api/health"
eq "$(cat "$T/body")" ok "health body"
eq "$(header Content-Type)" "text/plain; charset=utf-8" "health content type"
eq "$(header Cache-Control)" "no-store" "health is never cached"
eq "$(status HEAD /api/health -I)" 200 "HEAD /api/health"
eq "$(status POST /api/health -d x)" 403 "POST /api/health refused by nginx"
eq "$(status GET /api/health/)" 404 "/api/health/ is not the health check"

DB=$STATE/hhd.db
mv "$DB" "$DB.away"
mkdir "$DB"
eq "$(status GET /api/health)" 503 "health with a folder in place of the database"
eq "$(cat "$T/body")" "unavailable: database file was replaced" "503 reason"
rmdir "$DB"
eq "$(status GET /api/health)" 503 "health with the database moved away"
eq "$(cat "$T/body")" "unavailable: database file is gone" "503 reason"
mv "$DB.away" "$DB"
eq "$(status GET /api/health)" 200 "health once the database is back"

# a check that can fail honestly: hhd-fcgi gone -> nginx answers 502
eq "$(curl -fsS --max-time 5 -o /dev/null -w '%{http_code}' "$URL/api/health")" 200 "curl -fsS monitoring check"
kill -TERM "$(fcgi_pid)"
sleep 0.5
eq "$(status GET /api/health)" 502 "health with hhd-fcgi stopped"
# the visitor's side: the contact form's 502 is our page, in every
# language, with the emergency numbers, not nginx's stock page
eq "$(status POST /api/contact -H 'Content-Type: application/x-www-form-urlencoded' -d 'lang=nl')" 502 "contact with hhd-fcgi stopped"
ok cmp -s "$T/body" "$T/built/50x.html"
ok grep -q '<section lang="nl" dir="ltr">' "$T/body"
ok grep -q '<section lang="en" dir="ltr">' "$T/body"
ok grep -q 'tel:112' "$T/body"
if grep -q "nginx" "$T/body"; then fail "nginx's stock 502 page"; fi
eq "$(status GET '/api/hit.gif?p=/nl/&e=view')" 502 "counter with hhd-fcgi stopped"
ok cmp -s "$T/body" "$T/built/50x.html"
if curl -fsS --max-time 5 -o /dev/null "$URL/api/health" 2>/dev/null; then fail "curl -f succeeded with hhd-fcgi stopped"; fi
stop

eq "$(sql 'SELECT count(*) FROM hit')" 0 "health checks counted nothing"
done_ok
