#!/bin/sh
# tests/golden/tsan.sh: whole builds under ThreadSanitizer (make tsan).
#
#   sh tests/golden/tsan.sh --hhd PATH shipped [RUNS]
#   sh tests/golden/tsan.sh --hhd PATH corpus N
#
# shipped  hhd build -j8 --force of the shipped content/ with themes/default,
#          then one with --drafts that takes its Markdown from the cache the
#          first wrote, RUNS times (default 3): races show up only on some
#          interleavings
# corpus   the same once over a corpus of N pages from bench/make-corpus
#
# PATH must be an hhd built with -fsanitize=thread (cmake -DHHD_TSAN=ON).
# Fails on any ThreadSanitizer report: halt_on_error=1 with a distinct exit
# status, and the word ThreadSanitizer on stderr fails the run as well.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
hhd=$root/build-tsan/hhd
while [ $# -gt 0 ]; do
	case $1 in
	--hhd) shift; hhd=${1:?--hhd needs a path} ;;
	-*) echo "tsan.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
what=${1:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hhd-tsan.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS

# build CONTENT: one -j8 --force build into $tmp/out, then one with drafts
# (another build, so the stamp does not stop it) whose Markdown comes from
# the cache the first wrote (<out>.hhd-cache), read by every load thread;
# 0 when both are clean
build() {
	for opt in --force --drafts; do
		"$hhd" build -j8 $opt -q --content "$1" --theme "$root/themes/default" --out "$tmp/out" \
			2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ] || grep -q ThreadSanitizer "$tmp/err"; then
			cat "$tmp/err" >&2
			echo "tsan.sh: hhd build $opt of $1 failed (exit $rc)" >&2
			return 1
		fi
	done
	return 0
}

case $what in
shipped)
	runs=${2:-3}
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		build "$root/content" || exit 1
	done
	echo "tsan.sh: $runs clean -j8 builds of content/"
	;;
corpus)
	n=${2:?corpus needs a page count}
	python3 "$root/bench/make-corpus" "$n" "$tmp/corpus" >/dev/null || exit 2
	build "$tmp/corpus/content" || exit 1
	echo "tsan.sh: a clean -j8 build of a $n-page corpus"
	;;
*)
	echo "usage: tsan.sh [--hhd PATH] shipped [RUNS] | corpus N" >&2
	exit 2
	;;
esac
