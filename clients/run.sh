#!/usr/bin/env bash
# Generates the Go client (oapi-codegen) and the TypeScript client
# (openapi-typescript + openapi-fetch) from openapi.yaml, compiles both, and
# runs each example against a server started here on a fresh database.
# Fails when either stops generating, compiling or running.
#
# Needs Go, Node.js 20+ with npm, and a PostgreSQL server where databases can
# be created (CLIENTS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pg=${CLIENTS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}
db=crm_clients_$$
work=$(mktemp -d)
pid=

cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '== clients: %s\n' "$*"; }

step "generate and compile the Go client (oapi-codegen, pinned in clients/go/go.mod)"
(cd clients/go && go tool oapi-codegen -config oapi-codegen.yaml ../../openapi.yaml && go vet ./... && go build -o "$work/go-example" .)

step "generate and compile the TypeScript client (openapi-typescript + openapi-fetch, pinned in clients/ts)"
(cd clients/ts && npm ci --no-audit --no-fund --loglevel=error && npm run --silent generate && npm run --silent build)
# The examples are what integrators copy: no casts, no any, no non-null assertions.
if grep -nE '\bas [A-Za-z{(]|\bany\b|[A-Za-z0-9_)]!(\.|\)|;|,)' clients/ts/src/example.ts | grep -vE '^[0-9]+:\s*//'; then
  echo "clients/ts/src/example.ts: the lines above cast, use any or assert non-null" >&2
  exit 1
fi

step "start the server on a fresh database"
port=
for p in $(shuf -i 20000-29999 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port" >&2; exit 1; }
psql "$pg/postgres" -qc "CREATE DATABASE $db" >/dev/null
go build -o "$work/crm" ./cmd/crm
DATABASE_URL="$pg/$db?sslmode=disable" CRM_ADDR="127.0.0.1:$port" CRM_METRICS_ADDR=127.0.0.1:0 CRM_LOG_LEVEL=warn \
  CRM_TOKEN_KEYS="k1:$(head -c32 /dev/urandom | base64)" CRM_SECRET_KEY="$(head -c32 /dev/urandom | base64)" "$work/crm" serve >"$work/server.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -fs "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "$url/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

step "run the Go example"
(cd "$root/clients/go" && CRM_URL=$url CRM_SERVER_LOG="$work/server.log" "$work/go-example")

step "run the TypeScript example"
(cd "$root/clients/ts" && CRM_URL=$url CRM_SERVER_LOG="$work/server.log" npm start --silent)

step "both clients passed"
