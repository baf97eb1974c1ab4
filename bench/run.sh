#!/usr/bin/env bash
# bench/run.sh: load the API with wrk and PostgreSQL with pgbench on this
# machine, one after the other, and report requests/s, p50 and p99 latency
# and how the API's rate compares with the database's own select-only rate
# and with each endpoint's own statements run raw; then the goals of issue 14
# (bench/goals.sh) from the same numbers.
#
# Everything runs on loopback: a fresh database, a freshly built server on a
# free 127.0.0.1 port, wrk and pgbench with bounded durations. The trap at the
# end stops the server and drops the databases, also when a step fails.
#
# Settings (environment):
#   BENCH_SECONDS       seconds per load run (default 15)
#   BENCH_CONNECTIONS   wrk connections and pgbench clients (default 32)
#   BENCH_THREADS       wrk threads and pgbench -j (default 2)
#   BENCH_DATABASE_URL  database for the API (default postgres://postgres@127.0.0.1:5432/crm_bench?sslmode=disable);
#                       dropped and recreated, so its name must contain "bench";
#                       the pgbench database is <that name>_pgbench on the same server
#   BENCH_PGBENCH_SCALE pgbench -i scale (default 10, ~160 MB)
#   BENCH_ONLY          extended regex; load only the endpoints whose name matches
#   BENCH_RESULTS       markdown file the results are appended to (default bench/results/latest.md)
#   BENCH_BIN           a crm binary to load instead of building ./cmd/crm
#   BENCH_RATE_LIMIT    CRM_RATE_LIMIT_PER_MINUTE of the server (default 100000000: wrk is one user at full speed)
#   BENCH_SIZES         opportunity counts to measure at, in growing order (default "10000 100000 1000000");
#                       the workspace is grown to each size with `crm seed --bench-opportunities`
#   BENCH_POCKETBASE    a PocketBase binary (./bench/pocketbase.sh builds one): load it too, as a yardstick
#   BENCH_POCKETBASE_RECORDS  records PocketBase is given (default 10000)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # also when sourced from elsewhere
cd "$(dirname "$0")/.."
ROOT=$PWD
GO=${GO:-go}
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
SCALE=${BENCH_PGBENCH_SCALE:-10}
ONLY=${BENCH_ONLY:-}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results/latest.md}
DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crm_bench?sslmode=disable}

TMP=""        # work folder, made by main
DBS_TOUCHED="" # set once the databases may exist: cleanup drops them then
SERVER_PID=""
BASE=""
TOKEN=""
SIZES=${BENCH_SIZES:-10000 100000 1000000}
SIZE=0 # the current number of opportunities
USER_ID="" WS_ID="" PIPELINE_ID="" OPPORTUNITY_ID="" # set by seed
KEYS=""
SECRET=""
ROWS=() # "size|name|method path|req/s|p50 ms|p99 ms|errors|RSS MB", filled by load_endpoint, load_raw and run_pgbench

# shellcheck source=bench/goals.sh
. "$BENCH_DIR/goals.sh"
# shellcheck source=bench/pocketbase.sh
. "$BENCH_DIR/pocketbase.sh"

log() { printf '>> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---- tools -----------------------------------------------------------------

# need_pkg installs a Debian package when its command is missing.
need_pkg() {
	local cmd=$1; shift
	command -v "$cmd" >/dev/null && return 0
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	command -v apt-get >/dev/null || die "$cmd is missing and there is no apt-get: install it ($*)"
	log "installing $* for $cmd"
	$sudo apt-get install -y -qq "$@" >/dev/null 2>&1 ||
		{ $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "$@" >/dev/null; }
	command -v "$cmd" >/dev/null
}

install_tools() {
	need_pkg curl curl || die "curl is required"
	need_pkg psql postgresql-client || die "psql is required"
	need_pkg wrk wrk || die "wrk is required"
	# pgbench is in postgresql-client from PostgreSQL 16 on Debian, in the
	# server package (pulled in by postgresql-contrib) before that.
	if ! command -v pgbench >/dev/null; then
		need_pkg pgbench postgresql-contrib || die "pgbench is required"
	fi
	command -v jq >/dev/null || command -v python3 >/dev/null || need_pkg jq jq || true
}

# ---- databases ---------------------------------------------------------------

# The URL is split by hand so that the same server, user and query
# parameters serve the maintenance and the pgbench connections.
DB_BASE=${DB_URL%%\?*}
DB_QUERY=${DB_URL#"$DB_BASE"}
DB_NAME=${DB_BASE##*/}
DB_SERVER=${DB_BASE%/*}
PGB_NAME=${DB_NAME}_pgbench
ADMIN_URL=$DB_SERVER/postgres$DB_QUERY
PGB_URL=$DB_SERVER/$PGB_NAME$DB_QUERY

check_db_name() {
	[[ $DB_NAME =~ ^[a-z0-9_]+$ ]] || die "database name $DB_NAME: want lower-case letters, digits and _"
	[[ $DB_NAME == *bench* ]] || die "database name $DB_NAME must contain \"bench\": it is dropped before and after the run"
}

psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql "$ADMIN_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }

recreate_databases() {
	log "creating databases $DB_NAME and $PGB_NAME"
	DBS_TOUCHED=1
	local db
	for db in "$DB_NAME" "$PGB_NAME"; do
		psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
	done
}

drop_databases() {
	[ -n "$DBS_TOUCHED" ] || return 0
	psql_admin -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS $PGB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
}

# ---- server --------------------------------------------------------------------

free_port() {
	if command -v python3 >/dev/null; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
		return
	fi
	local _ port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
	done
	die "no free port found"
}

build_server() {
	if [ -n "${BENCH_BIN:-}" ]; then
		[ -x "$BENCH_BIN" ] || die "BENCH_BIN=$BENCH_BIN is not an executable"
		cp "$BENCH_BIN" "$TMP/crm"
		return
	fi
	log "building ./cmd/crm"
	CGO_ENABLED=0 "$GO" build -trimpath -o "$TMP/crm" ./cmd/crm
}

start_server() {
	local port _
	port=$(free_port)
	KEYS="bench:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
	SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
	BASE="http://127.0.0.1:$port"
	log "starting the server on $BASE"
	DATABASE_URL=$DB_URL CRM_TOKEN_KEYS=$KEYS CRM_SECRET_KEY=$SECRET CRM_ADDR=127.0.0.1:$port CRM_METRICS_ADDR=127.0.0.1:0 CRM_LOG_LEVEL=warn \
		CRM_RATE_LIMIT_PER_MINUTE=${BENCH_RATE_LIMIT:-100000000} CRM_DATA_DIR=$TMP/data "$TMP/crm" serve >"$TMP/crm.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 120); do # at most ~60 s (migrations run first)
		if curl -fsS --max-time 2 "$BASE/readyz" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$TMP/crm.log" >&2; die "the server exited"; }
		sleep 0.5
	done
	tail -n 20 "$TMP/crm.log" >&2
	die "the server was not ready after 60 s"
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	local _
	for _ in $(seq 1 50); do # graceful shutdown, at most ~10 s
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

cleanup() {
	local rc=$?
	stop_server
	stop_pocketbase
	drop_databases
	[ -z "$TMP" ] || rm -rf "$TMP"
	exit "$rc"
}

# ---- API calls ------------------------------------------------------------------

# json_field prints one top-level string field of the JSON on stdin.
json_field() {
	if command -v jq >/dev/null; then
		jq -er --arg f "$1" '.[$f]'
	elif command -v python3 >/dev/null; then
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
	else
		sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"
	fi
}

# api METHOD PATH [BODY]: one request with the bearer token; fails unless 2xx.
api() {
	local args=(-sS --max-time 30 -o "$TMP/body" -w '%{http_code}' -X "$1" -H 'Accept: application/json')
	[ -z "$TOKEN" ] || args+=(-H "Authorization: Bearer $TOKEN")
	[ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' --data "$3")
	local code
	code=$(curl "${args[@]}" "$BASE$2")
	if [[ $code != 2* ]]; then
		printf 'bench: %s %s: HTTP %s\n' "$1" "$2" "$code" >&2
		head -c 2000 "$TMP/body" >&2
		echo >&2
		return 1
	fi
	cat "$TMP/body"
}

# signup_code prints the last signup code the servers logged for an address.
signup_code() {
	grep -h '"account_mail"' "$TMP"/crm*.log | grep -F "\"to\":\"$1\"" | tail -n 1 |
		grep -oE '\\n\\n[A-Za-z0-9_-]{43}\\n' | tail -n 1 | sed 's/\\n//g'
}

signup() {
	log "signing up a workspace"
	local body
	body='{"workspace_name":"Bench AB","name":"Bench Admin","email":"bench@example.com","password":"bench-password-1","currency":"SEK"}'
	api POST /api/v1/auth/signup "$body" >/dev/null
	# Without SMTP_URL the server writes the signup e-mail, code included,
	# to its log (account_mail).
	local code
	code=$(signup_code bench@example.com)
	[ -n "$code" ] || die "no signup code in the server log"
	TOKEN=$(api POST /api/v1/auth/signup/confirm "{\"code\":\"$code\"}" | json_field access_token)
	[ -n "$TOKEN" ] || die "signup confirmation returned no access_token"
}

login() {
	local body
	body='{"email":"bench@example.com","password":"bench-password-1"}'
	TOKEN=""
	TOKEN=$(api POST /api/v1/auth/login "$body" | json_field access_token)
	[ -n "$TOKEN" ] || die "login returned no access_token"
}

# ---- seed ----------------------------------------------------------------------------
# seed grows the workspace to $1 opportunities with `crm seed` (COPY), logs in
# again (access tokens last 15 minutes) and exports the ids the endpoints use.
seed() {
	SIZE=$1
	log "seeding to $SIZE opportunities"
	DATABASE_URL=$DB_URL CRM_TOKEN_KEYS=$KEYS CRM_SECRET_KEY=$SECRET CRM_LOG_LEVEL=warn CRM_DATA_DIR=$TMP/data \
		timeout 900 "$TMP/crm" seed --bench-opportunities "$SIZE" >"$TMP/seed.log" 2>&1 ||
		{ cat "$TMP/seed.log" >&2; die "seeding failed"; }
	# Let the database settle before loading it: vacuum what the seed wrote
	# (else autovacuum does it during the runs, on the same two cores) and
	# write it out.
	log "vacuuming and checkpointing after the seed"
	psql "$DB_URL" -Xq -c 'VACUUM (ANALYZE)' -c 'CHECKPOINT' >/dev/null
	login
	WS_ID=$(psql "$DB_URL" -XAtc "SELECT workspace_id FROM users WHERE email = 'bench@example.com'")
	PIPELINE_ID=$(psql "$DB_URL" -XAtc "SELECT id FROM pipelines WHERE workspace_id = '$WS_ID' AND is_default")
	USER_ID=$(psql "$DB_URL" -XAtc "SELECT id FROM users WHERE email = 'bench@example.com'")
	# The seed gave this opportunity a timeline (crm seed logs it too).
	OPPORTUNITY_ID=$(psql "$DB_URL" -XAtc "SELECT id FROM opportunities WHERE workspace_id = '$WS_ID' ORDER BY id OFFSET $((SIZE / 2)) LIMIT 1")
	FROM=$(date -u +%Y-%m-01)
	TO=$(date -u -d "$FROM +12 months -1 day" +%Y-%m-%d)
	# The dashboard's moments, as the server computes them (UTC workspace;
	# its ranges are whole UTC days).
	NOW=$(date -u '+%Y-%m-%d %H:%M:%S+00')
	QUARTER=$(date -u -d "$(date -u +%Y)-$(printf '%02d' $((($(date -u +%-m) - 1) / 3 * 3 + 1)))-01" +%Y-%m-%d)
	SINCE_90D_DAY=$(date -u -d "$(date -u +%Y-%m-%d) -90 days" +%Y-%m-%d)
	SINCE_1Y_DAY=$(date -u -d "$(date -u +%Y-%m-%d) -1 year" +%Y-%m-%d)
	# The sources' first whole month: that day's month when it is the first.
	SINCE_1Y_MONTH=$(date -u -d "$(date -u -d "$SINCE_1Y_DAY -1 day" +%Y-%m-01) +1 month" +%Y-%m-%d)
}

# ---- endpoints --------------------------------------------------------------------
# endpoints prints one "name|METHOD|path|body|sql" line per endpoint, loaded in
# this order after each seed; sql names bench/sql/<sql>.sql, the same
# statements run raw with pgbench for comparison (see load_raw for the
# placeholders filled in).
endpoints() {
	printf '%s\n' \
		"me|GET|/api/v1/me||" \
		"opportunity|GET|/api/v1/opportunities/$OPPORTUNITY_ID||opportunity" \
		"opportunities-list|GET|/api/v1/opportunities?pipeline_id=$PIPELINE_ID&status=open&sort=-updated_at&limit=50||opportunities-list" \
		"board|GET|/api/v1/pipelines/$PIPELINE_ID/board||board" \
		"timeline|GET|/api/v1/opportunities/$OPPORTUNITY_ID/timeline||timeline" \
		"quotes-list|GET|/api/v1/quotes?limit=50||quotes-list" \
		"forecast|GET|/api/v1/forecast?group_by=month||forecast" \
		"dashboard|GET|/api/v1/dashboard||dashboard"
}

# ---- load --------------------------------------------------------------------------

# wrk_script writes the Lua script for one endpoint: method, headers and
# body, and a done() that prints one machine-readable line.
wrk_script() {
	local method=$1 body=$2 file=$3
	cat >"$file" <<EOF
wrk.method = "$method"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Accept"] = "application/json"
EOF
	if [ -n "$body" ]; then
		printf 'wrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[%s]==]\n' "$body" >>"$file"
	fi
	cat >>"$file" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
EOF
}

# load_endpoint checks the endpoint once with curl, then loads it with wrk.
load_endpoint() {
	local name=$1 method=$2 path=$3 body=${4:-}
	api "$method" "$path" "$body" >/dev/null || die "$name: the check request failed, not loading it"
	log "loading $name: $method $path, $CONNS connections, ${SECONDS_PER_RUN}s"
	wrk_script "$method" "$body" "$TMP/$name.lua"
	local cpu0
	cpu0=$(cpu_ticks "$SERVER_PID")
	timeout $((SECONDS_PER_RUN + 60)) wrk -t "$THREADS" -c "$CONNS" -d "${SECONDS_PER_RUN}s" --timeout 10s \
		--latency -s "$TMP/$name.lua" "$BASE$path" >"$TMP/$name.wrk"
	local requests duration p50 p99 errors
	read -r _ requests duration p50 p99 errors < <(grep '^BENCH ' "$TMP/$name.wrk") ||
		{ cat "$TMP/$name.wrk" >&2; die "$name: no result line from wrk"; }
	local rps rss cpu
	rps=$(awk -v n="$requests" -v us="$duration" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
	# The server's resident memory right after the load, in MB.
	rss=$(ps -o rss= -p "$SERVER_PID" 2>/dev/null | awk '{ printf "%.0f", $1 / 1024 }')
	cpu=$(awk -v a="$cpu0" -v b="$(cpu_ticks "$SERVER_PID")" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
		'BEGIN { if (a != "" && b != "" && n > 0) printf "%.0f", (b - a) / hz * 1e6 / n }')
	ROWS+=("$SIZE|$name|$method ${path%%\?*}|$rps|$p50|$p99|$errors|${rss:-?}|${cpu:-?}")
}

# cpu_ticks prints the user and system CPU a process has used so far, in
# clock ticks (/proc/PID/stat's utime + stime; its second field, the
# command, has no spaces here).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# load_raw runs an endpoint's SQL with pgbench against the API's database,
# with the same connections and duration. A file of several statements is
# one transaction per iteration, as the endpoint runs them one per request.
# Placeholders: {{ws}}, {{user}} (the bench admin), {{pipeline}},
# {{opportunity}}, {{from}} and {{to}} (this month and eleven more),
# {{to_month}} (the first day of the last), {{now}}, and the dashboard's
# first days: {{month_day}}, {{quarter_day}}, {{since_90d_day}}, {{since_1y_day}}
# and {{since_1y_month}} (the first whole month of the sources' year).
load_raw() {
	local name=$1 sql=$2
	sed -e "s/{{ws}}/$WS_ID/g" -e "s/{{user}}/$USER_ID/g" -e "s/{{pipeline}}/$PIPELINE_ID/g" \
		-e "s/{{opportunity}}/$OPPORTUNITY_ID/g" -e "s/{{from}}/$FROM/g" -e "s/{{to}}/$TO/g" \
		-e "s/{{to_month}}/${TO%-*}-01/g" -e "s/{{now}}/$NOW/g" -e "s/{{month_day}}/$FROM/g" -e "s/{{quarter_day}}/$QUARTER/g" \
		-e "s/{{since_90d_day}}/$SINCE_90D_DAY/g" -e "s/{{since_1y_day}}/$SINCE_1Y_DAY/g" \
		-e "s/{{since_1y_month}}/$SINCE_1Y_MONTH/g" "$ROOT/bench/sql/$sql.sql" >"$TMP/$sql.sql"
	log "raw SQL of $name with pgbench"
	rm -rf "$TMP/rawlog" && mkdir -p "$TMP/rawlog"
	timeout $((SECONDS_PER_RUN + 60)) pgbench -n -M prepared -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" \
		-f "$TMP/$sql.sql" -l --log-prefix="$TMP/rawlog/tx" "$DB_URL" >"$TMP/raw.out" 2>&1 ||
		{ cat "$TMP/raw.out" >&2; die "pgbench $sql failed"; }
	local tps p50 p99
	tps=$(awk '/^tps = / { printf "%.0f", $3; exit }' "$TMP/raw.out")
	read -r p50 p99 < <(cat "$TMP"/rawlog/tx* | awk '{ print $3 }' | sort -n | awk '
		{ v[NR] = $1 }
		END { i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
		      printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')
	ROWS+=("$SIZE|$name (raw SQL)|pgbench -f bench/sql/$sql.sql|$tps|$p50|$p99|0|")
}

load_api() {
	local name method path body sql n=0
	while IFS='|' read -r name method path body sql; do
		[ -n "$name" ] || continue
		[ -z "$ONLY" ] || [[ $name =~ $ONLY ]] || continue
		load_endpoint "$name" "$method" "$path" "$body"
		[ -z "$sql" ] || load_raw "$name" "$sql"
		n=$((n + 1))
	done < <(endpoints)
	[ "$n" -gt 0 ] || die "no endpoint matches BENCH_ONLY=$ONLY"
}

init_pgbench() {
	log "pgbench -i -s $SCALE into $PGB_NAME"
	timeout 600 pgbench -i -q -s "$SCALE" "$PGB_URL" >"$TMP/pgbench-init.log" 2>&1 ||
		{ cat "$TMP/pgbench-init.log" >&2; die "pgbench -i failed"; }
}

# run_pgbench loads the select-only script; a 10 % sample of the
# transactions is logged for the percentiles.
run_pgbench() {
	log "pgbench -S: $CONNS clients, $THREADS threads, ${SECONDS_PER_RUN}s"
	mkdir -p "$TMP/pglog"
	timeout $((SECONDS_PER_RUN + 60)) pgbench -S -n -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" \
		-l --sampling-rate=0.1 --log-prefix="$TMP/pglog/tx" "$PGB_URL" >"$TMP/pgbench.out" 2>&1 ||
		{ cat "$TMP/pgbench.out" >&2; die "pgbench failed"; }
	local tps p50 p99 errors
	tps=$(awk '/^tps = / { printf "%.0f", $3; exit }' "$TMP/pgbench.out")
	errors=$(awk '/^number of failed transactions:/ { print $5; exit }' "$TMP/pgbench.out")
	read -r p50 p99 < <(cat "$TMP"/pglog/tx* | awk '{ print $3 }' | sort -n | awk '
		{ v[NR] = $1 }
		END { i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
		      printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')
	PGBENCH_TPS=$tps
	ROWS+=("-|pgbench|pgbench -S (select-only)|$tps|$p50|$p99|${errors:-0}|")
}

# ---- report --------------------------------------------------------------------------

machine() {
	local cpu pg
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	pg=$(psql_admin -Atc 'SHOW server_version' 2>/dev/null || echo unknown)
	printf -- '- CPU: %s cores, %s\n' "$(nproc)" "${cpu:-unknown}"
	printf -- '- Go: %s\n' "$("$GO" env GOVERSION)"
	printf -- '- PostgreSQL: %s (server), pgbench %s\n' "$pg" "$(pgbench --version | awk '{ print $3 }')"
	printf -- '- wrk: %s\n' "$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
	printf -- '- Load average before the run: %s (other work on the machine skews the numbers)\n' "$LOADAVG"
	printf -- '- Load: %s connections, %s threads, %s s per run; pgbench scale %s\n' \
		"$CONNS" "$THREADS" "$SECONDS_PER_RUN" "$SCALE"
}

# table prints the rows as a markdown table. The last two columns are the
# row's req/s divided by pgbench -S's transactions/s, and an endpoint's req/s
# divided by its own SQL's (the raw row that follows it); RSS is the server's
# resident memory after the endpoint's load, and CPU the server's own CPU
# time per request over the load (user and system, microseconds: its fixed
# cost per request, which wrk's and PostgreSQL's shares of the cores do not
# blur as they blur req/s).
table() {
	printf '| opportunities | endpoint | request | req/s | p50 ms | p99 ms | errors | RSS MB | server CPU µs/req | ÷ pgbench -S tps | ÷ its raw SQL |\n'
	printf '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
	local i row size name req rps p50 p99 errors rss cpu ratio raw next
	for i in "${!ROWS[@]}"; do
		row=${ROWS[$i]}
		IFS='|' read -r size name req rps p50 p99 errors rss cpu <<<"$row"
		ratio=$(awk -v a="$rps" -v b="$PGBENCH_TPS" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
		raw=""
		next=${ROWS[$((i + 1))]:-}
		if [[ $name != *"(raw SQL)" && $next == *"|$name (raw SQL)|"* ]]; then
			raw=$(awk -v a="$rps" -v b="$(cut -d'|' -f4 <<<"$next")" 'BEGIN { if (b > 0) printf "%.3f", a / b }')
		fi
		# shellcheck disable=SC2016 # the backquotes are markdown
		printf '| %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$size" "$name" "$req" "$rps" "$p50" "$p99" "$errors" "${rss:--}" "${cpu:--}" "$ratio" "${raw:--}"
	done
}

report() {
	local when commit out
	when=$(date -u '+%Y-%m-%d %H:%M UTC')
	commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
	[ -z "${BENCH_BIN:-}" ] || commit="$commit (binary: $BENCH_BIN)"
	out=$(printf '## %s, commit %s\n\n%s\n\n%s\n\n%s\n' "$when" "$commit" "$(machine)" "$(table)" "$(goals)")
	printf '\n%s\n\n' "$out"
	mkdir -p "$(dirname "$RESULTS")"
	printf '%s\n\n' "$out" >>"$RESULTS"
	log "appended to ${RESULTS#"$ROOT"/}"
}

main() {
	check_db_name
	LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench.XXXXXX")
	install_tools
	build_server
	recreate_databases
	init_pgbench
	start_server
	signup
	local size
	for size in $SIZES; do
		seed "$size"
		load_api
	done
	stop_server # the server's background jobs must not share the CPU with pgbench
	run_pgbench
	load_pocketbase
	report
	for row in "${ROWS[@]}"; do
		[[ $(cut -d'|' -f7 <<<"$row") == 0 ]] || log "warning: ${row%%|*} had errors; its numbers are not comparable"
	done
}

# bench/soak.sh sources this file for its functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	main "$@"
fi
