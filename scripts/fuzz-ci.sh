#!/usr/bin/env bash
# A bounded fuzz run for CI: each cargo-fuzz target under fuzz/ for SECONDS (default 60), starting
# from corpora seeded with the repository's real policies (scripts/fuzz-seed.sh).
# usage: scripts/fuzz-ci.sh [SECONDS] [--allow-skip]
#
# cargo-fuzz needs a nightly toolchain (rustup toolchain install nightly) and cargo-fuzz itself
# (cargo install cargo-fuzz). When either is missing the script fails, so a CI job that was meant
# to fuzz cannot pass silently; --allow-skip (or GRANTLINT_FUZZ_ALLOW_SKIP=1) turns that into a
# warning and exit 0. The tests/cli/hardening.rs mutation test covers the same properties, smaller,
# in every `cargo test`.
#
# A crash stops that target; its input is in fuzz/artifacts/TARGET/. Reproduce it with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…
# The script runs every target, then exits 1 if any crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
allow_skip=${GRANTLINT_FUZZ_ALLOW_SKIP:-0}
for arg in "$@"; do
  case "$arg" in
    --allow-skip) allow_skip=1 ;;
    '' | *[!0-9]*)
      sed -n '4p' "$0" >&2
      exit 2
      ;;
    *) seconds=$arg ;;
  esac
done

missing=""
if ! cargo +nightly --version >/dev/null 2>&1; then
  missing="a nightly toolchain (rustup toolchain install nightly)"
elif ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  missing="cargo-fuzz (cargo install cargo-fuzz)"
fi
if [ -n "$missing" ]; then
  if [ "$allow_skip" = 1 ]; then
    echo "fuzz-ci: SKIPPED: $missing is not installed; no fuzzing was done" >&2
    exit 0
  fi
  echo "fuzz-ci: $missing is not installed. Install it, or pass --allow-skip to skip fuzzing." >&2
  exit 1
fi

scripts/fuzz-seed.sh
cargo +nightly fuzz build
# lint_source reads both kinds of file, so it gets both dictionaries.
combined=fuzz/target/all.dict
mkdir -p fuzz/target
cat fuzz/dict/oci.dict fuzz/dict/json.dict >"$combined"
failed=()
for target in $(cargo +nightly fuzz list); do
  case "$target" in
    oci_statement | oci_document) dict=$PWD/fuzz/dict/oci.dict ;;
    aws_document) dict=$PWD/fuzz/dict/json.dict ;;
    *) dict=$PWD/$combined ;;
  esac
  echo "fuzz-ci: $target for ${seconds}s" >&2
  # -timeout: a policy-sized input taking seconds is a performance bug worth a report; -max_len keeps
  # inputs policy-sized; -rss_limit_mb catches runaway allocation.
  if ! cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -timeout=5 -max_len=65536 \
    -rss_limit_mb=2048 -dict="$dict" -print_final_stats=1; then
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-ci: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz-ci: every target ran ${seconds}s without a crash" >&2
