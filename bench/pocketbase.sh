#!/usr/bin/env bash
# bench/pocketbase.sh: PocketBase as an outside yardstick for the load test.
#
# Run, it builds PocketBase's example server from the Go module proxy into
# bench/bin/pocketbase (ignored by git; POCKETBASE_VERSION picks the
# version) and prints its path, for BENCH_POCKETBASE:
#
#   BENCH_POCKETBASE=$(./bench/pocketbase.sh) make bench
#
# Sourced (run.sh does), it gives load_pocketbase: start the binary on a
# free loopback port with a temporary data folder, give it a collection of
# opportunities like ours (owner, status, amount, updated; list and view
# rules that show a user only their own), a user and POCKETBASE_RECORDS
# records owned by that user, then load its list and view endpoints with
# wrk as the API's. PocketBase keeps its data in SQLite; it is only
# measured here, the CRM does not use it.
# shellcheck shell=bash

POCKETBASE_VERSION=${POCKETBASE_VERSION:-v0.36.8}
POCKETBASE_RECORDS="" # set once PocketBase's rows are in ROWS
PB_PID=""

build_pocketbase() {
	local root bin
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	bin=$root/bench/bin
	mkdir -p "$bin"
	printf '>> building PocketBase %s into %s\n' "$POCKETBASE_VERSION" "${bin#"$root"/}" >&2
	GOBIN=$bin CGO_ENABLED=0 "${GO:-go}" install "github.com/pocketbase/pocketbase/examples/base@$POCKETBASE_VERSION" >&2
	mv "$bin/base" "$bin/pocketbase"
	echo "$bin/pocketbase"
}

# pb METHOD PATH [BODY] [TOKEN]: one request to PocketBase; fails unless 2xx.
# BODY is JSON, or @file.
pb() {
	local args=(-sS --max-time 120 -o "$TMP/pb.body" -w '%{http_code}' -X "$1" -H 'Accept: application/json')
	[ -z "${4:-}" ] || args+=(-H "Authorization: $4")
	[ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	local code
	code=$(curl "${args[@]}" "$PB_BASE$2")
	if [[ $code != 2* ]]; then
		printf 'bench: PocketBase %s %s: HTTP %s\n' "$1" "$2" "$code" >&2
		head -c 2000 "$TMP/pb.body" >&2
		echo >&2
		return 1
	fi
	cat "$TMP/pb.body"
}

start_pocketbase() {
	local port _
	port=$(free_port)
	PB_BASE="http://127.0.0.1:$port"
	mkdir -p "$TMP/pb"
	"$BENCH_POCKETBASE" superuser upsert bench-admin@example.com bench-password-1 --dir "$TMP/pb" >"$TMP/pb.log" 2>&1 ||
		{ cat "$TMP/pb.log" >&2; die "PocketBase: superuser upsert failed"; }
	log "starting PocketBase on $PB_BASE"
	"$BENCH_POCKETBASE" serve --http "127.0.0.1:$port" --dir "$TMP/pb" >>"$TMP/pb.log" 2>&1 &
	PB_PID=$!
	for _ in $(seq 1 60); do
		curl -fsS --max-time 2 "$PB_BASE/api/health" >/dev/null 2>&1 && return 0
		kill -0 "$PB_PID" 2>/dev/null || { tail -n 20 "$TMP/pb.log" >&2; die "PocketBase exited"; }
		sleep 0.5
	done
	die "PocketBase was not ready after 30 s"
}

stop_pocketbase() {
	[ -n "$PB_PID" ] || return 0
	kill -TERM "$PB_PID" 2>/dev/null || true
	wait "$PB_PID" 2>/dev/null || true
	PB_PID=""
}

# setup_pocketbase makes the collection, the user and the records, and sets
# PB_TOKEN (the user's) and PB_RECORD (one record's id).
setup_pocketbase() {
	local admin user i
	admin=$(pb POST /api/collections/_superusers/auth-with-password \
		'{"identity":"bench-admin@example.com","password":"bench-password-1"}' | json_field token)
	pb PATCH /api/settings '{"batch":{"enabled":true,"maxRequests":1000,"timeout":60}}' "$admin" >/dev/null
	pb POST /api/collections '{"name":"opportunities","type":"base",
		"listRule":"owner = @request.auth.id","viewRule":"owner = @request.auth.id",
		"fields":[{"name":"title","type":"text","required":true},
			{"name":"owner","type":"relation","collectionId":"_pb_users_auth_","maxSelect":1,"required":true},
			{"name":"amount","type":"number"},
			{"name":"status","type":"select","values":["open","won","lost"],"maxSelect":1},
			{"name":"created","type":"autodate","onCreate":true},
			{"name":"updated","type":"autodate","onCreate":true,"onUpdate":true}],
		"indexes":["CREATE INDEX idx_opportunities_owner ON opportunities (owner, status, updated)"]}' "$admin" >/dev/null
	user=$(pb POST /api/collections/users/records \
		'{"email":"bench@example.com","password":"bench-password-1","passwordConfirm":"bench-password-1"}' | json_field id)
	log "PocketBase: adding $POCKETBASE_N records in batches of 1000"
	for ((i = 0; i < POCKETBASE_N; i += 1000)); do
		awk -v from="$i" -v to="$POCKETBASE_N" -v owner="$user" 'BEGIN {
			split("open open won lost", st, " "); printf "{\"requests\":["
			for (j = from; j < from + 1000 && j < to; j++) {
				printf "%s{\"method\":\"POST\",\"url\":\"/api/collections/opportunities/records\",\"body\":{\"title\":\"Bench deal %d\",\"owner\":\"%s\",\"amount\":%d,\"status\":\"%s\"}}",
					(j > from ? "," : ""), j, owner, 1000 + (j * 7919) % 10000000, st[j % 4 + 1]
			}
			printf "]}" }' >"$TMP/pb.batch"
		pb POST /api/batch "@$TMP/pb.batch" "$admin" >/dev/null
	done
	PB_TOKEN=$(pb POST /api/collections/users/auth-with-password \
		'{"identity":"bench@example.com","password":"bench-password-1"}' | json_field token)
	PB_RECORD=$(pb GET "/api/collections/opportunities/records?perPage=1&skipTotal=1&fields=id&filter=%28title%3D%27Bench%20deal%20$((POCKETBASE_N / 2))%27%29" "" "$PB_TOKEN" |
		grep -oE '"id": *"[a-z0-9]+"' | head -n 1 | sed 's/.*"\([a-z0-9]*\)"$/\1/')
	[ -n "$PB_RECORD" ] || die "PocketBase: no record to view"
}

# load_pocketbase runs the PocketBase step when BENCH_POCKETBASE names a
# binary, with the API's wrk settings; its rows carry the record count.
load_pocketbase() {
	if [ -z "${BENCH_POCKETBASE:-}" ]; then
		log "PocketBase: skipped (set BENCH_POCKETBASE to a binary; ./bench/pocketbase.sh builds one)"
		return 0
	fi
	[ -x "$BENCH_POCKETBASE" ] || die "BENCH_POCKETBASE=$BENCH_POCKETBASE is not an executable"
	POCKETBASE_N=${BENCH_POCKETBASE_RECORDS:-10000}
	start_pocketbase
	setup_pocketbase
	local saved_base=$BASE saved_token=$TOKEN saved_size=$SIZE saved_pid=$SERVER_PID
	BASE=$PB_BASE TOKEN=$PB_TOKEN SIZE=$POCKETBASE_N SERVER_PID=$PB_PID
	load_endpoint "pocketbase list 50 sorted" GET \
		"/api/collections/opportunities/records?perPage=50&sort=-updated&filter=%28status%3D%27open%27%29"
	load_endpoint "pocketbase view by id" GET "/api/collections/opportunities/records/$PB_RECORD"
	BASE=$saved_base TOKEN=$saved_token SIZE=$saved_size SERVER_PID=$saved_pid
	POCKETBASE_RECORDS=$POCKETBASE_N
	stop_pocketbase
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	set -euo pipefail
	build_pocketbase
fi
