# shellcheck shell=bash
# Shared helpers for bench/*.sh (sourced, not run). Everything here binds to and
# talks to loopback only: the benchmarks must never expose the server.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# rustup installs into ~/.cargo/bin, which non-login shells may not have on PATH.
if [[ -d "${HOME:-}/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
    PATH="$HOME/.cargo/bin:$PATH"
fi

# Install missing tools with apt-get (Debian/Ubuntu), never prompting.
ensure_cmd() {
    local cmd="$1" pkg="${2:-$1}"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    [[ "$(id -u)" -eq 0 ]] || die "$cmd not found; install package $pkg and re-run"
    command -v apt-get >/dev/null 2>&1 || die "$cmd not found and no apt-get; install $pkg and re-run"
    log "installing $pkg with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" </dev/null
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd still not found after installing $pkg"
}

# Release build: benchmarks of a debug build mean nothing. LAKSANA_BIN=path measures that binary
# instead (e.g. an older version, for a before/after comparison in one session).
build_release() {
    if [[ -n "${LAKSANA_BIN:-}" ]]; then
        [[ -x "$LAKSANA_BIN" ]] || die "LAKSANA_BIN=$LAKSANA_BIN is not an executable"
        log "measuring $LAKSANA_BIN (LAKSANA_BIN)"
        return
    fi
    command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust (https://rustup.rs) first"
    log "building release binary (cargo build --release)"
    cargo build --release
    LAKSANA_BIN="${CARGO_TARGET_DIR:-target}/release/laksana"
    [[ -x "$LAKSANA_BIN" ]] || die "$LAKSANA_BIN not found after the build"
}

# DATABASE_URL=postgres://… runs the server on that (empty, throwaway) PostgreSQL database instead
# of a SQLite file in the scratch directory.
database_env() {
    if [[ -n "${DATABASE_URL:-}" ]]; then
        printf 'LAKSANA__DATABASE__URL=%s\n' "$DATABASE_URL"
    fi
}

# $1 (a postgres:// URL) with its database replaced by $2.
pg_url_with_db() {
    local url="$1" db="$2" base query=""
    base="${url%%\?*}"
    [[ "$url" == *\?* ]] && query="?${url#*\?}"
    printf '%s/%s%s\n' "${base%/*}" "$db" "$query"
}

# The CPU time (in clock ticks) the whole machine spent busy so far, and that of process $1.
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# The raw limit for durable writes on this disk, measured now: one-row transactions on a WAL SQLite
# file with synchronous=FULL, for $1 seconds (default 5), in the benchmark's own scratch directory (the
# disk the server writes to). Prints commits per second.
raw_commit_limit() {
    ensure_cmd python3
    python3 - "${1:-5}" "${WORK_DIR:-/var/tmp}" <<'PY'
import os, sqlite3, sys, tempfile, time
secs = float(sys.argv[1])
with tempfile.TemporaryDirectory(dir=sys.argv[2]) as d:
    db = sqlite3.connect(os.path.join(d, "loop.db"), isolation_level=None)
    db.execute("pragma journal_mode=wal")
    db.execute("pragma synchronous=full")
    db.execute("create table r (id integer primary key, description text, lat real, lon real, at integer)")
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < secs:
        db.execute("begin immediate")
        db.execute("insert into r (description, lat, lon, at) values (?,?,?,?)", ("Jalan berlubang di depan pasar " * 4, -6.17, 106.63, n))
        db.execute("commit")
        n += 1
    print(int(n / (time.perf_counter() - t0)))
PY
}

# Scratch space: data dir for the server plus its log. Removed at exit unless KEEP_TMP=1.
make_workdir() {
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/laksana-bench.XXXXXX")"
    DATA_DIR="$WORK_DIR/data"
    SERVER_LOG="$WORK_DIR/server.log"
    mkdir -p "$DATA_DIR"
    log "data dir: $DATA_DIR"
}

# Run the laksana CLI against the benchmark's data dir (and DATABASE_URL, when set).
laksana() {
    env LAKSANA__DATA_DIR="$DATA_DIR" $(database_env) "$LAKSANA_BIN" "$@"
}

# Print a TCP port on 127.0.0.1 that is free right now.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local p _
    for _ in $(seq 1 200); do
        p=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            printf '%s\n' "$p"; return
        fi
    done
    die "no free TCP port found"
}

show_server_log() {
    if [[ "${SERVER_LOG_SHOWN:-0}" != 1 && -n "${SERVER_LOG:-}" && -s "$SERVER_LOG" ]]; then
        SERVER_LOG_SHOWN=1
        printf -- '--- last 50 lines of the server log (%s) ---\n' "$SERVER_LOG" >&2
        tail -n 50 "$SERVER_LOG" >&2 || true
        printf -- '--- end of server log ---\n' >&2
    fi
}

# Die (with the log) if the server process has gone away.
check_server_alive() {
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        local rc=0
        wait "$SERVER_PID" 2>/dev/null || rc=$?
        SERVER_PID=""
        show_server_log
        die "the server exited unexpectedly (exit $rc)"
    fi
}

# Start `laksana serve` on a free loopback port and wait (bounded) for /readyz = 200.
start_server() {
    SERVER_PORT="$(free_port)"
    BASE_URL="http://127.0.0.1:$SERVER_PORT"
    log "starting laksana serve on $BASE_URL (log: $SERVER_LOG)"
    # Per-request logging would measure the logger, not the server: default to warn.
    env RUST_LOG="${RUST_LOG:-warn}" \
        LAKSANA__DATA_DIR="$DATA_DIR" \
        LAKSANA__SERVER__BIND="127.0.0.1:$SERVER_PORT" \
        $(database_env) \
        "$LAKSANA_BIN" serve >"$SERVER_LOG" 2>&1 </dev/null &
    SERVER_PID=$!

    local timeout="${READY_TIMEOUT:-60}" deadline code
    deadline=$(( SECONDS + timeout ))
    while :; do
        check_server_alive
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE_URL/readyz" || true)"
        [[ "$code" == 200 ]] && break
        if (( SECONDS >= deadline )); then
            show_server_log
            die "server not ready after ${timeout}s (last GET /readyz status: ${code:-none})"
        fi
        sleep 0.2
    done
    log "server ready (pid $SERVER_PID)"
}

# Waits (at most $1 seconds) until the server logs its first deadline-ticker pass: on a synthetic
# history the first pass handles hundreds of thousands of due reports and would be measured too.
# The server must run with RUST_LOG including laksana_jobs=info.
wait_for_ticker_pass() {
    local limit="$1" deadline
    (( limit > 0 )) || return 0
    log "waiting up to ${limit}s for the first ticker pass to finish"
    deadline=$(( SECONDS + limit ))
    until grep -q "ticker pass" "$SERVER_LOG" 2>/dev/null; do
        check_server_alive
        if (( SECONDS >= deadline )); then
            log "no ticker pass logged (nothing due, or still running); measuring anyway"
            return 0
        fi
        sleep 1
    done
}

stop_server() {
    [[ -n "${SERVER_PID:-}" ]] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        log "stopping server (pid $SERVER_PID)"
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        # Give graceful shutdown 10 s, then force it.
        local _
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server ignored SIGTERM for 10 s; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# EXIT trap: stop the server, show its log on failure, remove scratch space.
bench_cleanup() {
    local rc=$?
    trap - EXIT
    stop_server
    if [[ "$rc" -ne 0 ]]; then show_server_log; fi
    if [[ -n "${WORK_DIR:-}" && -d "$WORK_DIR" ]]; then
        if [[ "${KEEP_TMP:-0}" == 1 ]]; then
            log "keeping $WORK_DIR (KEEP_TMP=1)"
        else
            rm -rf "$WORK_DIR"
        fi
    fi
    exit "$rc"
}

install_bench_traps() {
    SERVER_PID=""
    WORK_DIR=""
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# GET $3 with wrk for $DURATION s at each connection count of $CONNECTIONS (at most $THREADS threads),
# passing wrk any further arguments (e.g. -H "Cookie: …"). Appends "$1 (N connections$2): p50 X ms,
# p99 Y ms, R req/s" to the caller's `summary` array; dies on a failed run or a non-2xx answer.
wrk_get() {
    local label="$1" detail="$2" url="$3" conns threads out p50 p99 rps bad
    shift 3
    for conns in $CONNECTIONS; do
        threads=$(( conns < THREADS ? conns : THREADS ))
        out="$WORK_DIR/wrk-$conns.out"
        log "wrk: ${DURATION}s, $conns connections, GET $url"
        wrk -t "$threads" -c "$conns" -d "${DURATION}s" --timeout 10s --latency "$@" "$url" >"$out" 2>&1 \
            || die "wrk failed"
        check_server_alive
        p50="$(awk '/Latency Distribution/ {d = 1} d && $1 == "50%" {print $2; exit}' "$out")"
        p99="$(awk '/Latency Distribution/ {d = 1} d && $1 == "99%" {print $2; exit}' "$out")"
        rps="$(awk '$1 == "Requests/sec:" {printf "%.0f\n", $2}' "$out")"
        bad="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
        [[ -z "$bad" ]] || die "$bad non-2xx answers from $url"
        summary+=("$label ($conns connections$detail): p50 $(wrk_to_ms "$p50") ms, p99 $(wrk_to_ms "$p99") ms, $rps req/s")
    done
}

# Convert a wrk latency like 812.00us / 1.23ms / 2.01s / 1.50m to milliseconds.
wrk_to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000
        printf "%.2f\n", n
    }'
}
