#!/usr/bin/env bash
# The read side of a surge, as the surge issue measures it: for each data set, one release
# server on SQLite, every public page and the static file under the same load in one run,
# and each page's rate as a share of the static file's.
#
#   bench/surge.sh [SIGNATURES ...]        e.g. bench/surge.sh 1000000 10000000
#
# Each data set is the demo content plus SIGNATURES fictional signatures on clean-river
# (`tomar demo --signatures`), made once and kept in $SURGE_DATA (default /tmp/tomar-surge)
# for the next run. DURATION (seconds per path, default 10) and CONNECTIONS (default 64)
# change the load; wrk runs with 2 threads. Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000000}")
data=${SURGE_DATA:-/tmp/tomar-surge}
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
port=8094
base="http://127.0.0.1:$port"
paths=(
  /static/tomar.css
  /clean-river
  /
  /campaigns
  "/campaigns?sort=trending"
  "/search?q=%D8%AF%D8%B1%D8%AE%D8%AA"
  /api/v1/campaigns/clean-river/count
)
command -v wrk >/dev/null || { echo "surge.sh: needs wrk" >&2; exit 2; }
cargo build --release -q -p tomar
tomar=${CARGO_TARGET_DIR:-target}/release/tomar
mkdir -p "$data"
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

# Requests a second, p99 and the slowest answer, from wrk's --latency report.
measure() {
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$base$1" | awk '
    /Requests\/sec/ { rate = $2 }
    /^ +99%/ { p99 = $2 }
    /^ +Latency +[0-9]/ { slowest = $4 }
    /Non-2xx/ { bad = $5 }
    END { printf "%s %s %s %s\n", rate, p99, slowest, bad ? bad : 0 }'
}

for size in "${sizes[@]}"; do
  db="$data/surge-$size.db"
  if [ ! -f "$db" ]; then
    echo "== making $db ($size signatures on clean-river)"
    /usr/bin/time -f "   %e s, %M KB peak" "$tomar" demo --database-url "sqlite:$db" \
      --signatures "$size" --campaign clean-river
  fi
  TOMAR_LOG=warn "$tomar" serve --database-url "sqlite:$db" --addr "127.0.0.1:$port" \
    --outbox "$data/outbox" --secret "$secret" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 200); do
    curl -sf "$base/healthz" >/dev/null && break
    sleep 0.1
  done
  echo
  echo "== $size signatures, wrk -t2 -c$connections -d${duration}s --latency, commit $(git rev-parse --short HEAD)"
  printf '| %-40s | %9s | %9s | %9s | %6s | %s |\n' path req/s p99 slowest non-2xx "share of static"
  ceiling=
  for path in "${paths[@]}"; do
    read -r rate p99 slowest bad < <(measure "$path")
    ceiling=${ceiling:-$rate}
    share=$(awk -v r="$rate" -v c="$ceiling" 'BEGIN { printf "%.1f %%", 100 * r / c }')
    printf '| %-40s | %9s | %9s | %9s | %6s | %s |\n' "$path" "$rate" "$p99" "$slowest" "$bad" "$share"
  done
  echo "peak memory of the server: $(awk '/VmHWM/ { printf "%d MB", $2 / 1024 }' "/proc/$pid/status")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  trap - EXIT
done
