#!/bin/sh
# run.sh: install the suite's npm packages from the lock file when they are
# missing or older than it, then run the suite (arguments go to run.mjs).
# CTest runs this as the test "browser".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
command -v node >/dev/null 2>&1 || { echo "run.sh: node is not installed (scripts/deps test)"; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "run.sh: playwright-core needs Node.js 20 or later, this is $(node --version)"; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	command -v npm >/dev/null 2>&1 || { echo "run.sh: npm is not installed (scripts/deps test)"; exit 1; }
	echo "run.sh: npm ci"
	npm ci --ignore-scripts --no-audit --no-fund
fi
exec node run.mjs "$@"
