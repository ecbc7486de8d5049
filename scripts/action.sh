#!/usr/bin/env bash
# What the GitHub Action (action.yml) runs: one check writes the SARIF report for code scanning,
# another annotates the pull request and gives the step its exit code (0 clean, 1 findings, 2 an
# error such as an unreadable path). Inputs come from the environment:
#   GRANTLINT_PATHS  files and directories to check, separated by spaces (default: .)
#   GRANTLINT_ARGS   more options for `grantlint check`, separated by spaces (--profile digiusher)
#   GRANTLINT_SARIF  where the SARIF report goes (default: grantlint.sarif)
# grantlint itself comes from scripts/grantlint.sh: a release binary, or a build.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exe="$("$here/scripts/grantlint.sh" --path)" || exit 2
read -r -a paths <<<"${GRANTLINT_PATHS:-.}"
read -r -a args <<<"${GRANTLINT_ARGS:-}"
sarif="${GRANTLINT_SARIF:-grantlint.sarif}"

"$exe" check --format sarif --exit-zero --quiet "${args[@]}" "${paths[@]}" >"$sarif"
report=$?
"$exe" check --format github "${args[@]}" "${paths[@]}"
verdict=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
fi
if [ "$report" -ne 0 ]; then
  echo "grantlint: the SARIF report could not be written (exit $report)" >&2
  exit "$report"
fi
exit "$verdict"
