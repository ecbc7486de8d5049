#!/usr/bin/env bash
# Runs `grantlint ARGS…`, obtaining grantlint first when needed. The pre-commit hook and the GitHub
# Action (action.yml) call it; `--path` prints where the binary is instead of running it.
#
# Where grantlint comes from, in order:
#   1. GRANTLINT_BIN, when set (a build of your own).
#   2. A binary obtained before, in the cache directory: GRANTLINT_CACHE, by default `.cache/` in
#      this repository's copy (pre-commit keeps one per hook revision).
#   3. This version's release binary for this platform (.github/workflows/release.yml builds them),
#      checked against its published SHA-256. GRANTLINT_RELEASES is where releases are downloaded
#      from (default: this repository's GitHub releases; a file:// URL works too).
#   4. Otherwise built from this copy of the source with cargo, without the live-audit clients
#      (`--no-default-features`: neither `audit-oci` nor `audit-aws`): the checks only, which is
#      all a hook or a CI check runs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${GRANTLINT_CACHE:-$here/.cache}"
cache="${cache/#\~/$HOME}" # as a workflow's `env:` passes it, unexpanded
releases="${GRANTLINT_RELEASES:-https://github.com/grantlint/grantlint/releases/download}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)"

say() { echo "grantlint: $*" >&2; }

# The release's name for this machine, or nothing when there is no release build for it.
platform() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo x86_64-unknown-linux-musl ;;
    Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-musl ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
    Darwin-arm64) echo aarch64-apple-darwin ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) echo x86_64-pc-windows-msvc ;;
    *) ;;
  esac
}

fetch() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --output "$2" "$1"
  else
    wget --quiet --output-document="$2" "$1"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Downloads and unpacks this version's release binary into $cache/bin; fails when there is none.
download() {
  local target archive expected actual
  target="$(platform)"
  [ -n "$target" ] || return 1
  archive="grantlint-v$version-$target.tar.gz"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  fetch "$releases/v$version/$archive.sha256" "$tmp/sum" 2>/dev/null || return 1
  fetch "$releases/v$version/$archive" "$tmp/$archive" || return 1
  expected="$(cut -d' ' -f1 <"$tmp/sum")"
  actual="$(sha256 "$tmp/$archive")"
  if [ "$expected" != "$actual" ]; then
    say "the download of $archive does not match its published SHA-256 ($actual, expected $expected)"
    exit 2
  fi
  mkdir -p "$cache/bin"
  tar -xzf "$tmp/$archive" -C "$tmp"
  mv "$tmp/grantlint-v$version-$target/grantlint"* "$cache/bin/"
  say "using the v$version release for $target"
}

build() {
  say "no v$version release binary for this machine; building grantlint $version with cargo (once)"
  command -v cargo >/dev/null 2>&1 || { say "cargo is needed to build grantlint: https://rustup.rs"; exit 2; }
  # Optimised less than a release (opt-level 1, no link-time optimisation, 16 codegen units): the
  # build is a one-off wait at a first commit, while checking a repository's policies takes
  # milliseconds either way (all of grantlint's fixtures: 0.18 s against a release's 0.14 s).
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --quiet --locked --no-default-features --root "$cache" --path "$here" >&2
}

binary() {
  if [ -n "${GRANTLINT_BIN:-}" ]; then
    echo "$GRANTLINT_BIN"
    return
  fi
  local exe="$cache/bin/grantlint"
  [ -x "$exe.exe" ] && exe="$exe.exe"
  if [ ! -x "$exe" ]; then
    download || build
    exe="$cache/bin/grantlint"
    [ -x "$exe.exe" ] && exe="$exe.exe"
  fi
  echo "$exe"
}

if [ "${1:-}" = "--path" ]; then
  binary
else
  exe="$(binary)"
  exec "$exe" "$@"
fi
