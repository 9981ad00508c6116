#!/usr/bin/env bash
# Dashboard and open-data benchmark, on a release build of `laksana serve` whose store holds REPORTS
# synthetic reports (a year of a city's history):
#   - GET /api/v1/jurisdictions/{j}/stats and GET /dashboard/{j}, the whole jurisdiction:
#       cold: COLD requests one after another, each a filter not asked before (a different first day),
#             so every one computes its figures from the database;
#       warm: wrk for DURATION seconds at every count of CONNECTIONS on the unfiltered figures, which a
#             server computes at most once a minute;
#     beside the raw limit measured in the same run: the database alone answering the one GROUP BY
#     the figures need most (sqlite3 or psql, no server in between);
#   - GET …/reports.csv, all of it and a tenth of it: seconds, size, and the server's resident memory
#     sampled every 50 ms during the export, against what it held before (memory must not grow with
#     the export's size).
#
# Env: SEEDED=1 (with DATABASE_URL: measure a database a previous run seeded), REPORTS (default 1000000), DURATION (s, default 20), CONNECTIONS (default "1 4"), COLD (default
#      15), DATABASE_URL (an empty PostgreSQL database; default a SQLite file), LAKSANA_BIN,
#      TICKER_WAIT (s, default 300), THREADS (default 2), READY_TIMEOUT (s, default 60), KEEP_TMP=1.
# See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

REPORTS="${REPORTS:-1000000}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-1 4}"
COLD="${COLD:-15}"
THREADS="${THREADS:-2}"
J="tangerangkota.go.id"

install_bench_traps
ensure_cmd curl
ensure_cmd wrk
ensure_cmd python3
build_release
make_workdir

if [[ -n "${SEEDED:-}" ]]; then
    log "SEEDED is set: measuring the reports already in $DATABASE_URL"
else
    log "seeding demo data (laksana seed --demo)"
    laksana seed --demo
    log "seeding $REPORTS synthetic reports (laksana seed --synthetic $REPORTS)"
    laksana seed --synthetic "$REPORTS" >/dev/null
fi

export RUST_LOG="${RUST_LOG:-warn,laksana_jobs=info}"
start_server
wait_for_ticker_pass "${TICKER_WAIT:-300}"

received="$(curl -fsS "$BASE_URL/api/v1/jurisdictions/$J/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["received"] + s["rahasia"])')"
log "the figures cover $received reports"
(( received >= REPORTS )) || die "the figures cover fewer reports than were seeded"

# The raw limit: the database alone, one GROUP BY over the jurisdiction's reports.
RAW_SQL="SELECT status, agency_id, district_id, COUNT(*), SUM(CASE WHEN resolved_on_time THEN 1 ELSE 0 END) FROM reports WHERE jurisdiction_id = '$J' GROUP BY status, agency_id, district_id"
raw_ms() {
    if [[ -n "${DATABASE_URL:-}" ]]; then
        ensure_cmd psql
        psql -X -q "$DATABASE_URL" -c '\timing on' -c "$RAW_SQL" | awk '/^Time:/ {print $2}' | tail -n1
    else
        ensure_cmd sqlite3
        python3 - "$DATA_DIR/laksana.db" "$RAW_SQL" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
t = time.perf_counter(); db.execute(sys.argv[2]).fetchall(); print(f"{(time.perf_counter() - t) * 1000:.1f}")
PY
    fi
}
raw1="$(raw_ms)"; raw2="$(raw_ms)"
log "raw GROUP BY: $raw1 ms, then $raw2 ms"

summary=()
cold() {
    local name="$1" path="$2" first="$3" i out times=()
    for i in $(seq 1 "$COLD"); do
        # A first day not asked before (by either endpoint): a filter no cache holds.
        out="$(curl -fsS -o /dev/null -w '%{time_total}' "$BASE_URL$path?from=$(date -d "$first + $i days" +%F)")"
        times+=("$out")
    done
    summary+=("$name, cold ($COLD filters never asked before): $(printf '%s\n' "${times[@]}" | python3 -c '
import sys
xs = sorted(float(x) * 1000 for x in sys.stdin)
def p(q):
    h = q * (len(xs) - 1); lo = int(h); hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])
print(f"p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")')")
}
warm() {
    curl -fsS -o /dev/null "$2"
    wrk_get "$1, warm" ", ${DURATION}s" "$2"
}
log "stats API and dashboard page, cold"
cold "stats API" "/api/v1/jurisdictions/$J/stats" 2020-01-01
cold "dashboard page" "/dashboard/$J" 2021-01-01
log "stats API and dashboard page, warm"
warm "stats API" "$BASE_URL/api/v1/jurisdictions/$J/stats"
warm "dashboard page" "$BASE_URL/dashboard/$J"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
export_run() {
    local name="$1" query="$2" before peak=0 now pid start secs bytes rows
    before="$(rss_kb)"
    start="$(date +%s.%N)"
    curl -fsS -o "$WORK_DIR/export.csv" "$BASE_URL/api/v1/jurisdictions/$J/reports.csv$query" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        now="$(rss_kb)"; (( now > peak )) && peak=$now
        sleep 0.05
    done
    wait "$pid" || die "the export failed"
    secs="$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")"
    bytes="$(stat -c %s "$WORK_DIR/export.csv")"
    rows="$(( $(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=''))))" "$WORK_DIR/export.csv") - 1 ))"
    rm -f "$WORK_DIR/export.csv"
    summary+=("CSV export, $name: $rows reports, $(( bytes / 1024 / 1024 )) MB in $secs s; server resident $(( before / 1024 )) MB before, $(( peak / 1024 )) MB at most during it")
}
log "CSV exports"
# A tenth of the history: the last five weeks (synthetic reports crowd towards today).
export_run "the last five weeks" "?from=$(date -d '-35 days' +%F)"
export_run "everything" ""

echo
printf '%s\n' "${summary[@]}"
echo "raw limit, the database alone: one GROUP BY over the jurisdiction's reports, $raw1 ms then $raw2 ms"
echo "dashboard: $REPORTS synthetic reports${DATABASE_URL:+ on postgresql}"
