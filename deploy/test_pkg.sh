# test_pkg.sh: the Debian package as an operator meets it, on this machine.
#
# Builds the package once (make deb, unit tests off: make test runs them),
# lintian (fails on errors and warnings), apt-get install ./hhd_*.deb, checks the files,
# the users, the state folder and --version; systemd-analyze verify on the
# units; as a new operator would, hhd new site, then hhd build of that site
# (its warnings exactly those for the texts still to write) with the
# installed hhd and theme into /srv/hhd/public; starts hhd-fcgi the way hhd-fcgi.socket and .service do
# (systemd is not running here: the socket unit's ListenStream, SocketGroup
# and SocketMode, the service's ExecStart, User, Group and UMask, through
# systemd-socket-activate and setpriv) behind a private nginx running the
# installed example server block and snippets; submits the contact form;
# reads it with hhd-admin as a member of hhd-helpdesk (a test user, removed
# afterwards) and checks a non-member cannot; runs the backup and purge
# units' ExecStart lines as their user; then apt-get purge, and checks that
# everything the package installed or created is gone and no other package
# came or went.
#
# It changes the machine, so it runs only as root on Debian, and only when
# the machine has no trace of hhd (package, users, /var/lib/hhd, /srv/hhd):
# otherwise it skips (77) with the reason. Whatever happens, it leaves the
# machine as it found it.
#
# Environment: HHD_SRC (the source tree), HHD_KEEP=1 keeps the work folder,
# HHD_DEB=FILE tests that package instead of building one (while iterating).
set -u
SRC=${HHD_SRC:-$(cd "$(dirname "$0")/.." && pwd)}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root: the packaging test installs and purges a package"
[ -f /etc/debian_version ] && command -v dpkg-buildpackage >/dev/null && command -v apt-get >/dev/null ||
	skip "not Debian with dpkg-dev (scripts/deps test)"
for t in lintian dh fakeroot nginx curl openssl setpriv systemd-socket-activate sqlite3 git; do
	command -v "$t" >/dev/null || skip "$t is missing (scripts/deps test)"
done
# one packaging test at a time on this machine (engineers share it)
exec 9>/run/lock/hhd-test-pkg.lock
flock -w 900 9 || skip "another packaging test has been running for 15 minutes"
dpkg-query -W -f='${Status}' hhd 2>/dev/null | grep -q installed && skip "the package hhd is installed already"
dpkg-query -W -f='${Status}' hhd 2>/dev/null | grep -q config-files && skip "hhd's configuration files are left from a removal: purge it first"
for u in hhd hhd-helpdesk; do
	getent passwd "$u" >/dev/null && skip "a user $u exists"
	getent group "$u" >/dev/null && skip "a group $u exists"
done
for p in /var/lib/hhd /srv/hhd /run/hhd-fcgi /var/www/acme /etc/nginx/snippets/hhd.conf /etc/nginx/snippets/hhd-http.conf; do
	[ -e "$p" ] && skip "$p exists"
done

T=$(mktemp -d /tmp/hhd-pkg-XXXXXX)
chmod 0755 "$T"   # nginx's workers (www-data) use its temp folders
TESTUSER=hhdpkg$$
FAILED=0
CHECKS=0
FCGI_PID=
NGINX_STARTED=0
INSTALLED=0

fail() { echo "FAIL: $*" >&2; FAILED=1; exit 1; }
ok() { CHECKS=$((CHECKS + 1)); }
step() { echo "[$SECONDS s] $*"; }
eq() { [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"; ok; }

cleanup() {
	set +e
	if [ -n "$FCGI_PID" ] && kill -0 "$FCGI_PID" 2>/dev/null; then
		kill -TERM "$FCGI_PID"
		for _ in $(seq 50); do kill -0 "$FCGI_PID" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$FCGI_PID" 2>/dev/null && kill -KILL "$FCGI_PID"
	fi
	if [ "$NGINX_STARTED" = 1 ] && [ -s "$T/nginx.pid" ]; then
		npid=$(cat "$T/nginx.pid")
		kill -QUIT "$npid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$npid" 2>/dev/null || break; sleep 0.1; done
	fi
	getent passwd "$TESTUSER" >/dev/null && userdel "$TESTUSER"
	rm -rf /srv/hhd /var/www/acme /run/hhd-fcgi
	if [ "$INSTALLED" = 1 ] && dpkg-query -W -f='${Status}' hhd 2>/dev/null | grep -q -e installed -e config-files; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 hhd >/dev/null 2>&1
	fi
	if [ "$FAILED" = 1 ]; then
		for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- tail $f"; tail -n 15 "$f"; }; done >&2
	fi
	if [ "${HHD_KEEP:-0}" = 1 ] || [ "$FAILED" = 1 ]; then
		echo "work folder kept in $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# what the machine looks like before, to compare after the purge
dpkg-query -W -f='${Package}\n' | sort >"$T/packages.before"
getent passwd | cut -d: -f1 | sort >"$T/users.before"
getent group | cut -d: -f1 | sort >"$T/groups.before"

# 1. build once, without the unit tests (make test runs those)
if [ -n "${HHD_DEB:-}" ]; then
	mkdir -p "$T/deb" && cp "$HHD_DEB" "$T/deb/" || fail "HHD_DEB=$HHD_DEB"
else
	step "building the package"
	DEB_BUILD_OPTIONS="nocheck parallel=2" make -C "$SRC" --no-print-directory deb DEB="$T/deb" >"$T/build.log" 2>&1 ||
		fail "make deb failed (see $T/build.log)"
fi
deb=$(ls "$T"/deb/hhd_*_*.deb | grep -v dbgsym) || fail "no hhd_*.deb"
version=$(sed -n '1s/^hhd (\([^)]*\)) .*/\1/p' "$SRC/debian/changelog")
eq "$(basename "$deb")" "hhd_${version}_$(dpkg --print-architecture).deb" "package file name"

step "lintian"
# 2. lintian: no errors and no warnings (debian/hhd.lintian-overrides explains the one override)
lintian --fail-on error,warning "$deb" >"$T/lintian.log" 2>&1 || fail "lintian reports errors or warnings: $(grep '^[EW]:' "$T/lintian.log" | head -5)"
ok

# 3. install it as an operator would
step "installing"
INSTALLED=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "$deb" >"$T/install.log" 2>&1 ||
	fail "apt-get install failed"
dpkg-query -W -f='${Status}' hhd | grep -q 'install ok installed' || fail "hhd not installed"
ok

# 4. the files, the users, the state folder
for f in /usr/bin/hhd /usr/bin/hhd-admin /usr/sbin/hhd-fcgi /usr/libexec/hhd/hhd-backup; do
	[ -x "$f" ] || fail "$f missing or not executable"
	ok
done
for f in /etc/nginx/snippets/hhd.conf /etc/nginx/snippets/hhd-http.conf \
	/usr/share/doc/hhd/examples/hhd-http.example.conf /usr/share/doc/hhd/examples/hhd-https.example.conf \
	/usr/share/doc/hhd/deploy.md.gz /usr/share/doc/hhd/copyright \
	/usr/share/hhd/themes/default/templates /usr/share/hhd/content/site.yaml \
	/usr/share/man/man1/hhd.1.gz /usr/share/man/man5/hhd-content.5.gz \
	/usr/share/man/man8/hhd-fcgi.8.gz /usr/share/man/man8/hhd-admin.8.gz \
	/lib/systemd/system/hhd-fcgi.socket /lib/systemd/system/hhd-fcgi.service \
	/lib/systemd/system/hhd-purge.service /lib/systemd/system/hhd-purge.timer \
	/lib/systemd/system/hhd-backup.service /lib/systemd/system/hhd-backup.timer \
	/lib/systemd/system/hhd-notify.service /lib/systemd/system/hhd-notify.timer; do
	[ -e "$f" ] || fail "$f missing"
	ok
done
for p in hhd hhd-fcgi hhd-admin; do
	eq "$("$p" --version)" "$p $version" "$p --version"
done
dpkg-query -W -f='${Conffiles}\n' hhd | grep -q ' /etc/nginx/snippets/hhd.conf ' || fail "snippets/hhd.conf is not a conffile"
dpkg-query -W -f='${Conffiles}\n' hhd | grep -q ' /etc/nginx/snippets/hhd-http.conf ' || fail "snippets/hhd-http.conf is not a conffile"
ok
for m in hhd.1 hhd-content.5 hhd-fcgi.8 hhd-admin.8; do
	zcat "/usr/share/man/man${m##*.}/$m.gz" | grep -q '^\.Dt ' || fail "$m is not mdoc"
	ok
done
getent passwd hhd | grep -q ':/usr/sbin/nologin$' || fail "the user hhd can log in: $(getent passwd hhd)"
[ "$(id -u hhd)" -lt 1000 ] || fail "hhd is not a system user"
id -nG hhd | grep -qw hhd-helpdesk || fail "hhd is not in hhd-helpdesk"
eq "$(stat -c '%U:%G %a' /var/lib/hhd)" "hhd:hhd-helpdesk 2770" "state folder"
eq "$(stat -c '%U:%G %a' /var/lib/hhd/backup)" "hhd:hhd-helpdesk 2770" "backup folder"

# the enabled units (dh_installsystemd's symlinks, made without systemd too)
for u in sockets.target.wants/hhd-fcgi.socket timers.target.wants/hhd-purge.timer timers.target.wants/hhd-backup.timer; do
	[ -L "/etc/systemd/system/$u" ] || fail "$u is not enabled"
	ok
done
# hhd-notify.timer needs /etc/hhd/notify.conf first: installed, not enabled
[ -e /etc/systemd/system/timers.target.wants/hhd-notify.timer ] && fail "hhd-notify.timer is enabled"
ok
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/hhd-*.socket /lib/systemd/system/hhd-*.service \
		/lib/systemd/system/hhd-*.timer >"$T/verify.log" 2>&1 || fail "systemd-analyze verify: $(head -5 "$T/verify.log")"
	ok
else
	echo "note: no systemd-analyze, units not verified"
fi

# unit file fields, as systemd would read them
unit() { sed -n "s/^$2=//p" "/lib/systemd/system/$1" | tail -n 1; }
exec_start=$(unit hhd-fcgi.service ExecStart)
user=$(unit hhd-fcgi.service User)
group=$(unit hhd-fcgi.service Group)
umask_=$(unit hhd-fcgi.service UMask)
listen=$(unit hhd-fcgi.socket ListenStream)
sgroup=$(unit hhd-fcgi.socket SocketGroup)
smode=$(unit hhd-fcgi.socket SocketMode)
cond=$(unit hhd-fcgi.socket ConditionPathExists)
site=$(printf '%s\n' "$exec_start" | sed -n 's/.*--site \([^ ]*\).*/\1/p')
[ -n "$exec_start" ] && [ -n "$user" ] && [ -n "$group" ] && [ -n "$listen" ] && [ -n "$site" ] ||
	fail "cannot read the units: ExecStart='$exec_start' User='$user' Group='$group' ListenStream='$listen'"
eq "$cond" "$site/hhd-manifest.tsv" "the socket starts only once the site is published"

# 5. the site, as a new operator makes it: hhd new site, then hhd build with
# the installed hhd and (no --theme) the installed default theme
step "hhd new site, building it, starting hhd-fcgi and nginx"
mkdir -p "$(dirname "$site")"
(cd "$T" && hhd new site "$T/mysite") >"$T/hhd-new.log" 2>&1 || fail "hhd new site failed: $(cat "$T/hhd-new.log")"
[ -e "$T/mysite/themes" ] && fail "hhd new site copied the installed theme"
(cd "$T" && hhd build -j 2 --content "$T/mysite/content" --out "$site") \
	>"$T/hhd-build.log" 2>&1 || fail "hhd build (installed theme) failed: $(tail -n 5 "$T/hhd-build.log")"
grep -q "^hhd: 13 warning(s)$" "$T/hhd-build.log" || fail "not the starter's 13 warnings: $(cat "$T/hhd-build.log")"
grep -q "^$T/mysite/content/site.yaml:13:9: warning: 'name' is still to be written" "$T/hhd-build.log" ||
	grep -q "content/site.yaml:13:9: warning: 'name' is still to be written" "$T/hhd-build.log" ||
	fail "no warning for the operator's name: $(cat "$T/hhd-build.log")"
[ -f "$cond" ] || fail "no manifest after the build"
grep -q 'tel:09008844' "$site/50x.html" || fail "50x.html lacks the police's number"
ok

# 6. hhd-fcgi as its units start it: systemd makes the socket (its
# folder 0755, the socket root:SocketGroup SocketMode) and runs ExecStart
# as User/Group with UMask, the socket as fd 3 (LISTEN_FDS)
start_fcgi() {
	mkdir -p -m 0755 "$(dirname "$listen")"
	rm -f "$listen"
	(
		umask "$umask_"
		exec systemd-socket-activate -l "$listen" -- \
			setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all \
			$exec_start
	) >>"$T/hhd-fcgi.log" 2>&1 &
	FCGI_PID=$!
	for _ in $(seq 100); do [ -S "$listen" ] && break; sleep 0.05; done
	[ -S "$listen" ] || fail "no socket $listen"
	chown "root:$sgroup" "$listen" && chmod "$smode" "$listen"
}
stop_fcgi() {
	kill -TERM "$FCGI_PID"
	for _ in $(seq 100); do kill -0 "$FCGI_PID" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$FCGI_PID" 2>/dev/null && fail "hhd-fcgi did not stop on SIGTERM"
	FCGI_PID=
}
start_fcgi
# like systemd, systemd-socket-activate starts the program on the first
# connection (below, through nginx)

# 7. nginx (its own instance, workers as www-data like Debian's) with the
# installed example server blocks and snippets: the HTTPS one runs (a
# self-signed certificate for 127.0.0.1), the HTTP one must pass nginx -t
port=$("$SRC/scripts/free-port") || fail "no free port"
tport=$("$SRC/scripts/free-port") || fail "no free port"
[ "$port" != "$tport" ] || tport=$("$SRC/scripts/free-port")
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.log" 2>&1 || fail "openssl"
site_conf() {
	sed -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$port;|" -e '/listen \[::\]:/d' \
		-e "s|^\( *\)listen 443 ssl http2;|\1listen 127.0.0.1:$tport ssl http2;|" \
		-e "s|ssl_certificate /etc/letsencrypt/live/example.org/fullchain.pem;|ssl_certificate $T/cert.pem;|" \
		-e "s|ssl_certificate_key /etc/letsencrypt/live/example.org/privkey.pem;|ssl_certificate_key $T/key.pem;|" \
		-e "s|include snippets/|include /etc/nginx/snippets/|" \
		-e "s|access_log /var/log/nginx/hhd-access.log|access_log $T/access.log|" \
		-e "s|error_log /var/log/nginx/hhd-error.log|error_log $T/nginx-error.log|" \
		"/usr/share/doc/hhd/examples/$1"
}
nginx_conf() {
	echo "user www-data;"
	echo "worker_processes 1;"
	echo "pid $T/nginx.pid;"
	echo "error_log $T/nginx-error.log error;"
	echo "events { worker_connections 64; }"
	echo "http {"
	echo "    include /etc/nginx/mime.types;"
	echo "    default_type application/octet-stream;"
	echo "    access_log off;"
	for t in client_body fastcgi proxy scgi uwsgi; do
		mkdir -p "$T/tmp/$t"
		echo "    ${t}_temp_path $T/tmp/$t;"
	done
	echo "    include $1;"
	echo "}"
}
site_conf hhd-http.example.conf >"$T/site-http.conf"
site_conf hhd-https.example.conf >"$T/site-https.conf"
grep -q "listen 127.0.0.1:$port;" "$T/site-http.conf" && grep -q "access_log $T/access.log hhd_anon;" "$T/site-http.conf" &&
	grep -q "listen 127.0.0.1:$tport ssl" "$T/site-https.conf" && grep -q "ssl_certificate_key $T/key.pem;" "$T/site-https.conf" &&
	! grep -q -e '/var/log/nginx' -e letsencrypt -e 'listen 80' -e 'listen 443' "$T/site-http.conf" "$T/site-https.conf" ||
	fail "the example server blocks changed shape: $T/site-*.conf"
nginx_conf "$T/site-http.conf" >"$T/nginx-http.conf"
nginx -t -q -p "$T/" -c "$T/nginx-http.conf" >"$T/nginx-test.log" 2>&1 || fail "nginx rejects the HTTP example: $(cat "$T/nginx-test.log")"
nginx_conf "$T/site-https.conf" >"$T/nginx.conf"
nginx -t -q -p "$T/" -c "$T/nginx.conf" >"$T/nginx-test.log" 2>&1 || fail "nginx rejects the HTTPS example: $(cat "$T/nginx-test.log")"
ok
nginx -p "$T/" -c "$T/nginx.conf" >>"$T/nginx-test.log" 2>&1 || fail "nginx did not start"
NGINX_STARTED=1
HTTP="http://127.0.0.1:$port"
URL="https://127.0.0.1:$tport"
for _ in $(seq 100); do curl -sk -o /dev/null "$URL/" && break; sleep 0.05; done

get() { curl -sk -D "$T/headers" -o "$T/body" -w '%{http_code}' --max-time 10 "$@"; }
header() { sed -n "s/^$1: //Ip" "$T/headers" | tr -d '\r' | tail -n 1; }
# the first request starts hhd-fcgi
curl -sk -o /dev/null --max-time 10 "$URL/api/hit.gif?p=/nl/&e=view"
for _ in $(seq 100); do grep -q ready "$T/hhd-fcgi.log" && break; sleep 0.05; done
grep -q ready "$T/hhd-fcgi.log" || fail "hhd-fcgi did not start: $(cat "$T/hhd-fcgi.log")"
eq "$(ps -o user= -p "$FCGI_PID")" "$user" "hhd-fcgi's user"
eq "$(get "$URL/nl/")" 200 "a page over TLS"
grep -q 'Hackhelpdesk' "$T/body" || fail "not the built site"
eq "$(header Strict-Transport-Security)" "max-age=31536000" "HSTS over TLS"
case "$(header Content-Security-Policy)" in *"default-src 'none'"*) ok ;; *) fail "the snippet's headers are lost beside HSTS" ;; esac
eq "$(get "$HTTP/nl/?a=b")" 301 "HTTP redirects"
eq "$(header Location)" "https://127.0.0.1/nl/?a=b" "to the same path over HTTPS"
[ -z "$(header Strict-Transport-Security)" ] || fail "HSTS over plain HTTP"
ok
eq "$(get "$URL/hhd-manifest.tsv")" 404 "manifest hidden"
eq "$(get "$URL/.git/config")" 404 "dot files hidden"
mkdir -p /var/www/acme/.well-known/acme-challenge
echo "token-$$" >/var/www/acme/.well-known/acme-challenge/t$$
eq "$(get "$HTTP/.well-known/acme-challenge/t$$")" 200 "Let's Encrypt's challenge over HTTP, before the dot-file rule"
grep -q "token-$$" "$T/body" || fail "challenge body"

# 8. the contact form, through nginx, into the database
form='lang=nl&name=Pakket+Test&email=pkg%40example.nl&phone=&company=&incident=&node=&consent=yes&website='
eq "$(get -H 'Content-Type: application/x-www-form-urlencoded' --data "${form}&message=from+the+package+test+$$" "$URL/api/contact")" \
	303 "contact form stored"
eq "$(get -X POST "$URL/api/contact")" 415 "POST without a Content-Type"
eq "$(get -X POST -H 'Content-Type: application/x-www-form-urlencoded' "$URL/api/contact")" 411 "POST without a length"
grep -q '"/nl/" 200' "$T/access.log" || fail "the access log lacks the requested path"
grep -q '127\.0\.0\.1' "$T/access.log" && fail "a client address in the access log"
ok
eq "$(stat -c '%U:%G %a' /var/lib/hhd/hhd.db)" "hhd:hhd-helpdesk 660" "database owner and mode"

# 9. the helpdesk team: a member reads and closes it without root; a
# non-member cannot read it
useradd --system --no-create-home --shell /usr/sbin/nologin -G hhd-helpdesk "$TESTUSER" || fail "useradd"
as_member() { setpriv --reuid="$TESTUSER" --regid="$TESTUSER" --init-groups -- "$@"; }
# reading personal fields needs a secret key (--key), also for plaintext rows:
# the member makes a pair of their own in a folder only they can enter
chmod 711 "$T"
install -d -o "$TESTUSER" -m 0700 "$T/key"
as_member hhd-admin keygen "$T/key/s" "$T/key/p" >/dev/null || fail "keygen as a member"
KEY="--key $T/key/s"
as_member hhd-admin inbox 2>/dev/null && fail "inbox without --key"
as_member hhd-admin $KEY inbox >"$T/inbox.txt" 2>"$T/inbox.log" || fail "hhd-admin inbox as a member: $(cat "$T/inbox.log")"
grep -q "Pakket Test" "$T/inbox.txt" || fail "the submission is not in the inbox: $(cat "$T/inbox.txt")"
ok
id=$(grep -o '#[0-9]*' "$T/inbox.txt" | head -n 1 | tr -d '#')
[ -n "$id" ] || fail "no id in the inbox"
as_member hhd-admin --db /var/lib/hhd/hhd.db done "$id" >/dev/null 2>"$T/done.log" || fail "hhd-admin done as a member: $(cat "$T/done.log")"
as_member hhd-admin --db /var/lib/hhd/hhd.db $KEY export --csv >"$T/export.csv" || fail "export as a member"
grep -q "from the package test $$" "$T/export.csv" || fail "export lacks the submission"
ok
if setpriv --reuid=nobody --regid=nogroup --clear-groups hhd-admin --db /var/lib/hhd/hhd.db stats >/dev/null 2>&1; then
	fail "a user outside hhd-helpdesk can read the database"
fi
ok
# hhd-fcgi still writes after a member wrote (the -wal and -shm stay shared)
eq "$(get -H 'Content-Type: application/x-www-form-urlencoded' --data "${form}&message=second+$$" "$URL/api/contact")" \
	303 "contact form after a member's write"

# the health check: 200, then 503 once the database is made unreadable
# (hhd-fcgi runs as hhd, so the mode counts), 200 again once it is back
eq "$(get "$URL/api/health")" 200 "/api/health"
grep -qx ok "$T/body" || fail "health body: $(cat "$T/body")"
chmod 000 /var/lib/hhd/hhd.db
eq "$(get "$URL/api/health")" 503 "/api/health with the database unreadable"
grep -q "not readable" "$T/body" || fail "503 reason: $(cat "$T/body")"
chmod 660 /var/lib/hhd/hhd.db
eq "$(get "$URL/api/health")" 200 "/api/health once the database is readable again"
ok

# 10. the backup and purge units' ExecStart lines, as their user
run_unit() {
	local cmd u g
	cmd=$(unit "$1" ExecStart) u=$(unit "$1" User) g=$(unit "$1" Group)
	setpriv --reuid="$u" --regid="$g" --init-groups --no-new-privs -- $cmd
}
run_unit hhd-backup.service >"$T/backup.log" 2>&1 || fail "hhd-backup.service: $(cat "$T/backup.log")"
sleep 1.1   # the names carry the time to the second
run_unit hhd-backup.service >>"$T/backup.log" 2>&1 || fail "hhd-backup.service, second run"
[ "$(ls /var/lib/hhd/backup | wc -l)" -eq 2 ] || fail "two backups expected: $(ls /var/lib/hhd/backup)"
keep1=$(unit hhd-backup.service ExecStart | sed 's/ [0-9]*$/ 1/')
sleep 1.1
setpriv --reuid=hhd --regid=hhd-helpdesk --init-groups -- $keep1 >>"$T/backup.log" 2>&1 || fail "hhd-backup KEEP=1"
eq "$(ls /var/lib/hhd/backup | wc -l)" 1 "rotation keeps the newest"
b=$(ls /var/lib/hhd/backup/hhd-*.db)
eq "$(stat -c '%U %a' "$b")" "hhd 600" "a backup is its owner's only"
eq "$(sqlite3 -readonly "$b" 'SELECT count(*) FROM contact' 2>/dev/null || sqlite3 -readonly "$b" '.tables')" 2 "the backup holds both submissions"
run_unit hhd-purge.service >"$T/purge.log" 2>&1 || fail "hhd-purge.service: $(cat "$T/purge.log")"
grep -q 'deleted' "$T/purge.log" || fail "purge said nothing"
ok

# 11. docs/deploy.md's restore steps, with hhd-fcgi stopped (SIGTERM, as
# systemd stops it): the old database and its -wal and -shm moved away, the
# backup installed, checked as hhd, hhd-fcgi started on it again
stop_fcgi
mkdir "$T/before-restore" && mv /var/lib/hhd/hhd.db* "$T/before-restore/" || fail "moving the old database away"
install -o hhd -g hhd-helpdesk -m 0660 "$b" /var/lib/hhd/hhd.db || fail "installing the backup"
eq "$(runuser -u hhd -- sqlite3 -readonly /var/lib/hhd/hhd.db 'PRAGMA integrity_check')" ok "the restored database"
start_fcgi
eq "$(get -H 'Content-Type: application/x-www-form-urlencoded' --data "${form}&message=third+$$" "$URL/api/contact")" \
	303 "contact form after the restore"
as_member hhd-admin --db /var/lib/hhd/hhd.db $KEY export --csv >"$T/export2.csv" || fail "export after the restore"
for m in "from the package test $$" "second $$" "third $$"; do
	grep -q "$m" "$T/export2.csv" || fail "'$m' missing after the restore"
	ok
done

# 12. stop as systemd would (SIGTERM), then purge the package
stop_fcgi
kill -QUIT "$(cat "$T/nginx.pid")"
for _ in $(seq 100); do [ -e "$T/nginx.pid" ] || break; sleep 0.05; done
NGINX_STARTED=0
userdel "$TESTUSER" || fail "userdel"
rm -rf /srv/hhd /var/www/acme /run/hhd-fcgi

step "purging"
dpkg-query -L hhd >"$T/files"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 hhd >"$T/purge-pkg.log" 2>&1 || fail "apt-get purge failed"
INSTALLED=0
dpkg-query -W -f='${Status}' hhd 2>/dev/null | grep -q -e installed -e config-files && fail "hhd is still known to dpkg"
while read -r f; do
	[ -d "$f" ] && continue   # shared folders (/usr/bin) stay
	[ -e "$f" ] || [ -L "$f" ] && fail "$f is left after the purge"
done <"$T/files"
for p in /var/lib/hhd /usr/share/hhd /usr/share/doc/hhd /usr/libexec/hhd \
	/etc/systemd/system/sockets.target.wants/hhd-fcgi.socket /etc/systemd/system/timers.target.wants/hhd-purge.timer; do
	[ -e "$p" ] || [ -L "$p" ] && fail "$p is left after the purge"
done
ok
dpkg-query -W -f='${Package}\n' | sort >"$T/packages.after"
getent passwd | cut -d: -f1 | sort >"$T/users.after"
getent group | cut -d: -f1 | sort >"$T/groups.after"
for w in packages users groups; do
	cmp -s "$T/$w.before" "$T/$w.after" || fail "$w differ after the purge: $(diff "$T/$w.before" "$T/$w.after" | grep '^[<>]' | head -5)"
	ok
done

echo "ok: $CHECKS checks passed (package $(basename "$deb"))"
