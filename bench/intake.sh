#!/usr/bin/env bash
# Intake benchmark: how many Open311 service requests per second a release build
# of `laksana serve` accepts (each one a durable write), with wrk POSTing
# form-encoded reports to /open311/v2/requests.json over loopback.
#
# Env: DURATION (s, default 20), CONNECTIONS (default 32), THREADS (default 2),
#      PRELOAD (synthetic reports stored first, default 0: e.g. 1000000 for a city's scale),
#      DATABASE_URL (an empty PostgreSQL database; default a SQLite file),
#      PG_TEMPLATE (with DATABASE_URL: recreate that database as a copy of this one, made by
#      bench/pg-template.sh, instead of seeding; PRELOAD is then ignored),
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

if [[ -n "${PG_TEMPLATE:-}" ]]; then
    [[ -n "${DATABASE_URL:-}" ]] || die "PG_TEMPLATE needs DATABASE_URL (the database the copy replaces)"
    ensure_cmd psql postgresql-client
    target="${DATABASE_URL%%\?*}"
    target="${target##*/}"
    [[ "$target" =~ ^[a-z_][a-z0-9_]*$ && "$target" != "$PG_TEMPLATE" ]] || die "DATABASE_URL must name a plain database other than the template"
    log "copying $PG_TEMPLATE to $target"
    admin="$(pg_url_with_db "$DATABASE_URL" postgres)"
    # PostgreSQL 15 copies a database by writing every page to the WAL, whose checkpoints would then
    # run during the measurement: copy the files instead, and start from a checkpoint.
    strategy=""
    [[ "$(psql -X -At "$admin" -c 'SHOW server_version_num')" -ge 150000 ]] && strategy="STRATEGY FILE_COPY"
    psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $target" -c "CREATE DATABASE $target TEMPLATE $PG_TEMPLATE $strategy"
    psql -X -q "$admin" -c "CHECKPOINT" || log "could not run CHECKPOINT (not a superuser); measuring anyway"
    PRELOAD=0
else
    log "seeding demo data (laksana seed --demo)"
    laksana seed --demo
fi

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
busy_before="$(machine_busy_ticks)"
server_before="$(process_ticks "$SERVER_PID")"
LAKSANA_BENCH_API_KEY="$API_KEY" \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency \
        -s bench/intake.lua "$BASE_URL/open311/v2/requests.json" >"$wrk_out" 2>&1 || wrk_rc=$?
# Show wrk's report (minus our machine-readable line).
grep -v '^BENCH ' "$wrk_out" || true
[[ "$wrk_rc" -eq 0 ]] || die "wrk failed (exit $wrk_rc)"
check_server_alive
busy_ticks=$(( $(machine_busy_ticks) - busy_before ))
server_ticks=$(( $(process_ticks "$SERVER_PID") - server_before ))

bench_line="$(grep '^BENCH ' "$wrk_out" | tail -n 1 || true)"
[[ -n "$bench_line" ]] || die "wrk printed no BENCH line; did bench/intake.lua's done() run?"
field() { printf '%s\n' "$bench_line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

rate="$(printf '%.0f' "$(field rate)")"
p50="$(field p50_ms)"
p99="$(field p99_ms)"
non201="$(field non201)"
socket_errors="$(field socket_errors)"

raw="$(raw_commit_limit 5)"
stored="${PRELOAD:-0} reports stored before"
[[ -n "${PG_TEMPLATE:-}" ]] && stored="on a copy of $PG_TEMPLATE"
echo
echo "intake: $rate reports/s, p50 $p50 ms, p99 $p99 ms, non-201 $non201 (${DATABASE_URL:+postgresql, }$stored)"
# What each report cost the machine: the server, and everything else (the database, wrk, the kernel).
awk -v r="$rate" -v d="$DURATION" -v b="$busy_ticks" -v s="$server_ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    n = r * d; if (n < 1) n = 1
    printf "CPU per report: %.3f ms (server %.3f ms, the rest %.3f ms); machine busy %.0f%% of one core\n",
        b * 1000 / hz / n, s * 1000 / hz / n, (b - s) * 1000 / hz / n, b * 100 / hz / d }'
echo "raw limit on this disk: $raw one-row durable SQLite commits/s; intake/raw = $(awk -v a="$rate" -v b="$raw" 'BEGIN { printf "%.2f", a / b }')"
if [[ "$socket_errors" != 0 ]]; then
    echo "intake: $socket_errors socket errors (connect/read/write/timeout)"
fi
# Errors make the rate meaningless: fail loudly rather than report a number.
if [[ "$non201" != 0 || "$socket_errors" != 0 ]]; then
    die "the run had failed requests; the result above is not valid"
fi
