#!/usr/bin/env bash
# bench/mirror.sh: 16 concurrent downloads of one 1 GiB file through the
# pull-through mirror (server.Mirror), cold (the mirror fetches the blob from
# the upstream once while streaming it to all 16) and warm (served from its
# disk store), against the same 16 curl downloads straight from the upstream
# (`hf serve`). Prints wall time and aggregate throughput of each round and
# how many blob transfers the upstream saw.
#
#   bench/mirror.sh [CLIENTS] [SIZE_MIB]
#
# Upstream, mirror and the curl clients share the machine (and its disk), so
# the figures are a floor. Needs curl. The store of the upstream, the mirror's
# and the source file take 3 x SIZE on disk in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}
mib=${2:-1024}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/hf" ./cmd/hf
go build -o "$work/mirrord" ./bench/mirrord

echo "making a ${mib} MiB file and importing it into the upstream store ..." >&2
mkdir -p "$work/src"
head -c "$((mib * 1024 * 1024))" /dev/urandom >"$work/src/big.bin"

start() { # start CMD...; waits for the URL line on stdout
  local out="$work/out.$RANDOM"
  "$@" >"$out" 2>"$out.err" &
  pids+=($!)
  for _ in $(seq 1 600); do
    if grep -q '^http' "$out" 2>/dev/null; then grep -m1 '^http' "$out"; return; fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then cat "$out.err" >&2; exit 1; fi
    sleep 0.2
  done
  echo "server did not start" >&2; exit 1
}

up=$(start "$work/hf" serve --dir "$work/up" --import "bench/big=$work/src" --addr 127.0.0.1:0 --quiet)
rm -f "$work/src/big.bin"
mirror=$(start "$work/mirrord" -upstream "$up" -store "$work/mirror")
echo "upstream $up, mirror $mirror" >&2

round() { # round NAME URL
  local name=$1 url=$2 t0 t1
  local curls=()
  t0=$(date +%s.%N)
  for i in $(seq 1 "$clients"); do
    curl -sSfL -o /dev/null -w '%{size_download}\n' "$url" >"$work/size.$i" &
    curls+=($!)
  done
  for p in "${curls[@]}"; do wait "$p" || true; done
  t1=$(date +%s.%N)
  local ok=0
  for i in $(seq 1 "$clients"); do
    [[ $(cat "$work/size.$i" 2>/dev/null) == "$((mib * 1024 * 1024))" ]] && ok=$((ok + 1))
  done
  awk -v n="$name" -v a="$t0" -v b="$t1" -v c="$clients" -v m="$mib" -v ok="$ok" 'BEGIN{
    w=b-a; printf "%-28s %7.2f s  %8.0f MiB/s aggregate  %6.0f MiB/s per client  %d/%d complete\n", n, w, c*m/w, m/w, ok, c }'
  [[ $ok == "$clients" ]] || { echo "FAILED: $((clients - ok)) incomplete downloads" >&2; exit 1; }
}

path=/bench/big/resolve/main/big.bin
echo "$clients concurrent downloads of ${mib} MiB:"
round "upstream direct (curl -L)" "$up$path"
round "mirror cold" "$mirror$path"
round "mirror warm" "$mirror$path"
transfers=$(curl -s "$mirror/metrics" | awk '/^hfhub_mirror_upstream_requests_total\{kind="blob"\}/{print $2}')
upbytes=$(curl -s "$mirror/metrics" | awk '/^hfhub_mirror_upstream_bytes_total /{printf "%.0f", $2/1048576}')
echo "upstream blob transfers seen by the mirror: ${transfers:-0} (${upbytes:-0} MiB fetched)"
