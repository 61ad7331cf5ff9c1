# test_nginx.sh: the shipped nginx configuration, as scripts/serve runs
# it: security and caching headers, the manifest hidden, 404s, the API
# locations, and what reaches hhd-fcgi (no client address for counters).
. "$(dirname "$0")/lib.sh"
start

# security headers on pages, assets, errors and API replies alike
for p in /nl/ /assets/site.css /nope/ /api/hit.gif; do
	status GET "$p" >/dev/null
	csp=$(header Content-Security-Policy)
	case "$csp" in *"default-src 'none'"*"script-src 'self'"*"frame-ancestors 'none'"*) ;; *) fail "CSP on $p: '$csp'" ;; esac
	case "$csp" in *unsafe-inline*|*unsafe-eval*) fail "CSP on $p allows unsafe-*" ;; esac
	eq "$(header Referrer-Policy)" no-referrer "Referrer-Policy on $p"
	eq "$(header X-Content-Type-Options)" nosniff "one nosniff on $p"
	eq "$(header X-Frame-Options)" DENY "X-Frame-Options on $p"
	eq "$(header Server)" nginx "no version on $p"
done

# caching: short for pages, long for assets, none for the API
eq "$(status GET /nl/)" 200 "page"
eq "$(header Cache-Control)" max-age=600 "page caching"
eq "$(status GET /assets/site.css)" 200 "asset"
eq "$(header Cache-Control)" max-age=31536000 "asset caching"
eq "$(header Content-Type)" text/css "asset type"
eq "$(status GET '/api/hit.gif?p=/nl/&e=view')" 200 "counter"
eq "$(header Cache-Control)" no-store "API caching"

# the manifest and dot files are not served; 404s get the site's page
eq "$(status GET /hhd-manifest.tsv)" 404 "manifest hidden"
grep -q 'P	/' "$T/body" && fail "manifest content served"
eq "$(status GET /.git/config)" 404 "dot files hidden"
eq "$(status GET /.well-known/acme-challenge/x)" 404 "no challenge outside its webroot"
eq "$(status GET /nope/)" 404 "missing page"
grep -q 'Niet gevonden' "$T/body" || fail "404 page served"
eq "$(status GET /404.html)" 404 "404 page is not a page"
eq "$(status GET /api/)" 404 "bare /api/"
eq "$(status GET /api/contact.php)" 404 "unknown API path"

# request bodies: small everywhere but the contact form
eq "$(status POST /nl/ -d "$(head -c 2000 /dev/zero | tr '\0' a)")" 413 "body on a page"

# what nginx passes to hhd-fcgi: the address for /api/contact (rate limit)
# and the counters (the unique-visitor sketch's keyed hash), no other
# header or parameter
awk '/location ~ \^\/api\/hit/,/^    }/' "$STATE/hhd.conf" >"$T/hit-location"
[ -s "$T/hit-location" ] || fail "no counter location in the generated config"
grep -q 'include.*fastcgi_params' "$T/hit-location" && fail "the counter location includes fastcgi_params"
eq "$(grep -c 'fastcgi_param ' "$T/hit-location")" 7 "the counter location's parameters"
grep -q 'fastcgi_param REMOTE_ADDR \$remote_addr' "$T/hit-location" || fail "the counters get the address for the sketch"
grep -q 'fastcgi_pass_request_headers off' "$T/hit-location" || fail "counter location passes all headers"
grep -q 'fastcgi_keep_conn off' "$T/hit-location" || fail "fastcgi_keep_conn"
awk '/location = \/api\/contact/,/^    }/' "$STATE/hhd.conf" | grep -q 'fastcgi_param REMOTE_ADDR \$remote_addr' ||
	fail "the contact location passes the address for the rate limit"
CHECKS=$((CHECKS + 5))

# the access log: anonymous
[ -s "$STATE/access.log" ] || fail "no access log"
if grep -q -e '127\.0\.0\.1' -e Mozilla -e 'e=view' "$STATE/access.log"; then
	fail "address, user agent or query in the access log"
fi
# the path the visitor asked for, not nginx's internal rewrite
grep -q '"/nl/" 200' "$STATE/access.log" || fail "page logged under another path"
grep -q '"/nope/" 404' "$STATE/access.log" || fail "404 logged under another path"
grep -q '"/nl/index.html"' "$STATE/access.log" && fail "rewritten path in the access log"
CHECKS=$((CHECKS + 5))

# SIGTERM (serve --stop) is a clean stop: hhd-fcgi logs its way out
stop
grep -q 'hhd-fcgi: stopping after [0-9]* requests' "$STATE/hhd-fcgi.log" || fail "no clean stop"
grep -q 'blocked system call' "$STATE/hhd-fcgi.log" && fail "the seccomp filter blocked a call"
CHECKS=$((CHECKS + 1))
done_ok
