#!/usr/bin/env bash
# bench/cache.sh: time `hf cache ls` on a synthetic cache of 200 repos and
# 100,000 snapshot files (two revisions per repo, relative symlinks into
# blobs/, as the Python client lays them out). Prints the median of 5 runs.
#
#   bench/cache.sh [REPOS] [FILES_PER_REPO]
#
# Environment: BENCH_CACHE_DIR (default: a temporary folder, removed at the
# end; an existing folder is reused as is, to skip the ~10 s build).
set -euo pipefail
cd "$(dirname "$0")/.."
repos=${1:-200}
files=${2:-500}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=${BENCH_CACHE_DIR:-$work/hub}

go build -o "$work/hf" ./cmd/hf
if [ ! -d "$dir" ]; then
  echo "building a cache of $repos repos x $files files in $dir ..." >&2
  go run ./bench/cachegen -dir "$dir" -repos "$repos" -files "$files"
fi
# Warm the dentry/inode caches once, as a user's second `hf cache ls` would.
HF_HUB_CACHE="$dir" "$work/hf" cache ls >/dev/null

# Wall time is what users feel; CPU time (user+sys) does not depend on what
# else the machine is doing, so both are reported.
timer=(/usr/bin/env time -f '%e %U %S')
if ! /usr/bin/env time -f '%e' true >/dev/null 2>&1; then
  echo "GNU time not found: install it (apt-get install time) for CPU times" >&2
  exit 1
fi
times=(); cpus=()
for _ in 1 2 3 4 5; do
  out=$( { "${timer[@]}" env HF_HUB_CACHE="$dir" "$work/hf" cache ls >/dev/null; } 2>&1 | tail -1)
  read -r wall user sys <<<"$out"
  times+=("$(awk -v w="$wall" 'BEGIN{printf "%d", w*1000}')")
  cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%d", (u+s)*1000}')")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
echo "hf cache ls: $repos repos, $((repos * files)) files: wall ${times[*]} ms (median $(median "${times[@]}") ms); cpu ${cpus[*]} ms (median $(median "${cpus[@]}") ms); load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
