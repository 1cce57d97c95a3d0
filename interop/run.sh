#!/usr/bin/env bash
# Runs the official JS client (@huggingface/hub) against our server.
#
#   interop/run.sh            # from anywhere; .ci/run calls it
#
# 1. Builds ./cmd/hf and the fixture tool, writes the fixture repositories
#    (a model with nested paths, a safetensors file and a >10 MiB file stored
#    in LFS, a dataset and a legacy id) as folders, starts
#    `hf serve --dir TMP --addr 127.0.0.1:0 --import ...` with them, runs
#    interop/js/check.mjs against it and stops the server.
# 2. Runs the Go test TestOfficialJSClient, which does the same against
#    hubtest with tags, branches, a pull request, a private and a gated repo.
#
# Skips (exit 0) when node is not installed. Runs `npm ci` first when
# interop/js/node_modules is missing. The Python client is checked by hand:
# see interop/README.md and interop/python/run.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. interop/lib.sh

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "interop: SKIPPED: node/npm not found; install Node.js (20+) to run the official JS client checks"
  exit 0
fi
if [ ! -f interop/js/node_modules/@huggingface/hub/package.json ]; then
  echo "interop: installing the JS client (npm ci in interop/js)"
  (cd interop/js && npm ci --no-audit --no-fund --loglevel=error)
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hfhub-interop.XXXXXX")"
trap 'interop_stop; rm -rf "$tmp"' EXIT

echo "interop: building hf and interop-fixtures"
interop_build "$tmp"

status=0
INTEROP_SERVE_ARGS="${INTEROP_SERVE_ARGS:-} --page-size 2" interop_start_hf_serve "$tmp"
echo "interop: hf serve --page-size 2 is at $INTEROP_URL; running the JS client"
node interop/js/check.mjs --manifest "$INTEROP_MANIFEST" --endpoint "$INTEROP_URL" --hf "$tmp/hf" --page-size 2 || status=1
interop_stop
echo "interop: hf serve --xet; the JS client must download LFS files through Xet (docs/xet.md)"
INTEROP_SERVE_ARGS=--xet interop_start_hf_serve "$tmp"
node interop/js/check.mjs --manifest "$INTEROP_MANIFEST" --endpoint "$INTEROP_URL" --hf "$tmp/hf" --xet || status=1
interop_stop
if [ "$status" -ne 0 ]; then
  echo "interop: hf serve log (last 40 lines):"
  tail -n 40 "$tmp/serve.log" || true
fi

echo "interop: JS client against hubtest (tags, branches, refs/pr/1, private, gated)"
go test -count=1 -run 'TestOfficialJSClient' ./interop/ || status=1

echo "interop: Parquet reader vs DuckDB and hyparquet"
interop/duckdb/run.sh || status=1

echo "interop: @huggingface/inference and openai against inferencetest (npm ci in interop/inference-js when needed)"
go test -count=1 -run 'TestOfficialJSInferenceClients' ./interop/ || status=1

if [ "$status" -ne 0 ]; then
  echo "interop: FAILED (see the FAIL lines above; interop/FINDINGS.md lists the known ones)"
  exit 1
fi
echo "interop: passed"
