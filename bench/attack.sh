#!/usr/bin/env bash
# One attack against a release `laksana serve` with the demo data, and what an ordinary client sees
# during it (bench/attack.py): its p50/p99 and failures for reads and submissions, and the server's
# peak resident memory. The attacker runs from 127.0.0.2, the ordinary client from 127.0.0.1.
#
# Usage: bench/attack.sh KIND   (slow, login, intake, bombs, uploads or codes; see bench/attack.py)
# Env: DURATION (s, default 30), ATTACKERS (default: slow 5000, login 500, intake 32, bombs 20,
#      uploads 300, codes 64), LAKSANA_BIN, KEEP_TMP=1. See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

KIND="${1:-}"
case "$KIND" in
    slow) default=5000 ;; login) default=500 ;; intake) default=32 ;; bombs) default=20 ;; uploads) default=300 ;;
    codes) default=64 ;;
    *) die "usage: bench/attack.sh slow|login|intake|bombs|uploads|codes" ;;
esac
ATTACKERS="${ATTACKERS:-$default}"

install_bench_traps
ensure_cmd curl
ensure_cmd python3
build_release
make_workdir
log "seeding demo data (laksana seed --demo)"
laksana seed --demo >/dev/null
new_key() { laksana apikey create --jurisdiction tangerangkota.go.id --name "$1" | sed -n 's/^api_key:[[:space:]]*//p' | tail -n 1; }
API_KEY="$(new_key ordinary)"
ATTACK_KEY="$(new_key attacker)"
[[ -n "$API_KEY" && -n "$ATTACK_KEY" ]] || die "could not create the API keys"
start_server
log "baseline: the ordinary client alone for 10 s"
python3 bench/attack.py measure "$BASE_URL" "$SERVER_PID" "$API_KEY" 10 || true
log "attack: $KIND by $ATTACKERS; measuring for ${DURATION:-30} s"
# The codes attack guesses the follow-up code of a real report: the newest public one.
if [[ "$KIND" == codes ]]; then
    ATTACK_KEY="$(curl -sf --max-time 10 "$BASE_URL/open311/v2/requests.json?jurisdiction_id=tangerangkota.go.id&page_size=1" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["service_request_id"])')"
fi
python3 bench/attack.py attack "$KIND" "$BASE_URL" "$ATTACKERS" "$ATTACK_KEY" &
ATTACK_PID=$!
sleep 5
rc=0
python3 bench/attack.py measure "$BASE_URL" "$SERVER_PID" "$API_KEY" "${DURATION:-30}" || rc=$?
kill -TERM "$ATTACK_PID" 2>/dev/null || true
wait "$ATTACK_PID" || true
check_server_alive
[[ "$rc" -eq 0 ]] || die "ordinary requests failed during the attack"
