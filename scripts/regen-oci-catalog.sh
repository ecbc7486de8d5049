#!/bin/sh
# Regenerate rules/oci/catalog.tsv from a pinned release of the PyPI package
# oci-policy-analysis (UPL-1.0), which carries Oracle's per-service verb/permission tables.
#
# usage: scripts/regen-oci-catalog.sh VERSION      (run from the repository root)
#
# The wheel requires Python >= 3.12 to install, but it is only downloaded and unzipped here,
# so any Python 3.11+ with pip works. rules/oci/doc-catalog.tsv (types and families Oracle's
# documentation adds, a source URL each) is merged in; rules/oci/data-exposing.tsv is
# hand-curated, and the generator checks that every name in it still exists in the new catalog.
set -eu

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 VERSION" >&2
    exit 2
fi
version=$1

if [ ! -f scripts/oci_catalog.py ]; then
    echo "$0: run from the repository root" >&2
    exit 2
fi

python=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

"$python" -m pip download --quiet --no-deps --python-version 3.12 --only-binary=:all: \
    "oci-policy-analysis==$version" -d "$tmp/dl"

set -- "$tmp"/dl/oci_policy_analysis-*.whl
if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
    echo "$0: expected one oci_policy_analysis wheel in the download" >&2
    exit 1
fi

unzip -q "$1" -d "$tmp/wheel"
"$python" scripts/oci_catalog.py "$tmp/wheel" rules/oci
