#!/usr/bin/env bash
# The signing benchmark: a release build of Tomar on a fresh SQLite file, then on a fresh
# PostgreSQL database, each driven through the real HTTP flow by tomar-loadgen on the same
# machine. Usage: bench/run.sh [SIGNERS] [CONCURRENCY]; PostgreSQL is skipped unless
# TOMAR_BENCH_POSTGRES_URL names a server (the script creates and drops a database there).
#
# The database lives on disk (SQLite syncs every commit). The file outbox, which stands in
# for the SMS gateway a real deployment talks to over the network, lives in /dev/shm when
# there is one: creating and deleting thousands of small files on this machine's ext4 cost
# the server a quarter of its CPU in inode allocation, which measures the disk, not Tomar.
set -euo pipefail
cd "$(dirname "$0")/.."
signers=${1:-10000}
concurrency=${2:-128}
port=8091
cargo build --release -q -p tomar -p tomar-loadgen
work=$(mktemp -d)
messages=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work" "$messages"' EXIT
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

bench() {
  local backend=$1 url=$2
  echo "== $backend: $signers signers, $concurrency at a time"
  # PostgreSQL needs a secret given; SQLite would make one beside its file.
  TOMAR_LOG=warn target/release/tomar serve --demo --database-url "$url" \
    --addr "127.0.0.1:$port" --outbox "$messages/outbox-$backend" --secret "$secret" &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
  target/release/tomar-loadgen --target "http://127.0.0.1:$port" --outbox "$messages/outbox-$backend" \
    --campaign clean-river --signers "$signers" --concurrency "$concurrency" --server-pid "$pid" || true
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

bench sqlite "sqlite:$work/bench.db"
if [ -n "${TOMAR_BENCH_POSTGRES_URL:-}" ]; then
  db="tomar_bench_$$"
  psql "$TOMAR_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db"
  bench postgres "${TOMAR_BENCH_POSTGRES_URL%/*}/$db"
  psql "$TOMAR_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db WITH (FORCE)"
fi
