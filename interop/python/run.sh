#!/usr/bin/env bash
# Runs the official Python client (huggingface_hub) against our server, by
# hand (it is not installable in CI: see interop/README.md for the set-up).
#
#   interop/python/run.sh [--target hubtest|serve|both] [check.py options...]
#
# hubtest (default part of "both"): `interop-fixtures serve`, with tags,
#   branches, a pull request, a private and a gated repo, and tokens;
#   parts api, cache and upload.
# serve: `hf serve --import ... --tokens ... --page-size 2` with the fixture
#   folders (main only); parts api, cache, upload and methods (every public
#   HfApi method for repos, files, refs, commits, cards and users).
#
# HFHUB_PY_CLIENT names the folder that holds the huggingface_hub package
# (default /work/pyhf/src); PYTHON the interpreter (default /usr/bin/python3).
# Other options (e.g. --parts api --verbose) are passed to check.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. interop/lib.sh

target=both
if [ "${1:-}" = "--target" ]; then
  target="$2"
  shift 2
fi
src="${HFHUB_PY_CLIENT:-/work/pyhf/src}"
python="${PYTHON:-/usr/bin/python3}"
if ! PYTHONPATH="$src" "$python" -c 'import huggingface_hub' 2>/dev/null; then
  echo "interop/python: cannot import huggingface_hub from $src with $python." >&2
  echo "Set HFHUB_PY_CLIENT to the folder holding the huggingface_hub package; see interop/README.md." >&2
  exit 2
fi
export PYTHONPATH="$src"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/hfhub-interop-py.XXXXXX")"
trap 'interop_stop; rm -rf "$tmp"' EXIT
interop_build "$tmp"

status=0
if [ "$target" = hubtest ] || [ "$target" = both ]; then
  interop_start_fixtures "$tmp"
  echo "== Python client against interop-fixtures (hubtest) at $INTEROP_URL"
  "$python" interop/python/check.py --manifest "$INTEROP_MANIFEST" --endpoint "$INTEROP_URL" --hf "$tmp/hf" "$@" || status=1
  interop_stop
fi
if [ "$target" = serve ] || [ "$target" = both ]; then
  printf '%s\n' "hf_interop_write_token_000 interop write" "hf_interop_read_token_0000 interop read" "hf_interop_admin_token_000 root admin" >"$tmp/tokens"
  INTEROP_SERVE_ARGS="${INTEROP_SERVE_ARGS:-} --tokens $tmp/tokens --page-size 2" interop_start_hf_serve "$tmp"
  echo "== Python client against hf serve --page-size 2 at $INTEROP_URL"
  "$python" interop/python/check.py --manifest "$INTEROP_MANIFEST" --endpoint "$INTEROP_URL" --hf "$tmp/hf" --parts api,cache,upload,methods,collab \
    --write-token hf_interop_write_token_000 --read-token hf_interop_read_token_0000 --admin-token hf_interop_admin_token_000 "$@" || status=1
  interop_stop
fi
exit "$status"
