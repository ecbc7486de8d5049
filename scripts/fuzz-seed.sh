#!/usr/bin/env bash
# Seeds the cargo-fuzz corpora (fuzz/corpus/TARGET/) from the repository's real policies:
# fixtures/ (DigiUsher's onboarding policies included) and grammar/examples/.
# usage: scripts/fuzz-seed.sh
#   oci_statement  one statement per file (every statement line of the text policies)
#   oci_document   every text policy and JSON file
#   aws_document   every JSON file
#   lint_source    every policy file behind a selector byte: low bits pick the file name the
#                  target lints it under (0 = p.policy, 1 = p.json), bit 7 turns the profile on
#                  and bit 5 SARIF output
# Seeds are named by their content's hash, so running this again adds nothing twice. The corpora
# are not committed (fuzz/.gitignore); libFuzzer grows them as it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
mkdir -p "$corpus"/{oci_statement,oci_document,aws_document,lint_source}

# Writes standard input to DIR/<sha1 of the content>.
put() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  mv "$tmp" "$1/$(sha1sum "$tmp" | cut -c1-40)"
}

dirs=(fixtures grammar/examples)

count=0
# The larger JSON files under fixtures/ (a SARIF schema, signing vectors) are not policies.
while IFS= read -r -d '' file; do
  case "$file" in
    *.json)
      put "$corpus/aws_document" <"$file"
      put "$corpus/oci_document" <"$file"
      for selector in '\x01' '\xa1'; do { printf "$selector"; cat "$file"; } | put "$corpus/lint_source"; done
      ;;
    *)
      put "$corpus/oci_document" <"$file"
      for selector in '\x00' '\xa0'; do { printf "$selector"; cat "$file"; } | put "$corpus/lint_source"; done
      grep -iE '^[[:space:]]*(allow|deny|define|endorse|admit)\b' "$file" | while IFS= read -r line; do
        printf '%s' "$line" | put "$corpus/oci_statement"
      done || true
      ;;
  esac
  count=$((count + 1))
done < <(find "${dirs[@]}" -type f \( -name '*.policy' -o -name '*.oci' -o -name '*.json' -o -name '*.txt' \) \
  -size -32k -print0 | sort -z)

for target in oci_statement oci_document aws_document lint_source; do
  echo "fuzz-seed: $target: $(find "$corpus/$target" -type f | wc -l) inputs" >&2
done
echo "fuzz-seed: seeded from $count files" >&2
