#!/usr/bin/env bash
# bench/download.sh: download speed and memory of `hf download` against
# `curl -o` (the limit) and the official JS client, over loopback from
# `hf serve`.
#
#   bench/download.sh [RUNS] [BIG_SIZE_MIB] [SMALL_FILES]   # defaults: 5 1024 1000
#   HF_BIN=/path/to/hf bench/download.sh ...                # time that build
#
# It builds hf, generates a repo with one BIG_SIZE_MIB MiB LFS file
# (bench/big, big.bin) and a repo of SMALL_FILES files of 4-64 KiB
# (bench/small), serves both with `hf serve`, then times each client RUNS
# times with a fresh cache (after `sync` and with the page cache warm on the
# server side) and prints median, min and max wall time and peak RSS
# (/usr/bin/time -v), and the CPU time (user+sys) of the client, which is
# steadier than wall time on a busy machine. Each run gets a new, empty cache
# folder; old ones are deleted at the end, not just before the next run: on
# ext4 without a journal, creating files right after thousands were deleted
# costs a scan past every recently freed inode (recently_deleted() in
# fs/ext4/ialloc.c), which would measure the previous run's cleanup rather
# than the client (it slows every client, hf and JS alike). The 1 GiB file of
# the previous run is deleted before the next one (one inode, no such cost).
# hf verifies every file (sha256 or git sha1) and fsyncs
# it before renaming it into place; curl does neither, so "curl+sync" (curl,
# then sync) is printed as well. Needs ~3x BIG_SIZE of free disk in TMPDIR.
# Falls back to bench/dlbench (same library call) if hf has no download
# command yet. The JS client runs when node and interop/js/node_modules exist.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BIG_MIB=${2:-1024}
SMALL=${3:-1000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hfhub-dlbench.XXXXXX")
SERVER_PID=""
cleanup() {
	if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
	rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n ${HF_BIN:-} ]]; then # compare builds: HF_BIN=/path/to/hf bench/download.sh
	cp "$HF_BIN" "$WORK/hf"
else
	echo "building hf..." >&2
	go build -o "$WORK/hf" ./cmd/hf
fi
if "$WORK/hf" download --help >/dev/null 2>&1; then
	HFDL=(hf)
else
	echo "note: this hf has no download command; timing bench/dlbench (the same library call)" >&2
	go build -o "$WORK/dlbench" ./bench/dlbench
	HFDL=(dlbench)
fi

echo "generating ${BIG_MIB} MiB file and ${SMALL} small files..." >&2
mkdir -p "$WORK/big" "$WORK/small"
head -c "$((BIG_MIB << 20))" /dev/urandom >"$WORK/big/big.bin"
for ((i = 0; i < SMALL; i++)); do
	head -c "$(((RANDOM % 61 + 4) << 10))" /dev/urandom >"$WORK/small/f$(printf %04d "$i").txt"
done

echo "starting hf serve..." >&2
"$WORK/hf" serve --quiet --dir "$WORK/store" --addr 127.0.0.1:0 \
	--import "bench/big=$WORK/big" --import "bench/small=$WORK/small" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
URL=""
for _ in $(seq 1200); do
	URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/serve.out" | head -1 || true)
	[[ -n $URL ]] && break
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/serve.err" >&2; exit 1; fi
	sleep 0.5
done
[[ -n $URL ]] || { echo "hf serve did not start" >&2; exit 1; }
echo "serving at $URL" >&2
rm -rf "$WORK/big" "$WORK/small" # the store has its own copy

RUN_ID=0
# run NAME CMD...: time CMD with a fresh cache RUNS times (@CACHE@ in CMD is
# that folder); prints one line.
run() {
	local name=$1; shift
	local walls=() rss=() cpu=()
	for ((r = 0; r < RUNS; r++)); do
		# New empty folders; the previous run's large files go now, its many
		# small ones at exit (see the header).
		find "$WORK/caches" -type f -size +100M -delete 2>/dev/null || true
		RUN_ID=$((RUN_ID + 1))
		CACHE="$WORK/caches/$RUN_ID"
		mkdir -p "$CACHE"; sync
		/usr/bin/time -v -o "$WORK/time.txt" env HF_HUB_CACHE="$CACHE" HF_HOME="$WORK/home" HF_HUB_DISABLE_PROGRESS_BARS=1 "${@//@CACHE@/$CACHE}" >/dev/null 2>"$WORK/err.txt" ||
			{ echo "$name failed:" >&2; cat "$WORK/err.txt" "$WORK/time.txt" >&2; return 1; }
		walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.txt")")
		rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")")
		cpu+=("$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$WORK/time.txt")")
	done
	printf '%s\n' "${walls[@]}" | sort -g >"$WORK/w"
	printf '%s\n' "${rss[@]}" | sort -g >"$WORK/m"
	printf '%s\n' "${cpu[@]}" | sort -g >"$WORK/c"
	awk -v name="$name" -v n="$RUNS" -v mb="$BYTES" '
		FILENAME==ARGV[1] { w[FNR]=$1; next } FILENAME==ARGV[2] { m[FNR]=$1; next } { c[FNR]=$1 }
		END {
			med = (n % 2) ? w[(n+1)/2] : (w[n/2] + w[n/2+1]) / 2
			cmed = (n % 2) ? c[(n+1)/2] : (c[n/2] + c[n/2+1]) / 2
			rate = (mb > 0) ? sprintf("%7.0f MB/s", mb / med / 1e6) : "            "
			printf "%-34s median %7.2fs  min %7.2fs  max %7.2fs  %s  cpu %6.2fs  peak RSS %6.1f MiB (max)\n", name, med, w[1], w[n], rate, cmed, m[n]/1024
		}' "$WORK/w" "$WORK/m" "$WORK/c"
}


echo "$(nproc) CPUs, $RUNS runs each, fresh cache per run" >&2
BYTES=$((BIG_MIB << 20))
echo "== ${BIG_MIB} MiB LFS file"
run "curl -o" curl -sfL -o @CACHE@/big.bin "$URL/bench/big/resolve/main/big.bin"
run "curl -o + sync" sh -c "curl -sfL -o '@CACHE@/big.bin' '$URL/bench/big/resolve/main/big.bin' && sync"
if [[ ${HFDL[0]} == hf ]]; then
	run "hf download (8 conns, verified)" "$WORK/hf" download --endpoint "$URL" --quiet bench/big big.bin
	run "hf download --connections 1" "$WORK/hf" download --endpoint "$URL" --quiet --connections 1 bench/big big.bin
else
	run "dlbench (8 conns, verified)" "$WORK/dlbench" -endpoint "$URL" -repo bench/big -file big.bin
fi
JS=""
if command -v node >/dev/null && [[ -d interop/js/node_modules/@huggingface/hub ]]; then JS=1; fi
if [[ -n $JS ]]; then
	run "JS downloadFileToCacheDir" node bench/compare_js.mjs --endpoint "$URL" --repo bench/big --file big.bin --cache-dir @CACHE@
fi
BYTES=0
echo "== ${SMALL} small files (4-64 KiB)"
if [[ ${HFDL[0]} == hf ]]; then
	run "hf download (snapshot, 8 workers)" "$WORK/hf" download --endpoint "$URL" --quiet bench/small
else
	run "dlbench (snapshot, 8 workers)" "$WORK/dlbench" -endpoint "$URL" -repo bench/small
fi
if [[ -n $JS ]]; then
	run "JS snapshotDownload" node bench/compare_js.mjs --endpoint "$URL" --repo bench/small --cache-dir @CACHE@
fi
