#!/usr/bin/env bash
# Pages benchmark: the two page reads that grow with a city's history, on a release build of
# `laksana serve` whose store holds REPORTS synthetic reports:
#   - the home page map's points: GET /j/{jurisdiction}/peta.json?bbox=… (public reports of the last
#     90 days inside the box, at most 500);
#   - the operator's work queue: GET /staf/{jurisdiction} (open reports by deadline, counts per
#     status), signed in as the demo operator.
# Each is measured with wrk at every count of CONNECTIONS; p50 and p99 are printed.
#
# Env: REPORTS (default 1000000), DURATION (s, default 20), CONNECTIONS (default "1 4"),
#      DATABASE_URL (an empty PostgreSQL database; default a SQLite file), LAKSANA_BIN,
#      TICKER_WAIT (s, default 300), THREADS (default 2), READY_TIMEOUT (s, default 60), KEEP_TMP=1.
# See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

REPORTS="${REPORTS:-1000000}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-1 4}"
THREADS="${THREADS:-2}"
J="tangerangkota.go.id"
# Kota Tangerang and its surroundings, west,south,east,north.
BBOX="106.55,-6.30,106.75,-6.10"

install_bench_traps
ensure_cmd curl
ensure_cmd wrk
build_release
make_workdir

log "seeding demo data (laksana seed --demo)"
laksana seed --demo
log "seeding $REPORTS synthetic reports (laksana seed --synthetic $REPORTS)"
laksana seed --synthetic "$REPORTS" >/dev/null

export RUST_LOG="${RUST_LOG:-warn,laksana_jobs=info}"
start_server
wait_for_ticker_pass "${TICKER_WAIT:-300}"

log "signing in as the demo operator"
cookie="$(curl -fsS -o /dev/null -D - -H "Origin: $BASE_URL" \
    --data-urlencode "email=operator@tangerangkota.demo" --data-urlencode "password=laksana-demo" \
    --data-urlencode "kembali=/staf" "$BASE_URL/masuk" | tr -d '\r' | sed -n 's/^set-cookie: \([^;]*\).*/\1/ip' | head -n1)"
[[ -n "$cookie" ]] || die "signing in as the demo operator failed"

points="$(curl -fsS "$BASE_URL/j/$J/peta.json?bbox=$BBOX" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["features"]))')"
rows="$(curl -fsS -H "Cookie: $cookie" "$BASE_URL/staf/$J" | grep -c 'href="/staf/laporan/' || true)"
log "the map returned $points points; the queue's first page has $rows reports"
[[ "$points" -gt 0 && "$rows" -gt 0 ]] || die "an endpoint returned nothing: the figures would not be valid"

summary=()
wrk_get "map points" "" "$BASE_URL/j/$J/peta.json?bbox=$BBOX" -H "Accept: application/json"
wrk_get "operator queue" "" "$BASE_URL/staf/$J" -H "Cookie: $cookie"

echo
printf '%s\n' "${summary[@]}"
echo "pages: $REPORTS synthetic reports${DATABASE_URL:+ on postgresql}; map $points points, queue page $rows reports"
