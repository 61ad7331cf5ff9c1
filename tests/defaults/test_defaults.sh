# test_defaults.sh: the defaults that spare an installed system's options.
# hhd without --theme takes themes/default from the working folder, else
# beside the content folder, else the installed one; hhd-admin without --db
# takes the installed database when it exists, and says so when it does not.
# Usage: test_defaults.sh HHD HHD_ADMIN SRC INSTALLED_THEME INSTALLED_DB
set -eu
HHD=$1 ADMIN=$2 SRC=$3 ITHEME=$4 IDB=$5
T=$(mktemp -d /tmp/hhd-defaults-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
n=0

mkdir -p "$T/site/themes" "$T/elsewhere"
cp -R "$SRC/tests/fixtures/site/content" "$T/site/content"
cp -R "$SRC/themes/default" "$T/site/themes/default"
cd "$T/elsewhere"
# beside the content, with no themes/ in the working folder
"$HHD" build -q -j 1 --content ../site/content --out out >"$T/build.log" 2>&1 ||
	fail "build with the theme beside the content: $(tail -n 5 "$T/build.log")"
[ -f out/hhd-manifest.tsv ] || fail "no site built"
n=$((n + 1))
# the working folder's themes/default comes first: a broken one there is used
mkdir -p themes/default
if "$HHD" build -q -j 1 --force --content ../site/content --out out2 >"$T/build2.log" 2>&1; then
	fail "an empty themes/default in the working folder was not the one used"
fi
grep -q "themes/default" "$T/build2.log" || fail "the error does not name themes/default: $(head -n 3 "$T/build2.log")"
rm -r themes
n=$((n + 1))
# neither here nor beside the content: the installed theme, if any
rm -r "$T/site/themes"
if [ -d "$ITHEME" ]; then
	"$HHD" build -q -j 1 --force --content ../site/content --out out3 >"$T/build3.log" 2>&1 ||
		fail "build with the installed theme: $(tail -n 5 "$T/build3.log")"
else
	if "$HHD" build -q -j 1 --force --content ../site/content --out out3 >"$T/build3.log" 2>&1; then
		fail "built without any theme"
	fi
	grep -q "themes/default" "$T/build3.log" || fail "the error does not name themes/default"
fi
n=$((n + 1))
"$HHD" --help 2>&1 | grep -q "installed default theme" || fail "--help does not mention the installed theme"
n=$((n + 1))

# hhd-admin: --db given wins; without it, the installed database or a usage error
"$ADMIN" --db "$T/none.db" inbox >/dev/null 2>"$T/admin.log" && fail "inbox of a missing database"
grep -q "none.db" "$T/admin.log" || fail "the error does not name the database given"
n=$((n + 1))
"$ADMIN" --help | grep -q "$IDB" || fail "--help does not name the default database $IDB"
n=$((n + 1))
if [ ! -e "$IDB" ]; then
	if "$ADMIN" inbox >/dev/null 2>"$T/admin2.log"; then fail "inbox without --db and no $IDB"; fi
	grep -q "no --db, and the default $IDB: No such file or directory" "$T/admin2.log" || fail "no word on the missing default: $(cat "$T/admin2.log")"
	n=$((n + 1))
fi
echo "test_defaults.sh: $n checks passed"
