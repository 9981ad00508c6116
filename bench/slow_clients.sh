#!/usr/bin/env bash
# Slow and idle clients: thousands of sockets that send half a request head and then nothing (from
# 127.0.0.2), against a release `laksana serve` with the demo data, while an ordinary client (from
# 127.0.0.1) reads and submits. Prints the ordinary client's p50/p99 and failures and the server's
# peak resident memory (bench/slow_clients.py).
#
# Env: DURATION (s, default 30), ATTACKERS (sockets, default 5000), LAKSANA_BIN, KEEP_TMP=1.
# See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

install_bench_traps
ensure_cmd curl
ensure_cmd python3
build_release
make_workdir
log "seeding demo data (laksana seed --demo)"
laksana seed --demo >/dev/null
API_KEY="$(laksana apikey create --jurisdiction tangerangkota.go.id --name bench | sed -n 's/^api_key:[[:space:]]*//p' | tail -n 1)"
[[ -n "$API_KEY" ]] || die "could not create an API key"
start_server
log "baseline: the ordinary client alone for 10 s"
python3 bench/slow_clients.py measure "$BASE_URL" "$SERVER_PID" "$API_KEY" 10 || true
log "attack: ${ATTACKERS:-5000} slow clients; measuring for ${DURATION:-30} s"
python3 bench/slow_clients.py attack "$BASE_URL" "${ATTACKERS:-5000}" &
ATTACK_PID=$!
sleep 5
rc=0
python3 bench/slow_clients.py measure "$BASE_URL" "$SERVER_PID" "$API_KEY" "${DURATION:-30}" || rc=$?
kill -TERM "$ATTACK_PID"
wait "$ATTACK_PID" || true
check_server_alive
[[ "$rc" -eq 0 ]] || die "ordinary requests failed during the attack"
