#!/usr/bin/env bash
# s3-up.sh — start (or stop) a SeaweedFS S3-compatible server on loopback for
# the S3 tests of objstore/ and server/ (mirror over S3).
#
#   scripts/s3-up.sh          install weed if missing, start it, wait for S3,
#                             print the environment the tests read
#   scripts/s3-up.sh down     stop the server started by this script
#
# Use:   eval "$(scripts/s3-up.sh)" && go test ./objstore/ ./server/ ; scripts/s3-up.sh down
#
# Environment (all optional):
#   HFHUB_S3_DIR   data + pid folder          (default: ${TMPDIR:-/tmp}/hfhub-s3)
#   HFHUB_S3_PORT  S3 port on 127.0.0.1       (default: 8333; master, volume and
#                  filer use PORT+1000, PORT+2000, PORT+3000 and +10000 for gRPC)
#   WEED           path of the weed binary    (default: weed on PATH or $(go env GOPATH)/bin/weed)
set -euo pipefail

# The one release of SeaweedFS the module proxy serves here.
WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
DIR=${HFHUB_S3_DIR:-${TMPDIR:-/tmp}/hfhub-s3}
PORT=${HFHUB_S3_PORT:-8333}
PIDFILE=$DIR/weed.pid

log() { echo "s3-up: $*" >&2; }

if [[ ${1:-up} == down ]]; then
	if [[ -f $PIDFILE ]]; then
		pid=$(cat "$PIDFILE")
		if kill "$pid" 2>/dev/null; then
			# weed takes a while to stop its master, volume and filer: wait,
			# then insist, so the ports are free for the next run.
			for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
			kill -9 "$pid" 2>/dev/null || true
			log "stopped weed (pid $pid)"
		else
			log "weed (pid $pid) was not running"
		fi
		rm -f "$PIDFILE"
	else
		log "nothing to stop ($PIDFILE missing)"
	fi
	exit 0
fi

find_weed() {
	if [[ -n ${WEED:-} && -x $WEED ]]; then echo "$WEED"; return; fi
	if command -v weed >/dev/null 2>&1; then command -v weed; return; fi
	local gobin
	gobin=$(go env GOBIN)
	[[ -z $gobin ]] && gobin=$(go env GOPATH)/bin
	if [[ -x $gobin/weed ]]; then echo "$gobin/weed"; return; fi
	# `go install pkg@version` refuses modules with replace directives, so
	# build inside the downloaded module instead.
	log "building weed $WEED_VERSION (several minutes, once)..."
	local src
	src=$(go mod download -json "github.com/seaweedfs/seaweedfs@$WEED_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
	[[ -d $src ]] || { log "cannot download github.com/seaweedfs/seaweedfs@$WEED_VERSION"; exit 1; }
	mkdir -p "$gobin"
	(cd "$src" && go build -o "$gobin/weed" ./weed) >&2
	echo "$gobin/weed"
}

s3_ready() { curl -s -o /dev/null -m 2 "http://127.0.0.1:$PORT/" ; }

print_env() {
	echo "export HFHUB_TEST_S3_ENDPOINT=127.0.0.1:$PORT"
	echo "export HFHUB_TEST_S3_BUCKET=hfhub-test"
}

mkdir -p "$DIR/data"
if [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && s3_ready; then
	log "already running (pid $(cat "$PIDFILE"))"
	print_env
	exit 0
fi
WEED_BIN=$(find_weed)
log "starting $WEED_BIN on 127.0.0.1:$PORT (data in $DIR/data, log in $DIR/weed.log)"
nohup "$WEED_BIN" server -dir="$DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
	-master.port=$((PORT + 1000)) -volume.port=$((PORT + 2000)) -filer.port=$((PORT + 3000)) \
	-master.volumeSizeLimitMB=256 -volume.max=32 \
	-s3 -s3.port="$PORT" >"$DIR/weed.log" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 120); do
	if s3_ready; then
		log "S3 ready at http://127.0.0.1:$PORT"
		print_env
		exit 0
	fi
	if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
		log "weed exited; see $DIR/weed.log:"; tail -20 "$DIR/weed.log" >&2; exit 1
	fi
	sleep 0.5
done
log "S3 did not answer within 60s; see $DIR/weed.log"
exit 1
