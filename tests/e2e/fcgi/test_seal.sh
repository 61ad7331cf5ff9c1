# test_seal.sh: submissions sealed at rest, end to end. hhd-fcgi holds only
# the public key (--seal-key): a raw copy of the database and its WAL holds
# none of a submission's personal fields; hhd-admin opens them with --key;
# after a key rotation new submissions need the new key and old ones the
# old; a database from before sealing migrates and `hhd-admin seal` seals
# its plaintext rows.
. "$(dirname "$0")/lib.sh"
ADMIN="$BUILD/hhd-admin --db $STATE/hhd.db"
FORM='Content-Type: application/x-www-form-urlencoded'

# markers: one per personal field, none of them anywhere in the raw files
# (each has a part that appears nowhere else: checked in plaintext and hex)
post() { # MARK: a submission whose every personal field carries MARK
	status POST /api/contact -H "$FORM" --data-urlencode "lang=nl" --data-urlencode "incident=ransomware" \
		--data-urlencode "node=start" --data-urlencode "name=Naam $1" --data-urlencode "company=Bedrijf $1" \
		--data-urlencode "email=$1@example.nl" --data-urlencode "phone=+31 6 1234 5678" \
		--data-urlencode "message=Bericht $1" --data-urlencode "consent=yes"
}
# absent MARK: MARK is in none of the database's files, as they lie on disk
absent() {
	local f
	for f in "$STATE"/hhd.db "$STATE"/hhd.db-wal "$STATE"/hhd.db-shm "$@"; do
		[ -f "$f" ] || continue
		grep -a -q -i -e "$1" "$f" && fail "'$1' in plaintext in $(basename "$f")"
	done
	CHECKS=$((CHECKS + 1))
}

# keygen: two new files, the secret one private; never overwrites
eq "$($BUILD/hhd-admin keygen "$T/k1.secret" "$T/k1.pub" | cut -c1-4)" "key " "keygen"
eq "$(stat -c %a "$T/k1.secret")" 600 "secret key file mode"
eq "$(head -c 15 "$T/k1.secret")" "hhd-secret-key " "secret key file"
eq "$(head -c 15 "$T/k1.pub")" "hhd-public-key " "public key file"
$BUILD/hhd-admin keygen "$T/k1.secret" "$T/other.pub" 2>/dev/null && fail "keygen overwrote a key"
ok $BUILD/hhd-admin keygen "$T/k2.secret" "$T/k2.pub"
# hhd-fcgi refuses to hold a secret key
$BUILD/hhd-fcgi --db "$T/x.db" --site "$SITE" --seal-key "$T/k1.secret" --socket "$T/x.sock" 2>"$T/refused.txt" &&
	fail "hhd-fcgi accepted a secret key"
grep -q 'is a secret key' "$T/refused.txt" || fail "refusal says why: $(cat "$T/refused.txt")"
CHECKS=$((CHECKS + 2))

# 1. sealed to key 1, nothing readable on disk (WAL not checkpointed yet)
start --relaxed-limits -- --rate-limit 0 --seal-key "$T/k1.pub"
eq "$(post Zqx7Alpha)" 303 "sealed submission"
[ -s "$STATE/hhd.db-wal" ] || fail "the submission is still in the WAL"
absent Zqx7Alpha
eq "$(sql "SELECT name || company || email || phone || message, length(sealed) > 48, lang, incident, node FROM contact")" \
	"|1|nl|ransomware|start" "personal columns empty, the rest plain"
# reading needs the secret key
# every command that reads personal fields refuses to run without a key (usage: 2)
for cmd in inbox "show 1" "export --csv" "notify --to hd@example.nl"; do
	st=0
	$ADMIN $cmd >"$T/inbox.txt" 2>"$T/inbox.err" || st=$?
	eq "$st" 2 "$cmd without a key"
	[ -s "$T/inbox.txt" ] && fail "$cmd without a key printed something"
	grep -q 'give the secret key with --key' "$T/inbox.err" || fail "$cmd says what to give"
done
$ADMIN --key "$T/k1.pub" inbox 2>/dev/null && fail "a public key opens nothing"
CHECKS=$((CHECKS + 4))
$ADMIN --key "$T/k1.secret" inbox >"$T/inbox.txt"
grep -q 'Naam Zqx7Alpha, Bedrijf Zqx7Alpha  Zqx7Alpha@example.nl  +31 6 1234 5678' "$T/inbox.txt" ||
	fail "inbox with the key: $(cat "$T/inbox.txt")"
eq "$($ADMIN --key "$T/k1.secret" show 1 | tail -1)" "Bericht Zqx7Alpha" "show with the key"
$ADMIN --key "$T/k1.secret" export --csv | grep -q '"*Bericht Zqx7Alpha' || fail "export with the key"
CHECKS=$((CHECKS + 2))
stop
absent Zqx7Alpha

# 2. rotation: new submissions to key 2; each key opens its own
start --relaxed-limits -- --rate-limit 0 --seal-key "$T/k2.pub"
eq "$(post Wvy3Bravo)" 303 "submission sealed to the new key"
absent Wvy3Bravo
$ADMIN --key "$T/k2.secret" show 2 | grep -q 'Bericht Wvy3Bravo' || fail "new key opens the new one"
$ADMIN --key "$T/k2.secret" show 1 >/dev/null 2>&1 && fail "new key opens the old one"
$ADMIN --key "$T/k1.secret" show 2 >/dev/null 2>&1 && fail "old key opens the new one"
$ADMIN --key "$T/k2.secret" --key "$T/k1.secret" inbox >"$T/inbox.txt" || fail "both keys open everything"
grep -q 'Zqx7Alpha@example.nl' "$T/inbox.txt" && grep -q 'Wvy3Bravo@example.nl' "$T/inbox.txt" ||
	fail "inbox with both keys: $(cat "$T/inbox.txt")"
CHECKS=$((CHECKS + 4))

# 3. without --seal-key a row is plaintext (logged); `seal` seals it
stop
start --relaxed-limits -- --rate-limit 0
eq "$(post Pmk5Charlie)" 303 "plaintext submission"
grep -q 'stored in plaintext' "$STATE/hhd-fcgi.log" || fail "the plaintext mode is logged"
eq "$(sql "SELECT count(*) FROM contact WHERE sealed IS NULL AND name = 'Naam Pmk5Charlie'")" 1 "plaintext row"
eq "$($ADMIN seal --pub "$T/k2.pub" | sed 's/ key .*//')" "1 submission sealed to" "seal"
eq "$($ADMIN seal --pub "$T/k2.pub" | sed 's/ key .*//')" "0 submissions sealed to" "seal again: nothing left"
absent Pmk5Charlie
$ADMIN --key "$T/k2.secret" show 3 | grep -q 'Bericht Pmk5Charlie' || fail "sealed old row opens"
CHECKS=$((CHECKS + 2))
stop

# 4. a database from before sealing (schema 1) migrates; seal seals its rows
old=$T/old.db
sqlite3 "$old" "CREATE TABLE contact (id INTEGER PRIMARY KEY, created INTEGER NOT NULL, lang TEXT NOT NULL,
 incident TEXT NOT NULL, node TEXT NOT NULL, name TEXT NOT NULL, company TEXT NOT NULL, email TEXT NOT NULL,
 phone TEXT NOT NULL, message TEXT NOT NULL, consent INTEGER NOT NULL, digest BLOB NOT NULL, done INTEGER);
CREATE INDEX contact_created ON contact(created); CREATE INDEX contact_digest ON contact(digest);
CREATE TABLE hit (day TEXT NOT NULL, path TEXT NOT NULL, event TEXT NOT NULL, via TEXT NOT NULL,
 n INTEGER NOT NULL, PRIMARY KEY (day, path, event, via)) WITHOUT ROWID;
INSERT INTO contact VALUES (1, strftime('%s','now'), 'nl', '', '', 'Naam Hjd2Delta', '', 'Hjd2Delta@example.nl',
 '', 'Bericht Hjd2Delta', 1, x'00', NULL);
PRAGMA user_version=1;"
grep -a -q Hjd2Delta "$old" || fail "the old database holds plaintext"
eq "$($BUILD/hhd-admin --db "$old" seal --pub "$T/k1.pub" | sed 's/ key .*//')" "1 submission sealed to" "seal a migrated database"
eq "$(sqlite3 "$old" 'PRAGMA user_version')" 4 "migrated"
eq "$(sqlite3 "$old" 'SELECT urgency || "," || ifnull(notified, "new") FROM contact')" "none,new" "a migrated row: no urgency, not notified yet"
absent Hjd2Delta "$old" "$old-wal"
$BUILD/hhd-admin --db "$old" --key "$T/k1.secret" show 1 | grep -q 'Bericht Hjd2Delta' || fail "migrated row opens"
CHECKS=$((CHECKS + 1))
done_ok
