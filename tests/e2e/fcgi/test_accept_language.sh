# test_accept_language.sh: "/" through the shipped nginx configuration goes
# to the visitor's language by Accept-Language (the first of the header's
# first three languages that the site has, q=0 refused), else shows the
# root page; no cookie, not cached.
. "$(dirname "$0")/lib.sh"
start

# lang HEADER WANT: GET / with that Accept-Language; WANT is the language's
# home (/nl/) for a redirect, or "root" for the root page itself
lang() {
	if [ -n "$1" ]; then
		code=$(status GET / -H "Accept-Language: $1")
	else
		code=$(status GET /)
	fi
	if [ "$2" = root ]; then
		eq "$code" 200 "Accept-Language '$1': the root page"
		grep -q '<h1>Hackhelpdesk</h1>' "$T/body" || fail "Accept-Language '$1': not the root page"
	else
		eq "$code" 302 "Accept-Language '$1': a redirect"
		loc=$(header Location)
		case $loc in */"${2#/}") ;; *) fail "Accept-Language '$1': to '$loc', not $2" ;; esac
		CHECKS=$((CHECKS + 1))
	fi
	[ -z "$(header Set-Cookie)" ] || fail "Accept-Language '$1': a cookie"
	eq "$(header Cache-Control)" no-cache "Accept-Language '$1': not cached"
	eq "$(header X-Frame-Options)" DENY "Accept-Language '$1': the security headers stay"
}

lang 'nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7' /nl/
lang 'en-GB,en;q=0.9' /en/
lang 'nl' /nl/
lang 'tr-TR,tr;q=0.9,en;q=0.8' /en/         # the site has no Turkish: the third
lang 'en;q=0, nl;q=0.5' /nl/                # en refused with q=0
lang 'en;q=0.0' root
lang 'xx-YY' root                           # unknown language
lang 'de-DE,de;q=0.9,fr;q=0.8,en;q=0.7' root # English fourth: only three are tried
lang '*' root
lang '' root
# only "/" is redirected
eq "$(status GET /en/ -H 'Accept-Language: nl')" 200 "a language's page stays"
eq "$(status GET /index.html -H 'Accept-Language: nl')" 200 "/index.html stays"
done_ok
