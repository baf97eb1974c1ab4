#!/usr/bin/env bash
# bench/soak.sh: a bounded soak test. Starts two replicas of the API on one
# fresh database, grows a workspace with `crm seed`, then drives a mixed
# workload (reads, writes, line edits, quote create and send, PDFs) through
# both, round robin, with bench/soak (Go), and reports throughput, p50/p99,
# errors and each replica's RSS at the start and the end.
#
# Everything runs on loopback with a fixed duration; the trap stops the
# replicas and drops the database, also when a step fails.
#
# Settings (environment):
#   SOAK_SECONDS        how long to load (default 300)
#   SOAK_WORKERS        concurrent clients (default 8)
#   SOAK_REPLICAS       replicas of the API (default 2)
#   SOAK_OPPORTUNITIES  opportunities seeded before the load (default 10000)
#   SOAK_RATE_LIMIT     CRM_RATE_LIMIT_PER_MINUTE of the replicas (default 100000000: the load is one user)
#   BENCH_DATABASE_URL, BENCH_RESULTS, BENCH_BIN: as for bench/run.sh
set -euo pipefail

# shellcheck source=bench/run.sh
source "$(dirname "$0")/run.sh" # functions and settings; its main does not run

SOAK_SECONDS=${SOAK_SECONDS:-300}
SOAK_WORKERS=${SOAK_WORKERS:-8}
SOAK_REPLICAS=${SOAK_REPLICAS:-2}
SOAK_OPPORTUNITIES=${SOAK_OPPORTUNITIES:-10000}
PIDS=()
URLS=()

start_replicas() {
	KEYS="bench:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
	SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
	local i port _
	for i in $(seq 1 "$SOAK_REPLICAS"); do
		port=$(free_port)
		DATABASE_URL=$DB_URL CRM_TOKEN_KEYS=$KEYS CRM_SECRET_KEY=$SECRET CRM_ADDR=127.0.0.1:$port CRM_METRICS_ADDR=127.0.0.1:0 CRM_LOG_LEVEL=warn \
			CRM_RATE_LIMIT_PER_MINUTE=${SOAK_RATE_LIMIT:-100000000} CRM_DATA_DIR=$TMP/data$i "$TMP/crm" serve >"$TMP/crm$i.log" 2>&1 &
		PIDS+=($!)
		URLS+=("http://127.0.0.1:$port")
		log "replica $i: pid ${PIDS[-1]} on ${URLS[-1]}"
	done
	for i in "${!URLS[@]}"; do
		for _ in $(seq 1 120); do
			curl -fsS --max-time 2 "${URLS[$i]}/readyz" >/dev/null 2>&1 && continue 2
			kill -0 "${PIDS[$i]}" 2>/dev/null || { tail -n 20 "$TMP/crm$((i + 1)).log" >&2; die "replica $((i + 1)) exited"; }
			sleep 0.5
		done
		die "replica $((i + 1)) was not ready after 60 s"
	done
	BASE=${URLS[0]} # for signup, login and seed
}

stop_replicas() {
	local pid _
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
}

soak_cleanup() {
	local rc=$?
	stop_replicas
	if [ -n "$DBS_TOUCHED" ]; then
		psql_admin -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	[ -z "$TMP" ] || rm -rf "$TMP"
	exit "$rc"
}

soak_main() {
	check_db_name
	LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
	trap soak_cleanup EXIT
	trap 'exit 130' INT TERM
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/crm-soak.XXXXXX")
	need_pkg curl curl || die "curl is required"
	need_pkg psql postgresql-client || die "psql is required"
	build_server
	log "building bench/soak"
	"$GO" build -o "$TMP/soak" ./bench/soak
	log "creating database $DB_NAME"
	DBS_TOUCHED=1
	psql_admin -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME" >/dev/null
	start_replicas
	signup
	[ "$SOAK_OPPORTUNITIES" -eq 0 ] || seed "$SOAK_OPPORTUNITIES"
	log "soaking ${SOAK_SECONDS}s: $SOAK_WORKERS clients over $SOAK_REPLICAS replicas"
	local urls pids body when commit out
	urls=$(IFS=,; echo "${URLS[*]}")
	pids=$(IFS=,; echo "${PIDS[*]}")
	body=$("$TMP/soak" -urls "$urls" -pids "$pids" -duration "${SOAK_SECONDS}s" -workers "$SOAK_WORKERS")
	when=$(date -u '+%Y-%m-%d %H:%M UTC')
	commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
	out=$(printf '## Soak %s, commit %s\n\n- CPU: %s cores; load average before: %s; %s opportunities seeded\n%s\n' \
		"$when" "$commit" "$(nproc)" "$LOADAVG" "$SOAK_OPPORTUNITIES" "$body")
	printf '\n%s\n\n' "$out"
	mkdir -p "$(dirname "$RESULTS")"
	printf '%s\n\n' "$out" >>"$RESULTS"
	log "appended to ${RESULTS#"$ROOT"/}"
	for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || die "a replica died during the soak"; done
	if grep -q '"level":"ERROR"' "$TMP"/crm*.log; then
		log "the replicas logged errors:"
		grep -h '"level":"ERROR"' "$TMP"/crm*.log | head -n 5 >&2
	fi
}

soak_main "$@"
