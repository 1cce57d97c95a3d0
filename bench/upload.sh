#!/usr/bin/env bash
# bench/upload.sh: upload one big file (default 2 GiB of random bytes) with
# hfhub's UploadFile to an in-process test Hub over loopback, and print the
# time and the peak memory (VmHWM of the process, client and server
# together, and the peak Go heap). Needs about 3x SIZE of free disk in TMPDIR.
#
#   bench/upload.sh [SIZE]      # e.g. 2GiB (default), 512MiB
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/uploadmem -size "${1:-2GiB}"
