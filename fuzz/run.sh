#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) on its committed corpus, which grows
# with whatever new inputs reach new code; then shrinks each corpus back to the inputs
# that matter. Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: fuzz/run.sh [SECONDS]. A crash stops the run and leaves its input in
# fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=(contact jalali_date persian_text letter_body comment_links)
cargo +nightly fuzz build -O
for target in "${targets[@]}"; do
  echo "== $target: $seconds s"
  mkdir -p "corpus/$target"
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 2>&1 \
    | grep -E '^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|.*panicked)' || true
  # A failing run leaves an artifact; say so and stop.
  if compgen -G "artifacts/$target/*" >/dev/null; then
    echo "$target: crash, see fuzz/artifacts/$target/" >&2
    exit 1
  fi
  cargo +nightly fuzz cmin -O "$target" "corpus/$target" >/dev/null 2>&1
done
