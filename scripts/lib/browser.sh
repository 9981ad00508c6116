# Shared by scripts/browser-tests and scripts/screenshots (sourced, not run): Debian's chromium and the
# pinned npm packages of tests/browser, and a throwaway `laksana serve --demo`.
# shellcheck shell=bash

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs chromium (Debian's) and the npm packages of tests/browser when missing; never a browser download.
ensure_browser() {
    if ! command -v chromium >/dev/null 2>&1; then
        [[ "$(id -u)" -eq 0 ]] || die "chromium is missing; install Debian's chromium package and re-run"
        log "installing Debian's chromium with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
    fi
    command -v node >/dev/null 2>&1 || die "node is missing; install Node.js and npm"
    # npm ci only when the installed packages are not those of the lock file.
    if ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.laksana-lock 2>/dev/null; then
        log "installing the browser tests' npm packages (npm ci)"
        (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
        cp tests/browser/package-lock.json tests/browser/node_modules/.laksana-lock
    fi
}

# The binary to run: $LAKSANA_BIN, else a debug build made now.
laksana_bin() {
    if [[ -n "${LAKSANA_BIN:-}" ]]; then
        printf '%s\n' "$LAKSANA_BIN"
    else
        log "building the laksana binary (cargo build --bin laksana)"
        cargo build --quiet --bin laksana
        printf '%s\n' target/debug/laksana
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_demo BIN DATA_DIR DATABASE_URL: serves the demo on a free port; sets DEMO_PID and DEMO_URL.
# An empty DATABASE_URL is the data directory's own SQLite file. Map tiles come from a port nothing
# listens on: the pages must work when tiles cannot load, and nothing is fetched from outside.
start_demo() {
    local bin="$1" data="$2" url="$3" port i
    port="$(free_port)"
    mkdir -p "$data"
    if [[ -n "$url" ]]; then export LAKSANA__DATABASE__URL="$url"; else unset LAKSANA__DATABASE__URL; fi
    LAKSANA__DATA_DIR="$data" LAKSANA__SERVER__BIND="127.0.0.1:$port" \
    LAKSANA__SERVER__MAP_TILES_URL="http://127.0.0.1:9/{z}/{x}/{y}.png" RUST_LOG=warn \
        "$bin" serve --demo >"$data/server.log" 2>&1 &
    DEMO_PID=$!
    DEMO_URL="http://127.0.0.1:$port"
    for i in $(seq 1 240); do
        curl -fsS "$DEMO_URL/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$DEMO_PID" 2>/dev/null || { cat "$data/server.log" >&2; die "the server did not start"; }
        sleep 0.5
    done
    die "the server did not answer within 2 minutes (log: $data/server.log)"
}

stop_demo() {
    if [[ -n "${DEMO_PID:-}" ]]; then
        kill "$DEMO_PID" 2>/dev/null || true
        wait "$DEMO_PID" 2>/dev/null || true
        DEMO_PID=""
    fi
}
