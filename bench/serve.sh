#!/usr/bin/env bash
# bench/serve.sh: load-test `hf serve` with 64 concurrent clients, half
# downloading LFS files (through /resolve/ and its redirect to the content
# URL) and half listing the repository tree, for 20 seconds. Prints
# requests/s, throughput, latency percentiles and the error count (which
# must be 0; the script fails otherwise).
#
#   bench/serve.sh [CLIENTS] [SECONDS] [FILE_MIB]
#
# The model served has 8 LFS files of FILE_MIB MiB (default 16) and 200
# small files. Server and load generator share the machine, so the figures
# are a floor for the server alone.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-64}
secs=${2:-20}
mib=${3:-16}
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/hf" ./cmd/hf
go build -o "$work/serveload" ./bench/serveload

# The model: 8 LFS files and 200 small ones in 10 folders.
model="$work/model"
mkdir -p "$model"
files=()
for i in 0 1 2 3 4 5 6 7; do
  name=$(printf 'f%02d.safetensors' "$i")
  head -c "$((mib << 20))" /dev/urandom >"$model/$name"
  files+=("$name")
done
for d in 0 1 2 3 4 5 6 7 8 9; do
  mkdir -p "$model/dir$d"
  for f in $(seq 0 19); do echo "file $d/$f" >"$model/dir$d/small$f.txt"; done
done

# Serve it on a free port; the URL is the first line on stdout.
"$work/hf" serve --quiet --dir "$work/store" --addr 127.0.0.1:0 --import "bench/model=$model" >"$work/url" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/url" ] && break
  sleep 0.1
done
url=$(head -1 "$work/url" | grep -o 'http://[^ ]*' || true)
if [ -z "$url" ]; then
  echo "hf serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi
echo "hf serve at $url; $clients clients for ${secs}s; 8 LFS files of ${mib} MiB + 200 small files" >&2
list=$(IFS=,; echo "${files[*]}")
"$work/serveload" -endpoint "$url" -repo bench/model -files "$list" -clients "$clients" -duration "${secs}s"
