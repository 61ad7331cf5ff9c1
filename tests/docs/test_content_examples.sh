#!/bin/bash
# test_content_examples.sh: the worked example of docs/content.md ("Writing a
# tree, step by step") builds. Each ```yaml block of that section whose first
# line is "# content/PATH" is written to PATH in a site made by `hhd new
# site`; then `hhd check` and `hhd build` must pass with no message about
# those files, and what the text says of them must hold: the URLs it links
# to exist, the question count goes on across trees, and a link by file
# name where the slug differs says which URL was meant.
# usage: test_content_examples.sh HHD SOURCE_DIR
set -u
HHD=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0

"$HHD" new site "$T/site" --theme "$SRC/themes/default" 2>"$T/new.log" || fail "new site: $(cat "$T/new.log")"
# the section's YAML blocks, each to the file its first line names
awk -v dir="$T/site" '
	/^## / { in_sec = ($0 == "## Writing a tree, step by step") }
	in_sec && /^```yaml$/ { block = 1; first = 1; next }
	block && /^```$/ { block = 0; if (out != "") close(out); out = ""; next }
	block && first { first = 0
		if ($0 ~ /^# content\/[a-z0-9\/._-]+$/) { out = dir "/" substr($0, 3); print substr($0, 3) > (dir "/.examples") }
		else { print "a yaml block that names no file: " $0 > "/dev/stderr"; exit 1 } }
	block && out != "" { print > out }
' "$SRC/docs/content.md" || fail "extracting the examples"
count=$(wc -l < "$T/site/.examples")
[ "$count" -ge 4 ] || fail "only $count examples found in the guide"
rm "$T/site/.examples"
n=$((n + 1))

cd "$T/site" || exit 1
"$HHD" check -j 1 2>"$T/check.log" || fail "hhd check failed on the guide's examples: $(cat "$T/check.log")"
grep -e '^content/[a-z]*/trees/\(email-hacked\|triage\)\.yaml:' "$T/check.log" &&
	fail "the guide's examples have warnings (above)"
n=$((n + 1))
"$HHD" build -j 1 -q 2>"$T/build.log" || fail "hhd build failed: $(cat "$T/build.log")"
for u in nl/hulp/e-mail-gehackt nl/hulp/e-mail-gehackt/locked-out en/help/email-hacked en/help/email-hacked/locked-out; do
	[ -f "public/$u/index.html" ] || fail "the guide names /$u/, which was not built"
done
grep -q 'Vraag 2 van 2' public/nl/hulp/e-mail-gehackt/index.html || fail "the tree's first question is not 'Vraag 2 van 2'"
n=$((n + 1))
# the link by file name the guide warns about
cat >> content/nl/index.md <<'EOF'

Zie [e-mail gehackt](/nl/hulp/email-hacked/).
EOF
"$HHD" check -j 1 2>"$T/link.log" && fail "a link by file name passed"
grep -q "error: link to '/nl/hulp/email-hacked/' does not resolve to a page (did you mean '/nl/hulp/e-mail-gehackt/'?)" "$T/link.log" ||
	fail "no 'did you mean' for the link by file name: $(cat "$T/link.log")"
n=$((n + 1))
echo "test_content_examples.sh: $n checks passed"
