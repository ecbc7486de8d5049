#!/usr/bin/env bash
# Packs one release build: DIST/grantlint-vVERSION-TARGET.tar.gz (the binary, README, licence
# notice) and its SHA-256 beside it, the names scripts/grantlint.sh downloads.
# usage: scripts/package-release.sh TARGET BINARY DIST
set -euo pipefail
target="$1" binary="$2" dist="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)"
name="grantlint-v$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$dist"
cp "$binary" "$stage/$name/"
cp "$here/README.md" "$stage/$name/"
echo "grantlint $version, licensed under the Apache License 2.0: https://www.apache.org/licenses/LICENSE-2.0" \
  >"$stage/$name/LICENSE"
tar -czf "$dist/$name.tar.gz" -C "$stage" "$name"
( cd "$dist" && if command -v sha256sum >/dev/null 2>&1; then sha256sum "$name.tar.gz"; else shasum -a 256 "$name.tar.gz"; fi ) \
  >"$dist/$name.tar.gz.sha256"
echo "$dist/$name.tar.gz"
