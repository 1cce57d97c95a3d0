#!/usr/bin/env bash
# Cross-checks hfhub's Parquet reader with DuckDB (@duckdb/node-api) and
# hyparquet: see check.mjs. interop/run.sh calls it.
#
# Without node/npm it skips locally and fails under CI=true. Runs
# `npm ci` first when node_modules is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "interop-duckdb: FAILED: node/npm not found (CI needs them for the DuckDB and hyparquet cross-check)"
    exit 1
  fi
  echo "interop-duckdb: SKIPPED: node/npm not found; install Node.js (20+) to cross-check the Parquet reader with DuckDB and hyparquet"
  exit 0
fi
if [ ! -f "$here/node_modules/@duckdb/node-api/package.json" ] || [ ! -f "$here/node_modules/hyparquet/package.json" ]; then
  echo "interop-duckdb: installing DuckDB and hyparquet (npm ci in interop/duckdb)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hfhub-duckdb.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/rowsdump" ./interop/cmd/rowsdump)
mkdir "$tmp/files"
node "$here/check.mjs" --rowsdump "$tmp/rowsdump" --dir "$tmp/files"
