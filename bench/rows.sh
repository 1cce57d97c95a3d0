#!/usr/bin/env bash
# Streams one large Parquet file with hfhub's reader (dataset/rows, through
# bench/rowsbench) and with DuckDB, both on one thread, all columns and one
# column; prints the median rows/s, MB/s and peak RSS of each.
#
#   bench/rows.sh [ROWS] [RUNS]     # default 16000000 rows (~1 GiB), 3 runs
#
# The file is written by DuckDB (bench/rows_gen.mjs) into $TMPDIR and
# removed at the end (KEEP=1 keeps it). Needs node; installs DuckDB with
# `npm ci` in interop/duckdb.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rows="${1:-16000000}"
runs="${2:-3}"
duck="$root/interop/duckdb"
[ -f "$duck/node_modules/@duckdb/node-api/package.json" ] || (cd "$duck" && npm ci --no-audit --no-fund --loglevel=error)
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hfhub-rowsbench.XXXXXX")"
trap '[ "${KEEP:-}" = 1 ] || rm -rf "$tmp"' EXIT
# ES modules resolve packages from the script's folder: run copies beside
# a link to interop/duckdb's node_modules.
cp "$root/bench/rows_gen.mjs" "$root/bench/rows_duckdb.mjs" "$tmp/"
ln -s "$duck/node_modules" "$tmp/node_modules"
file="$tmp/bench.parquet"
echo "rows: writing $rows rows with DuckDB"
node "$tmp/rows_gen.mjs" "$file" "$rows"
echo "rows: $(du -h "$file" | cut -f1) in $file"
(cd "$root" && go build -o "$tmp/rowsbench" ./bench/rowsbench)

# run LABEL CMD...: RUNS times; median of rows_per_s and mb_per_s, max RSS.
run() {
  local label="$1"; shift
  local out=()
  for _ in $(seq "$runs"); do
    local line rss cpu rows
    line="$( { /usr/bin/time -v "$@" 2>"$tmp/time.txt"; } | tail -n1)"
    rss="$(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/time.txt")"
    cpu="$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$tmp/time.txt")"
    rows="$(echo "$line" | sed -E 's/^rows=([0-9]+).*/\1/')"
    out+=("$(echo "$line" | sed -E 's/.*rows_per_s=([0-9]+) mb_per_s=([0-9.]+).*/\1 \2/') $rss $cpu $rows")
  done
  # Median by wall-clock rows/s; rows per CPU second (user+sys, every
  # thread) says the same on a machine that other work keeps busy.
  printf '%s\n' "${out[@]}" | sort -n | awk -v label="$label" -v n="$runs" '
    { r[NR]=$1; m[NR]=$2; c[NR]=$5/$4; if ($3>rss) rss=$3 }
    END { i=int((n+1)/2); printf "| %s | %.2f M rows/s | %.0f MB/s | %.2f M rows/CPU-s | %.0f MiB |\n", label, r[i]/1e6, m[i], c[i]/1e6, rss/1024 }'
}

echo
echo "| Scan (1 thread, median of $runs) | Rows/s (wall) | MB/s (file, wall) | Rows per CPU second | Peak RSS |"
echo "|---|---|---|---|---|"
run "hfhub, all columns" env GOMAXPROCS=1 "$tmp/rowsbench" "$file"
run "DuckDB, all columns" node "$tmp/rows_duckdb.mjs" "$file"
run "hfhub, one column (text)" env GOMAXPROCS=1 "$tmp/rowsbench" -columns text "$file"
run "DuckDB, one column (text)" node "$tmp/rows_duckdb.mjs" "$file" text
