#!/usr/bin/env bash
# Runs grantlint's whole test suite on a fresh machine: installs the Python packages the tests
# drive (test servers, the reference OCI signer) into .venv, then runs every cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
export GRANTLINT_PYTHON="$PWD/.venv/bin/python"
cargo test --all-targets "$@"
