#!/usr/bin/env bash
# A/B of two Tomar binaries on the signing benchmark, alternating, on fresh SQLite files,
# with the same load client: bench/ab.sh BASE_TOMAR NEW_TOMAR [ROUNDS] [SIGNERS].
# Build the other one from a worktree, e.g.
#   git worktree add /tmp/base COMMIT && (cd /tmp/base && CARGO_TARGET_DIR=/tmp/base-target \
#     cargo build --release -p tomar)
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1 new=$2 rounds=${3:-3} signers=${4:-10000}
port=8092
cargo build --release -q -p tomar-loadgen
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
run() {
  local label=$1 binary=$2 work
  work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
  local db
  db=$(mktemp -d)
  TOMAR_LOG=warn "$binary" serve --demo --database-url "sqlite:$db/bench.db" \
    --addr "127.0.0.1:$port" --outbox "$work/outbox" --secret "$secret" &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
  printf '%s: ' "$label"
  target/release/tomar-loadgen --target "http://127.0.0.1:$port" --outbox "$work/outbox" \
    --campaign clean-river --signers "$signers" --concurrency 128 --server-pid "$pid" \
    | grep -E 'per second|cpu seconds' | tr '\n' ' '
  echo
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$work" "$db"
}
for round in $(seq 1 "$rounds"); do
  echo "== round $round"
  run base "$base"
  run new "$new"
done
