#!/usr/bin/env bash
# Intake benchmark: how many Open311 service requests per second a release build
# of `laksana serve` accepts (each one a durable write), with wrk POSTing
# form-encoded reports to /open311/v2/requests.json over loopback.
#
# Env: DURATION (s, default 20), CONNECTIONS (default 32), THREADS (default 2),
#      PRELOAD (synthetic reports stored first, default 0: e.g. 1000000 for a city's scale),
#      DATABASE_URL (an empty PostgreSQL database; default a SQLite file),
#      LAKSANA_BIN (a binary to measure instead of building one),
#      TICKER_WAIT (s to wait for the first deadline-ticker pass over the preloaded history before
#      measuring, default 0: measure while it runs), READY_TIMEOUT (s, default 60),
#      KEEP_TMP=1 to keep the data dir and log.
# See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
JURISDICTION="tangerangkota.go.id"

install_bench_traps
ensure_cmd curl
ensure_cmd wrk
build_release
make_workdir

log "seeding demo data (laksana seed --demo)"
laksana seed --demo

if [[ "${PRELOAD:-0}" -gt 0 ]]; then
    log "storing $PRELOAD synthetic reports first (laksana seed --synthetic $PRELOAD)"
    laksana seed --synthetic "$PRELOAD" >/dev/null
fi

log "creating API key (laksana apikey create)"
# The key is printed on stdout as `api_key: <KEY>` (last line); logs go to stderr.
apikey_out="$(laksana apikey create --jurisdiction "$JURISDICTION" --name bench)"
API_KEY="$(printf '%s\n' "$apikey_out" | tr -d '\r' | sed -n 's/^api_key:[[:space:]]*//p' | tail -n 1)"
API_KEY="${API_KEY%"${API_KEY##*[![:space:]]}"}"
if [[ -z "$API_KEY" ]]; then
    printf '%s\n' "$apikey_out" >&2
    die "could not find an 'api_key: <KEY>' line in the output of laksana apikey create"
fi

export RUST_LOG="${RUST_LOG:-warn,laksana_jobs=info}"
# The benchmark measures what the server can take; the flood limit of one key (600 a minute by
# default) would measure the limit instead.
export LAKSANA__SERVER__INTAKE_PER_KEY_PER_MINUTE="${LAKSANA__SERVER__INTAKE_PER_KEY_PER_MINUTE:-0}"
start_server
wait_for_ticker_pass "${TICKER_WAIT:-0}"

log "wrk: ${DURATION}s, $CONNECTIONS connections, $THREADS threads, POST $BASE_URL/open311/v2/requests.json"
wrk_out="$WORK_DIR/wrk.out"
wrk_rc=0
LAKSANA_BENCH_API_KEY="$API_KEY" \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency \
        -s bench/intake.lua "$BASE_URL/open311/v2/requests.json" >"$wrk_out" 2>&1 || wrk_rc=$?
# Show wrk's report (minus our machine-readable line).
grep -v '^BENCH ' "$wrk_out" || true
[[ "$wrk_rc" -eq 0 ]] || die "wrk failed (exit $wrk_rc)"
check_server_alive

bench_line="$(grep '^BENCH ' "$wrk_out" | tail -n 1 || true)"
[[ -n "$bench_line" ]] || die "wrk printed no BENCH line; did bench/intake.lua's done() run?"
field() { printf '%s\n' "$bench_line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

rate="$(printf '%.0f' "$(field rate)")"
p50="$(field p50_ms)"
p99="$(field p99_ms)"
non201="$(field non201)"
socket_errors="$(field socket_errors)"

raw="$(raw_commit_limit 5)"
echo
echo "intake: $rate reports/s, p50 $p50 ms, p99 $p99 ms, non-201 $non201 (${DATABASE_URL:+postgresql, }${PRELOAD:-0} reports stored before)"
echo "raw limit on this disk: $raw one-row durable SQLite commits/s; intake/raw = $(awk -v a="$rate" -v b="$raw" 'BEGIN { printf "%.2f", a / b }')"
if [[ "$socket_errors" != 0 ]]; then
    echo "intake: $socket_errors socket errors (connect/read/write/timeout)"
fi
# Errors make the rate meaningless: fail loudly rather than report a number.
if [[ "$non201" != 0 || "$socket_errors" != 0 ]]; then
    die "the run had failed requests; the result above is not valid"
fi
