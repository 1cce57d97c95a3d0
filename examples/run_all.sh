#!/bin/sh
# Runs every example program (examples/*/main.go). Each one uses HF_ENDPOINT
# when it is set and reachable, else the embedded demo Hub, so this works
# offline. Exits non-zero if any example fails. Used by .ci/run.
set -u
cd "$(dirname "$0")/.." || exit 1
failed=""
count=0
for main in examples/*/main.go; do
	dir=$(dirname "$main")
	name=$(basename "$dir")
	count=$((count + 1))
	echo "=== $name"
	if ! go run "./$dir"; then
		failed="$failed $name"
	fi
done
if [ -n "$failed" ]; then
	echo "FAILED examples:$failed" >&2
	exit 1
fi
echo "all $count examples ran"
