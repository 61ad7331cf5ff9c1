#!/bin/sh
# tests/diag/run.sh: run the diagnostic cases and compare hhd's messages exactly.
#
#   sh tests/diag/run.sh [--hhd PATH] [--update] [CASE.case ...]
#
# Each case (tests/diag/cases/NAME.case) changes a copy of the fixture site
# (tests/fixtures/site/content, copied to content/) and of the default theme
# (themes/default, copied to theme/) in a fresh temporary folder, runs hhd there
# (default arguments: check -q --content content --theme theme) and compares
# what hhd prints on stderr, line for line in the order printed (hhd sorts by
# path, line, column), with the case's expected section, and its exit status.
#
# Case format: lines before the first section are a comment. Sections:
#   === PATH                     replace or add the file PATH (relative to the
#                                temporary folder: content/..., theme/...)
#                                with the lines that follow
#   === PATH (delete)            remove PATH (a file or a folder)
#   === PATH (directory)         make PATH a folder
#   === PATH (append)            add the lines that follow to the end of PATH
#   === PATH (escaped)           like a plain file, but passed through printf %b:
#                                \0ooo is a byte in octal, \\ a backslash, and a
#                                trailing \c leaves out the final newline
#   === PATH (generate N bytes)  the lines that follow, then "Tekst.\n" repeated,
#                                cut to exactly N bytes
#   === PATH (mtime STAMP)       set PATH's modification time (touch -d STAMP,
#                                for example 2024-01-01T00:00:00Z); no lines follow
#   === args                     one line: hhd's arguments instead of the default
#   === status N                 the expected exit status (default: 1 when an
#                                expected line is an error, else 0)
#   === expected                 the exact expected stderr, last in the file
#
# The copied fixture and theme are dated 2020-01-01, so every file a case
# writes is newer than them (hhd reports a clash on the newer file).
# An older hhd named its staging folder after its pid: ".new-1234" is compared as ".new-PID".
# --update rewrites the status and expected sections from what hhd printed,
# except in cases whose comment has a line starting "KNOWN BUG": those expect
# what hhd should print and are edited by hand.
# Set KEEP=1 to keep the temporary folders. Ends with "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fixture=$root/tests/fixtures/site/content
theme=$root/themes/default
hhd=${HHD:-$root/build/hhd}
update=0
default_args='check -q --content content --theme theme'

usage() {
	sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

cases=
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	--hhd) shift; hhd=${1:?--hhd needs a path} ;;
	--hhd=*) hhd=${1#--hhd=} ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
	*) cases="$cases $1" ;;
	esac
	shift
done
[ -n "$cases" ] || cases=$(ls "$here"/cases/*.case)
case $hhd in
/*) ;;
*) hhd=$(pwd)/$hhd ;;
esac
if [ ! -x "$hhd" ]; then
	echo "run.sh: no hhd at '$hhd' (build first, or pass --hhd PATH)" >&2
	exit 2
fi

# Split a case into body files and a manifest: KIND|ARG|PATH|BODY.
split_case() { # case_file out_dir
	awk -v dir="$2" '
	function finish() { if (body != "") close(body) }
	function start(kind, arg, path) {
		finish()
		n++
		body = dir "/body" n
		printf "" > body
		printf "%s|%s|%s|%s\n", kind, arg == "" ? "-" : arg, path == "" ? "-" : path, body
	}
	/^=== / {
		h = substr($0, 5)
		if (h == "expected") { start("expected", "", ""); next }
		if (h == "args") { start("args", "", ""); next }
		if (h ~ /^status [0-9]+$/) { start("status", substr(h, 8), ""); next }
		if (h ~ / \(delete\)$/) { start("delete", "", substr(h, 1, length(h) - 9)); next }
		if (h ~ / \(directory\)$/) { start("directory", "", substr(h, 1, length(h) - 12)); next }
		if (h ~ / \(escaped\)$/) { start("escaped", "", substr(h, 1, length(h) - 10)); next }
		if (h ~ / \(append\)$/) { start("append", "", substr(h, 1, length(h) - 9)); next }
		if (h ~ / \(generate [0-9]+ bytes\)$/) {
			i = index(h, " (generate ")
			a = substr(h, i + 11)
			sub(/ bytes\)$/, "", a)
			start("generate", a, substr(h, 1, i - 1))
			next
		}
		if (h ~ / \(mtime [^()]+\)$/) {
			i = index(h, " (mtime ")
			a = substr(h, i + 8)
			sub(/\)$/, "", a)
			start("mtime", a, substr(h, 1, i - 1))
			next
		}
		if (h ~ /\(/) { print "bad section header: " $0 > "/dev/stderr"; exit 1 }
		start("file", "", h)
		next
	}
	{ if (body != "") print > body }
	END { finish() }
	' "$1"
}

# Rewrite the status and expected sections of a case.
update_case() { # case_file had_status status stderr_file
	awk -v had="$2" -v st="$3" -v out="$4" '
	/^=== / { skip = ($0 ~ /^=== (status [0-9]+|expected)$/) }
	!skip { print }
	END {
		err = 0
		while ((getline line < out) > 0) { lines[++nl] = line; if (line ~ /: error: /) err = 1 }
		if (had || st != err) print "=== status " st
		print "=== expected"
		for (i = 1; i <= nl; i++) print lines[i]
	}
	' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}

passed=0
failed=0
for case_file in $cases; do
	name=$(basename "$case_file" .case)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/hhd-diag.XXXXXX")
	cp -R "$fixture" "$tmp/content"
	cp -R "$theme" "$tmp/theme"
	find "$tmp/content" "$tmp/theme" -exec touch -h -d 2020-01-01T00:00:00Z {} +
	mkdir "$tmp/.case"
	ok=1
	args=$default_args
	want_status=
	expected=
	if ! split_case "$case_file" "$tmp/.case" > "$tmp/.case/manifest"; then
		ok=0
	fi
	while IFS="|" read -r kind arg path body; do
		case $path in
		/*|..|../*|*/..|*/../*)
			echo "$name: path '$path' must stay inside the temporary folder" >&2
			ok=0
			continue ;;
		esac
		case $kind in
		file|escaped|generate)
			mkdir -p "$(dirname "$tmp/$path")"
			rm -rf "$tmp/$path" ;;
		esac
		case $kind in
		file) cp "$body" "$tmp/$path" ;;
		escaped) printf '%b\n' "$(cat "$body")" > "$tmp/$path" ;;
		generate)
			size=$(wc -c < "$body")
			{
				cat "$body"
				awk -v n=$((arg - size)) 'BEGIN {
					s = "Tekst.\n"; chunk = ""
					for (i = 0; i < 1024; i++) chunk = chunk s
					while (n >= length(chunk)) { printf "%s", chunk; n -= length(chunk) }
					while (n >= length(s)) { printf "%s", s; n -= length(s) }
					if (n > 0) printf "%s", substr(s, 1, n)
				}'
			} > "$tmp/$path" ;;
		append) cat "$body" >> "$tmp/$path" ;;
		mtime) touch -h -d "$arg" "$tmp/$path" || ok=0 ;;
		delete) rm -rf "$tmp/$path" ;;
		directory) mkdir -p "$tmp/$path" ;;
		args) args=$(cat "$body") ;;
		status) want_status=$arg ;;
		expected) expected=$body ;;
		esac
	done < "$tmp/.case/manifest"
	if [ -z "$expected" ]; then
		expected=$tmp/.case/none
		: > "$expected"
		[ $update = 1 ] || { echo "$name: no '=== expected' section" >&2; ok=0; }
	fi
	# shellcheck disable=SC2086 # the arguments are split on purpose
	(cd "$tmp" && exec "$hhd" $args) > "$tmp/.case/stdout" 2> "$tmp/.case/stderr.raw"
	status=$?
	sed 's/\.new-[0-9][0-9]*/.new-PID/g' "$tmp/.case/stderr.raw" > "$tmp/.case/stderr"
	if [ -z "$want_status" ]; then
		if grep -q ': error: ' "$expected"; then want_status=1; else want_status=0; fi
	fi
	if [ $update = 1 ] && grep -q '^KNOWN BUG' "$case_file"; then
		echo "KEPT $name: it expects what hhd should print (KNOWN BUG); edit it by hand"
	elif [ $update = 1 ]; then
		had=0
		grep -q '^=== status [0-9]*$' "$case_file" && had=1
		update_case "$case_file" $had $status "$tmp/.case/stderr"
		if [ $status != "$want_status" ] || ! cmp -s "$expected" "$tmp/.case/stderr"; then
			echo "UPDATED $name"
		fi
	fi
	if [ $ok = 1 ] && cmp -s "$expected" "$tmp/.case/stderr" && [ "$status" = "$want_status" ]; then
		passed=$((passed + 1))
		echo "PASS $name"
	elif [ $update = 1 ] && [ $ok = 1 ] && ! grep -q '^KNOWN BUG' "$case_file"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name ($case_file)"
		[ "$status" = "$want_status" ] || echo "  exit status $status, expected $want_status"
		diff -u "$expected" "$tmp/.case/stderr" | sed -e '1s|.*|--- expected|' -e '2s|.*|+++ actual|'
	fi
	if [ "${KEEP:-0}" = 1 ]; then
		echo "  kept $tmp"
	else
		rm -rf "$tmp"
	fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
