#!/usr/bin/env bash
# Query benchmark: latency of the Open311 list endpoint
# (GET /open311/v2/requests.json?jurisdiction_id=...&status=open) on a release
# build of `laksana serve` whose store holds REPORTS synthetic reports.
#
# Env: REPORTS (default 1000000), DURATION (s, default 20), CONNECTIONS
#      (space-separated list, one wrk run each, default "1 4"), LAKSANA_BIN (a binary to measure),
#      TICKER_WAIT (s to wait for the first deadline-ticker pass before measuring, default 300), THREADS (default 2), EXPECT_COUNT (reports the endpoint
#      should return, default 1000), READY_TIMEOUT (s, default 60), KEEP_TMP=1.
# See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

REPORTS="${REPORTS:-1000000}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-1 4}"
summary=()
THREADS="${THREADS:-2}"
EXPECT_COUNT="${EXPECT_COUNT:-1000}"
QUERY_PATH="/open311/v2/requests.json?jurisdiction_id=tangerangkota.go.id&status=open"

install_bench_traps
ensure_cmd curl
ensure_cmd wrk
ensure_cmd python3
build_release
make_workdir

log "seeding demo data (laksana seed --demo)"
laksana seed --demo

log "seeding $REPORTS synthetic reports (laksana seed --synthetic $REPORTS)"
seed_start=$SECONDS
laksana seed --synthetic "$REPORTS"
log "synthetic seed took $(( SECONDS - seed_start ))s"

# The first deadline-ticker pass at start handles every due report of the seeded history (on
# 1,000,000 synthetic reports, some 200,000 escalations and time-outs): measuring while it runs measures
# the ticker. Wait (bounded) for it to log its pass; the server logs nothing else below warn.
export RUST_LOG="${RUST_LOG:-warn,laksana_jobs=info}"
start_server
wait_for_ticker_pass "${TICKER_WAIT:-300}"
URL="$BASE_URL$QUERY_PATH"

# Warm up caches (SQLite page cache, prepared statements) before measuring.
log "warming up (5 requests)"
for _ in 1 2 3 4 5; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$URL" || true)"
    if [[ "$code" != 200 ]]; then
        curl -s --max-time 60 "$URL" | head -c 2000 >&2 || true
        echo >&2
        die "GET $QUERY_PATH returned HTTP ${code:-none} (expected 200)"
    fi
done

# Prove the endpoint returns a full page of reports, not an empty list.
count="$(curl -fsS --max-time 60 "$URL" \
    | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
log "GET $QUERY_PATH returned $count reports"

# One client shows the latency of a request on an idle server; several show it under load (on two
# cores, wrk itself takes a share of the CPU).
non2xx_total=0
for conns in $CONNECTIONS; do
    threads=$(( conns < THREADS ? conns : THREADS ))
    log "wrk: ${DURATION}s, $conns connections, $threads threads, GET $URL"
    wrk_out="$WORK_DIR/wrk-$conns.out"
    wrk_rc=0
    wrk -t "$threads" -c "$conns" -d "${DURATION}s" --timeout 10s --latency "$URL" \
        >"$wrk_out" 2>&1 || wrk_rc=$?
    cat "$wrk_out"
    [[ "$wrk_rc" -eq 0 ]] || die "wrk failed (exit $wrk_rc)"
    check_server_alive

    # Pull the numbers out of wrk's --latency report.
    p50="$(awk '/Latency Distribution/ {d = 1} d && $1 == "50%" {print $2; exit}' "$wrk_out")"
    p99="$(awk '/Latency Distribution/ {d = 1} d && $1 == "99%" {print $2; exit}' "$wrk_out")"
    rps="$(awk '$1 == "Requests/sec:" {printf "%.0f\n", $2}' "$wrk_out")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$wrk_out")"
    socket_errors="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$wrk_out")"
    [[ -n "$p50" && -n "$p99" && -n "$rps" ]] || die "could not parse wrk's output"
    non2xx_total=$(( non2xx_total + ${non2xx:-0} + ${socket_errors:-0} ))
    summary+=("query ($conns connections): p50 $(wrk_to_ms "$p50") ms, p99 $(wrk_to_ms "$p99") ms, $rps req/s")
done

echo
printf '%s\n' "${summary[@]}"
echo "query: one-off GET returned $count reports (expected $EXPECT_COUNT) from $REPORTS synthetic reports"
# What the server holds after the runs, and the most it held.
if [[ -r "/proc/$SERVER_PID/status" ]]; then
    echo "server memory: $(awk '/^VmRSS/ {printf "%d MB resident", $2 / 1024}' "/proc/$SERVER_PID/status") now, $(awk '/^VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$SERVER_PID/status") at most"
fi

failed=0
if [[ "$count" != "$EXPECT_COUNT" ]]; then
    log "WARNING: expected $EXPECT_COUNT reports in the response, got $count"
    failed=1
fi
if [[ "$non2xx_total" != 0 ]]; then
    log "WARNING: $non2xx_total non-2xx responses or socket errors during the runs"
    failed=1
fi
[[ "$failed" -eq 0 ]] || die "the run had problems; the result above is not valid"
