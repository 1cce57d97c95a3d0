# Shared helpers for interop/run.sh and interop/python/run.sh (sourced, not run).
#
# interop_build TMP            builds TMP/hf and TMP/interop-fixtures
# interop_start_hf_serve TMP   writes the fixture folders, starts
#                              `hf serve --import ...` on 127.0.0.1:0 and sets
#                              INTEROP_URL, INTEROP_MANIFEST and INTEROP_PID
#                              (INTEROP_SERVE_ARGS adds flags, e.g. --xet)
# interop_start_fixtures TMP   starts `interop-fixtures serve` (hubtest with
#                              every fixture, tags, branches, private, gated)
#                              and sets the same three variables
# interop_stop                 stops the server started last (by its pid)

interop_build() {
  local tmp="$1"
  go build -o "$tmp/hf" ./cmd/hf
  go build -o "$tmp/interop-fixtures" ./interop/cmd/interop-fixtures
}

# interop_probe URL: true when URL answers 2xx.
interop_probe() {
  if command -v node >/dev/null 2>&1; then
    node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
  elif command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null "$1" 2>/dev/null
  else
    /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1])' "$1" 2>/dev/null
  fi
}

# interop_wait_url LOG PROBE_PATH: waits up to 30 s for a loopback URL in LOG
# that answers PROBE_PATH, and sets INTEROP_URL.
interop_wait_url() {
  local log="$1" probe="$2" url=""
  for _ in $(seq 1 300); do
    if ! kill -0 "$INTEROP_PID" 2>/dev/null; then
      echo "interop: FAILED: the server exited early; its output:" >&2
      cat "$log" >&2
      INTEROP_PID=""
      return 1
    fi
    url="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | head -n1 || true)"
    if [ -n "$url" ] && interop_probe "$url$probe"; then
      INTEROP_URL="$url"
      return 0
    fi
    sleep 0.1
  done
  echo "interop: FAILED: the server printed no URL or did not answer $probe within 30 s; its output:" >&2
  cat "$log" >&2
  return 1
}

interop_start_hf_serve() {
  local tmp="$1" im
  local -a imports args
  INTEROP_MANIFEST="$tmp/serve-manifest.json"
  mapfile -t imports < <("$tmp/interop-fixtures" folders -dir "$tmp/fixtures" -manifest "$INTEROP_MANIFEST")
  args=(serve --dir "$tmp/store" --addr 127.0.0.1:0)
  # shellcheck disable=SC2206 # INTEROP_SERVE_ARGS (e.g. --xet) is a word list
  args+=(${INTEROP_SERVE_ARGS:-})
  for im in "${imports[@]}"; do args+=(--import "$im"); done
  echo "interop: starting hf ${args[*]}"
  "$tmp/hf" "${args[@]}" >"$tmp/serve.log" 2>&1 &
  INTEROP_PID=$!
  INTEROP_LOG="$tmp/serve.log"
  interop_wait_url "$tmp/serve.log" /api/models/interop/tiny-model
}

interop_start_fixtures() {
  local tmp="$1"
  INTEROP_MANIFEST="$tmp/hubtest-manifest.json"
  "$tmp/interop-fixtures" serve -addr 127.0.0.1:0 -manifest "$INTEROP_MANIFEST" >"$tmp/fixtures.log" 2>&1 &
  INTEROP_PID=$!
  INTEROP_LOG="$tmp/fixtures.log"
  interop_wait_url "$tmp/fixtures.log" /api/models/interop/tiny-model || return 1
  # The manifest is written (atomically) before the URL is printed.
  [ -s "$INTEROP_MANIFEST" ] || { echo "interop: FAILED: no manifest from interop-fixtures" >&2; return 1; }
}

interop_stop() {
  if [ -n "${INTEROP_PID:-}" ] && kill -0 "$INTEROP_PID" 2>/dev/null; then
    kill -TERM "$INTEROP_PID" 2>/dev/null || true
    wait "$INTEROP_PID" 2>/dev/null || true
  fi
  INTEROP_PID=""
}
