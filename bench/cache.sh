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

times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  HF_HUB_CACHE="$dir" "$work/hf" cache ls >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "hf cache ls: $repos repos, $((repos * files)) files: runs ${times[*]} ms; median ${sorted[2]} ms"
