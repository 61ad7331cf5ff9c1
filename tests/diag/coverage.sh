#!/bin/sh
# tests/diag/coverage.sh: every diagnostic in lib/diag.def is shown by a case.
#
# For each DIAG(id, level, format) the expected sections of tests/diag/cases/
# must hold a line "...: level: message" that the format matches (%s, %d, ...
# match anything). Diagnostics that content and themes cannot trigger are
# listed below with the reason. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# id: why no case can show it
untestable='
D_TPL_SYNTAX: no code reports it; each template syntax error has its own message
D_TPL_DUPLICATE: templates are named by file name, so one theme folder cannot define a name twice
D_MANIFEST_ROW: every id and URL in the manifest is a slug of at most SCHEMA_MAX_SLUG (= MANIFEST_MAX_ID) bytes or a URL the build made, so each row parses back
D_SEARCH_INDEX: the index limits (SEARCH_DOCS_MAX documents, SEARCH_INDEX_MAX bytes) take more pages than a case holds; tests/unit/test_search checks both edges of the builder
D_TPL_TOO_BIG: the 1 MiB file-size limit (D_FILE_TOO_BIG, case tpl_too_big) stops a template first
'

expected=$(mktemp)
trap 'rm -f "$expected"' EXIT
for f in "$here"/cases/*.case; do
	awk '/^=== expected$/ { p = 1; next } /^=== / { p = 0 } p' "$f"
done > "$expected"

printf '%s\n' "$untestable" | awk -v def="$root/lib/diag.def" -v expfile="$expected" '
function re(fmt,    out, i, c) {
	out = ""
	for (i = 1; i <= length(fmt); i++) {
		c = substr(fmt, i, 1)
		if (c == "%") {
			while (i < length(fmt) && substr(fmt, i + 1, 1) ~ /[0-9zl]/) i++
			i++
			out = out ".*"
		} else if (c ~ /[A-Za-z0-9 ]/) out = out c
		else if (c == "\\") out = out "[\\\\]"
		else if (c == "^") out = out "\\^"
		else out = out "[" c "]"
	}
	return out
}
NF && index($0, ":") { skip[substr($0, 1, index($0, ":") - 1)] = 1 }
END {
	while ((getline line < expfile) > 0) lines[++nl] = line
	pass = fail = 0
	while ((getline line < def) > 0) {
		if (line !~ /^DIAG\(/) continue
		id = line; sub(/^DIAG\(/, "", id); sub(/,.*/, "", id)
		level = line ~ /DIAG_WARNING/ ? "warning" : line ~ /DIAG_NOTE/ ? "note" : "error"
		fmt = line; sub(/^[^"]*"/, "", fmt); sub(/"\)[ \t]*$/, "", fmt)
		if (id in skip) { print "SKIP " id " (untestable, see coverage.sh)"; continue }
		pat = ": " level ": " re(fmt) "$"
		found = 0
		for (i = 1; i <= nl && !found; i++) found = lines[i] ~ pat
		if (found) pass++
		else { fail++; print "FAIL " id ": no case shows \"" level ": " fmt "\"" }
	}
	printf "%d passed, %d failed\n", pass, fail
	exit fail > 0
}'
