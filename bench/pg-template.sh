#!/usr/bin/env bash
# Prepares a PostgreSQL database at a city's scale for benchmarks to copy (`PG_TEMPLATE=` in
# bench/intake.sh): the demo data plus REPORTS synthetic reports, after the server's first start has
# migrated it and its first deadline-ticker pass has handled the synthetic history, with the job
# queue that pass left (notices to nobody) emptied and the tables vacuumed. A copy of it is the
# steady state of a busy city, without the minutes of seeding per run, and the same for every build
# measured against it.
#
# Usage: ADMIN_URL=postgres://USER@HOST:PORT/postgres bench/pg-template.sh NAME
# Env: REPORTS (default 1000000), LAKSANA_BIN (a binary to prepare it with: its schema is the one a
#      copy has, so an older build needs a template of its own), TICKER_WAIT (s, default 900).
# See bench/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

NAME="${1:?usage: ADMIN_URL=postgres://…/postgres bench/pg-template.sh NAME}"
[[ "$NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "NAME must be a plain lower-case identifier"
ADMIN_URL="${ADMIN_URL:?set ADMIN_URL to a PostgreSQL URL that may create databases}"
REPORTS="${REPORTS:-1000000}"

install_bench_traps
ensure_cmd psql postgresql-client
ensure_cmd curl
build_release
make_workdir

psql -X -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $NAME" -c "CREATE DATABASE $NAME"
DATABASE_URL="$(pg_url_with_db "$ADMIN_URL" "$NAME")"
export DATABASE_URL

log "seeding the demo and $REPORTS synthetic reports into $NAME"
laksana seed --demo
laksana seed --synthetic "$REPORTS" >/dev/null

export RUST_LOG="warn,laksana_jobs=info"
start_server
wait_for_ticker_pass "${TICKER_WAIT:-900}"
stop_server

log "emptying the job queue and vacuuming"
psql -X -q "$DATABASE_URL" -c "DELETE FROM jobs" -c "VACUUM ANALYZE"
psql -X -At "$DATABASE_URL" -c "SELECT 'template $NAME: ' || COUNT(*) || ' reports, ' || pg_size_pretty(pg_database_size(current_database())) FROM reports"
