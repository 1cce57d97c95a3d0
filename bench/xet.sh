#!/usr/bin/env bash
# bench/xet.sh: a large file through Xet against the same file through the
# 302 (our LFS path) and curl of the bridge, from one `hf serve --xet`,
# interleaved; then an update of 5 % of the file (one "tensor") and the bytes
# the new revision moves.
#
#   bench/xet.sh [ROUNDS] [SIZE_MIB]     # defaults: 3 1024
#
# Each round runs, in turn and each into a new empty cache: curl -o of the
# /resolve URL (follows the 302 to the bytes), `hf download` with
# HF_HUB_DISABLE_XET=1 (the 302, 8 ranged connections, sha256 verified),
# `hf download` through Xet (reconstructions, presigned xorb ranges, Xet hash
# and sha256 verified; it also writes the fetched ranges to the chunk
# cache), and the same with the chunk cache off. Median/min/max wall time and peak RSS
# (/usr/bin/time -v). Then the file is changed in one 5 % region, the server
# restarted on the same store with the new folder imported (a new commit),
# and `hf download --format json` of the new revision reports the xorb bytes
# fetched and read from the chunk cache. Needs ~4x SIZE of free disk.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
MIB=${2:-1024}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hfhub-xetbench.XXXXXX")
SERVER_PID=""
stop() { if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi; }
trap 'stop; rm -rf "$WORK"' EXIT
go build -o "$WORK/hf" ./cmd/hf
mkdir -p "$WORK/v1"
head -c "$((MIB << 20))" /dev/urandom >"$WORK/v1/big.bin"

serve() { # serve FOLDER: (re)start hf serve --xet importing FOLDER as bench/big
	"$WORK/hf" serve --quiet --xet --dir "$WORK/store" --addr 127.0.0.1:0 --import "bench/big=$1" >"$WORK/serve.out" 2>"$WORK/serve.err" &
	SERVER_PID=$!
	URL=""
	for _ in $(seq 600); do
		URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/serve.out" | head -1 || true)
		[[ -n $URL ]] && break
		sleep 0.5
	done
	[[ -n $URL ]] || { cat "$WORK/serve.err" >&2; exit 1; }
	# The first Xet request waits for the import (chunking, xorbs) to finish.
	local t0=$SECONDS
	curl -sf -o /dev/null -I "$URL/bench/big/resolve/main/big.bin"
	echo "serving at $URL (import ready after $((SECONDS - t0)) s)" >&2
}
serve "$WORK/v1"

declare -A WALL RSS
once() { # once NAME CMD...: one timed run into a fresh cache
	local name=$1; shift
	rm -rf "$WORK/cache" "$WORK/home"; mkdir -p "$WORK/cache"; sync
	/usr/bin/time -v -o "$WORK/time.txt" env HF_HUB_CACHE="$WORK/cache" HF_HOME="$WORK/home" "$@" >/dev/null 2>"$WORK/err.txt" ||
		{ echo "$name failed:" >&2; cat "$WORK/err.txt" >&2; exit 1; }
	WALL[$name]+="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.txt") "
	RSS[$name]+="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt") "
}
NAMES=("curl -o (302 to the bytes)" "hf download, Xet off (302)" "hf download through Xet" "Xet, chunk cache off")
for ((r = 0; r < ROUNDS; r++)); do
	once "${NAMES[0]}" curl -sfL -o "$WORK/cache/big.bin" "$URL/bench/big/resolve/main/big.bin"
	once "${NAMES[1]}" env HF_HUB_DISABLE_XET=1 "$WORK/hf" download --endpoint "$URL" --quiet bench/big big.bin
	once "${NAMES[2]}" "$WORK/hf" download --endpoint "$URL" --quiet bench/big big.bin
	once "${NAMES[3]}" env HF_XET_CHUNK_CACHE_SIZE_BYTES=0 "$WORK/hf" download --endpoint "$URL" --quiet bench/big big.bin
done
echo "== ${MIB} MiB file, $ROUNDS interleaved rounds, $(nproc) CPUs"
for n in "${NAMES[@]}"; do
	# shellcheck disable=SC2086
	printf '%s\n' ${WALL[$n]} | sort -g >"$WORK/w"
	# shellcheck disable=SC2086
	printf '%s\n' ${RSS[$n]} | sort -g >"$WORK/m"
	awk -v name="$n" -v bytes="$((MIB << 20))" 'FILENAME==ARGV[1] {w[FNR]=$1; k=FNR; next} {m[FNR]=$1; j=FNR}
		END { med = (k % 2) ? w[(k+1)/2] : (w[k/2] + w[k/2+1]) / 2
		      printf "%-30s median %6.2fs (%5.0f MB/s)  min %6.2fs  max %6.2fs  peak RSS %6.1f MiB\n", name, med, bytes/med/1e6, w[1], w[k], m[j]/1024 }' "$WORK/w" "$WORK/m"
done

echo "== update: 5 % of the file changed in one region"
rm -rf "$WORK/cache" "$WORK/home"; mkdir -p "$WORK/cache"
env HF_HUB_CACHE="$WORK/cache" HF_HOME="$WORK/home" "$WORK/hf" download --endpoint "$URL" --quiet bench/big big.bin >/dev/null
stop
mkdir -p "$WORK/v2"
cp "$WORK/v1/big.bin" "$WORK/v2/big.bin"
rm -rf "$WORK/v1"
head -c "$(((MIB << 20) / 20))" /dev/urandom | dd of="$WORK/v2/big.bin" bs=1M seek="$((MIB / 3))" conv=notrunc status=none
serve "$WORK/v2"
env HF_HUB_CACHE="$WORK/cache" HF_HOME="$WORK/home" "$WORK/hf" download --endpoint "$URL" --format json bench/big big.bin 2>"$WORK/events.json" >/dev/null
grep '"file_done"' "$WORK/events.json" | grep big.bin | awk -v size="$((MIB << 20))" '{
	match($0, /"xet_fetched_bytes":[0-9]+/); f = substr($0, RSTART + 20, RLENGTH - 20) + 0
	match($0, /"chunk_cache_bytes":[0-9]+/); c = substr($0, RSTART + 20, RLENGTH - 20) + 0
	printf "new revision: fetched %d bytes (%.1f %% of the file), %d from the chunk cache\n", f, 100 * f / size, c }'
