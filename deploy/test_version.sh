# test_version.sh CHANGELOG PROGRAM...: each program's --version is
# "NAME VERSION", VERSION from the changelog's first line "hhd (VERSION) ...".
set -eu
changelog=$1
shift
want=$(sed -n '1s/^hhd (\([^)]*\)) .*/\1/p' "$changelog")
[ -n "$want" ] || { echo "FAIL: no version on the first line of $changelog" >&2; exit 1; }
for p in "$@"; do
	got=$("$p" --version)
	[ "$got" = "$(basename "$p") $want" ] || { echo "FAIL: $p --version: '$got', want '$(basename "$p") $want'" >&2; exit 1; }
done
echo "ok: $# programs print version $want"
