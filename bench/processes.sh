#!/usr/bin/env bash
# Signing with 1, 2 and 3 `tomar serve` processes on one PostgreSQL database, on this one
# machine: each count of processes on a fresh database, driven by tomar-loadgen through
# the whole HTTP flow, signer n sent to process n mod N. The processes share the file
# outbox directory (in /dev/shm), as they would share an SMS gateway.
# Usage: TOMAR_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1/test bench/processes.sh [SIGNERS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TOMAR_BENCH_POSTGRES_URL:?name a PostgreSQL server, e.g. postgres://postgres@127.0.0.1/test}"
signers=${1:-10000}
concurrency=${2:-128}
cargo build --release -q -p tomar -p tomar-loadgen
tomar=${TOMAR_BIN:-target/release/tomar}
messages=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop; rm -rf "$messages"' EXIT

for processes in ${TOMAR_PROCESSES:-1 2 3}; do
  db="tomar_bench_processes_$$_$processes"
  psql "$TOMAR_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db"
  url="${TOMAR_BENCH_POSTGRES_URL%/*}/$db"
  targets=()
  # One after the other: the first migrates and writes the demo content.
  for n in $(seq 1 "$processes"); do
    port=$((8100 + n))
    TOMAR_LOG=warn "$tomar" serve --demo --database-url "$url" --secret "$secret" \
      --addr "127.0.0.1:$port" --outbox "$messages/outbox-$processes" &
    pids+=($!)
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
      sleep 0.1
    done
    targets+=("http://127.0.0.1:$port")
  done
  echo "== $processes process(es): $signers signers, $concurrency at a time"
  target/release/tomar-loadgen --target "$(IFS=,; echo "${targets[*]}")" \
    --outbox "$messages/outbox-$processes" --campaign clean-river --signers "$signers" \
    --concurrency "$concurrency" --server-pid "$(IFS=,; echo "${pids[*]}")" || true
  stop
  psql "$TOMAR_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db WITH (FORCE)"
done
