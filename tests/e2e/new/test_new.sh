#!/bin/bash
# e2e: `hhd new tip|tree|page NAME [--lang ...]` on a copy of the fixture site:
# one file per language with matching names, `hhd check` passes with only
# warnings (each pointing at a TODO: still to write, an outcome without an
# organisation, or a tree not yet linked from the triage), and nothing is
# ever overwritten.
# usage: test_new.sh HHD SOURCE_DIR
set -u
HHD=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1
cp -r "$SRC/tests/fixtures/site/content" content

"$HHD" new tip wachtwoord-kluis 2>log || fail "new tip: $(cat log)"
"$HHD" new tree phishing 2>>log || fail "new tree: $(cat log)"
"$HHD" new page colofon --lang nl 2>>log || fail "new page --lang nl: $(cat log)"
"$HHD" new page over-de-site --lang en,nl,en 2>>log || fail "new page --lang en,nl,en: $(cat log)"
for f in nl/tips/wachtwoord-kluis.md en/tips/wachtwoord-kluis.md nl/trees/phishing.yaml en/trees/phishing.yaml \
	 nl/pages/colofon.md nl/pages/over-de-site.md en/pages/over-de-site.md; do
	[ -f "content/$f" ] || fail "content/$f was not written"
	grep -q "^hhd: wrote content/$f\$" log || fail "no 'wrote content/$f' line"
done
[ -e content/en/pages/colofon.md ] && fail "--lang nl wrote an English page"
grep -q '^title: "TODO: de titel' content/nl/tips/wachtwoord-kluis.md || fail "the Dutch tip is not in Dutch"
grep -q "^title: \"TODO: the tip's title" content/en/tips/wachtwoord-kluis.md || fail "the English tip is not in English"
cmp -s <(grep -o '^ *[a-z0-9-]*:' content/nl/trees/phishing.yaml) <(grep -o '^ *[a-z0-9-]*:' content/en/trees/phishing.yaml) ||
	fail "the trees' keys and node ids differ between languages"

"$HHD" check -q --content content --theme "$SRC/themes/default" 2>check
rc=$?
[ $rc = 0 ] || fail "hhd check exits $rc after hhd new: $(cat check)"
grep -v ': warning: \|: note: ' check && fail "hhd check printed more than warnings and notes"
# the Dutch-only page falls back in English: one note for the language
grep -q "note: language 'en' shows 1 of" check || fail "no fallback note for the English page hhd new left out"
others=$(grep -v "is still to be written: \|lists no organisation that is not a role\|cannot be reached from the triage\|note: language 'en' shows 1 of" check)
[ -z "$others" ] || fail "warnings that do not point at what to write: $others"
[ "$(grep -c 'is still to be written' check)" = 26 ] || fail "expected 26 TODO warnings: $(cat check)"

# refusals: nothing written, exit 2
before=$(md5sum content/nl/tips/wachtwoord-kluis.md)
echo "mine" >content/en/tips/eigen.md
"$HHD" new tip eigen 2>err
[ $? = 2 ] || fail "an existing file does not give exit 2"
grep -q "content/en/tips/eigen.md already exists; hhd new never overwrites" err || fail "no clear refusal: $(cat err)"
[ -e content/nl/tips/eigen.md ] && fail "a refused hhd new still wrote the other language"
[ "$(cat content/en/tips/eigen.md)" = mine ] || fail "hhd new overwrote a file"
[ "$(md5sum content/nl/tips/wachtwoord-kluis.md)" = "$before" ] || fail "a file changed"
for args in "tip Bad_Name" "tip x --lang de" "blog x" "tip"; do
	"$HHD" new $args 2>err
	[ $? = 2 ] || fail "hhd new $args does not exit 2"
done
[ -z "$(find content -name 'x.*' -o -name 'Bad_Name.*')" ] || fail "a refused hhd new wrote a file"
echo "ok: hhd new e2e"
