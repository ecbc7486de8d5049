#!/usr/bin/env python3
"""Generate grantlint's OCI resource-type / permission catalog (rules/oci/catalog.tsv).

Usage: oci_catalog.py WHEEL_OR_UNPACKED_DIR OUT_DIR

Two sources are merged: Oracle's permission mapping in the `oci-policy-analysis` wheel (below),
and OUT_DIR/doc-catalog.tsv, the types and families Oracle documents that the mapping lacks,
each with the URL it comes from (curated by hand; see that file's header).

The input is the PyPI wheel of `oci-policy-analysis` (UPL-1.0), either the .whl file itself
or the directory it was unzipped into. The per-service JSON files under
oci_policy_analysis/application/core/resources/permissions/ map every resource type to the
permissions each verb (inspect, read, use, manage) adds, and every family to its member
types. This script turns them into one deterministic, sorted, tab-separated file:

    family  <name>  <member>,<member>,...
    type    <name>  <inspect>  <read>  <use>  <manage>     (permissions the verb adds; '-' = none)
    alias   <alias> <canonical type>

Conservative choices, each recorded as a '#' comment line in the output:
  * families whose keyword no Oracle document confirms, and families whose membership the
    source marks as inferred, are not emitted (their member types still are);
  * family aliases are lookup aids in the source, not policy keywords, and are not emitted;
  * types whose catalog_status is not documented (legacy or rejected in the Console) are
    not emitted;
  * a family listed as a member of another family is replaced by its own members.
Permissions are upper-cased and each verb's list is de-duplicated; a permission the source
lists under two verbs of one type is kept under both, as listed.

Documented entries are merged after the mapping: a family the mapping lacks is added; a family
it has gains the documented members; a member neither source defines becomes a type with '?'
permissions (none listed) and the family's source; a documented type row the mapping already
defines is an error, so the curated file shrinks as the mapping grows. A `correct` row replaces
the per-verb lists of a type the mapping defines, where Oracle's page lists otherwise. Merged rows
carry their source URL in a last column.

If OUT_DIR holds data-exposing.tsv, every name in it is checked against the new catalog.
Standard library only; the output depends on the input alone (byte-identical on re-run).
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

PERMISSIONS_DIR = "oci_policy_analysis/application/core/resources/permissions"
VERBS = ("inspect", "read", "use", "manage")

# Families never emitted, with the reason written to the output.
UNCONFIRMED_FAMILIES = {
    "identity-family": "unconfirmed keyword",
}
# Not a family: the policy keyword that covers every resource type.
ALL_RESOURCES = "all-resources"
# A source note containing this marks a family whose membership Oracle does not enumerate.
INFERRED_MEMBERSHIP = re.compile(r"membership inferred", re.IGNORECASE)
# catalog_status values (absent = documented) whose types are emitted.
EMITTED_STATUSES = {None, "documented", "documented_resource"}

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")
PERMISSION_RE = re.compile(r"[A-Z0-9_]+")


class CatalogError(Exception):
    pass


# ---------------------------------------------------------------- input


def read_source(path: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Return (package metadata headers, {json file name: bytes}) from a wheel or a directory."""
    if path.is_file():
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            meta_names = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
            jsons = {
                PurePosixPath(n).name: zf.read(n)
                for n in names
                if str(PurePosixPath(n).parent) == PERMISSIONS_DIR and n.endswith(".json")
            }
            if len(meta_names) != 1:
                raise CatalogError(f"{path}: expected one *.dist-info/METADATA, found {len(meta_names)}")
            meta_text = zf.read(meta_names[0]).decode("utf-8")
    elif path.is_dir():
        metas = sorted(path.glob("*.dist-info/METADATA"))
        if len(metas) != 1:
            raise CatalogError(f"{path}: expected one *.dist-info/METADATA, found {len(metas)}")
        meta_text = metas[0].read_text(encoding="utf-8")
        jsons = {p.name: p.read_bytes() for p in (path / PERMISSIONS_DIR).glob("*.json")}
    else:
        raise CatalogError(f"{path}: no such file or directory")
    if not jsons:
        raise CatalogError(f"{path}: no {PERMISSIONS_DIR}/*.json")
    headers = HeaderParser().parsestr(meta_text, headersonly=True)
    meta = {
        "name": headers.get("Name", ""),
        "version": headers.get("Version", ""),
        "license": headers.get("License-Expression") or headers.get("License") or "",
    }
    if meta["name"].replace("_", "-").lower() != "oci-policy-analysis" or not meta["version"]:
        raise CatalogError(f"{path}: not an oci-policy-analysis distribution ({meta})")
    if not meta["license"]:
        raise CatalogError(f"{path}: METADATA names no license")
    return meta, jsons


def merge(jsons: dict[str, bytes]) -> tuple[dict, dict]:
    """Merge the per-service files; a name defined twice is an error."""
    resources: dict[str, dict] = {}
    families: dict[str, dict] = {}
    origin: dict[tuple[str, str], str] = {}
    for fname in sorted(jsons):
        data = json.loads(jsons[fname])
        for section, target in (("resources", resources), ("families", families)):
            for name, body in (data.get(section) or {}).items():
                if (section, name) in origin:
                    raise CatalogError(f"{section} {name!r} defined in {origin[section, name]} and {fname}")
                origin[section, name] = fname
                target[name] = body
    clash = sorted(set(resources) & set(families))
    if clash:
        raise CatalogError(f"names that are both a type and a family: {clash}")
    return resources, families


# ---------------------------------------------------------------- build


def check_name(kind: str, name: str) -> None:
    if not NAME_RE.fullmatch(name):
        raise CatalogError(f"unexpected {kind} name {name!r}")


def build(resources: dict, families: dict):
    comments: list[str] = []
    notes: list[str] = []  # stderr only

    # Types.
    types: dict[str, list[list[str]]] = {}
    for name in sorted(resources):
        body = resources[name]
        check_name("type", name)
        if name == ALL_RESOURCES:
            comments.append(f"# not emitted: type {name} (keyword for every type)")
            continue
        status = body.get("catalog_status")
        if status not in EMITTED_STATUSES:
            comments.append(f"# not emitted: type {name} (catalog_status {status})")
            continue
        verbs = body.get("verbs") or {}
        unknown = sorted(set(verbs) - set(VERBS))
        if unknown:
            raise CatalogError(f"type {name}: unknown verbs {unknown}")
        first: dict[str, str] = {}
        columns: list[list[str]] = []
        for verb in VERBS:
            perms = verbs.get(verb) or []
            if not isinstance(perms, list):
                raise CatalogError(f"type {name}: verbs.{verb} is not a list")
            added = set()
            for raw in perms:
                perm = str(raw).strip().upper()
                if perm != raw:
                    notes.append(f"upper-cased {raw} ({name})")
                if not PERMISSION_RE.fullmatch(perm):
                    raise CatalogError(f"type {name}: unexpected permission {raw!r}")
                if first.setdefault(perm, verb) != verb and perm not in added:
                    notes.append(f"{name}: {perm} listed under {first[perm]} and {verb} (kept under both)")
                added.add(perm)
            columns.append(sorted(added))
        types[name] = columns

    # Families.
    fams: dict[str, list[str]] = {}
    family_aliases: list[str] = []
    for name in sorted(families):
        body = families[name]
        check_name("family", name)
        family_aliases += [f"{a} -> {name}" for a in body.get("aliases") or []]
        if name == ALL_RESOURCES:
            comments.append(f"# not emitted: {name} (keyword for every type, not a family)")
            continue
        if name in UNCONFIRMED_FAMILIES:
            comments.append(f"# not emitted: {name} ({UNCONFIRMED_FAMILIES[name]})")
            continue
        if INFERRED_MEMBERSHIP.search(body.get("notes") or ""):
            comments.append(f"# not emitted: {name} (membership inferred by the source; Oracle does not enumerate it)")
            continue
        members: set[str] = set()
        for member in body.get("resources") or []:
            check_name("member", member)
            if member in families:
                nested = sorted(families[member].get("resources") or [])
                if any(m in families for m in nested):
                    raise CatalogError(f"family {member} (in {name}) nests another family")
                comments.append(f"# expanded: {name} member {member} is a family -> {','.join(nested)}")
                expand = nested
            else:
                expand = [member]
            for m in expand:
                if m in types:
                    members.add(m)
                else:
                    comments.append(f"# dropped: {name} member {m} (not an emitted type)")
        if not members:
            comments.append(f"# not emitted: {name} (no emitted member types)")
            continue
        fams[name] = sorted(members)

    if family_aliases:
        comments.append(
            "# not emitted: family aliases "
            + ", ".join(sorted(family_aliases))
            + " (lookup aliases in the source, not policy keywords)"
        )

    # Type aliases.
    aliases: dict[str, str] = {}
    for name in sorted(resources):
        for alias in resources[name].get("aliases") or []:
            alias = str(alias).strip().lower()
            check_name("alias", alias)
            if name not in types:
                comments.append(f"# not emitted: alias {alias} -> {name} (type not emitted)")
                continue
            if alias == name:
                continue
            if alias in resources or alias in families or alias == ALL_RESOURCES:
                raise CatalogError(f"alias {alias!r} of {name} is itself a type or family")
            if aliases.get(alias, name) != name:
                raise CatalogError(f"alias {alias!r} claimed by {aliases[alias]} and {name}")
            aliases[alias] = name

    return types, fams, aliases, sorted(set(comments)), notes


# ---------------------------------------------------------------- output


# ---------------------------------------------------------------- documented entries

DOC_FILE = "doc-catalog.tsv"
UNLISTED = "?"  # the documentation lists no permissions for this verb


def read_doc_catalog(path: Path) -> tuple[dict, dict, dict]:
    """{name: (columns or None, source)} for types, {name: (members, source)} for families, and
    {name: (columns, source)} for corrections of the mapping's per-verb lists."""
    types: dict[str, tuple] = {}
    fams: dict[str, tuple] = {}
    corrections: dict[str, tuple] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        where = f"{path}:{number}"
        if cols[0] == "family" and len(cols) == 4:
            _, name, members, source = cols
            members_list = [m for m in members.split(",") if m]
            for m in members_list:
                check_name("member", m)
            target, value = fams, (members_list, source)
        elif cols[0] in ("type", "correct") and len(cols) == 7:
            name, source = cols[1], cols[6]
            verbs = cols[2:6]
            if all(v == UNLISTED for v in verbs) and cols[0] == "type":
                value = (None, source)
            elif UNLISTED in verbs:
                raise CatalogError(f"{where}: list every verb's permissions, or none ('?' in all four, type rows only)")
            else:
                columns = [[] if v == "-" else v.split(",") for v in verbs]
                for perm in (p for c in columns for p in c):
                    if not PERMISSION_RE.fullmatch(perm):
                        raise CatalogError(f"{where}: unexpected permission {perm!r}")
                value = (columns, source)
            target = types if cols[0] == "type" else corrections
        else:
            raise CatalogError(f"{where}: expected a family (4 columns), type or correct (7 columns) row")
        check_name(cols[0], name)
        if not source.startswith("https://"):
            raise CatalogError(f"{where}: the source must be an https URL")
        if name in types or name in fams or name in corrections:
            raise CatalogError(f"{where}: {name} listed twice")
        target[name] = value
    return types, fams, corrections


def merge_documented(types, fams, aliases, doc_types, doc_fams, corrections):
    """Adds the documented entries; returns {name: source} for every row they add, extend or correct."""
    sources: dict[str, str] = {}
    comments: list[str] = []
    for name, (columns, source) in sorted(corrections.items()):
        # A correction replaces the mapping's lists where Oracle's page says otherwise; one the
        # mapping no longer needs is an error, so the curated file shrinks as the mapping is fixed.
        if types.get(name) is None:
            raise CatalogError(f"{DOC_FILE}: correct {name}: the mapping has no per-verb lists for it")
        fixed = [sorted(set(c)) for c in columns]
        if fixed == types[name]:
            raise CatalogError(f"{DOC_FILE}: correct {name}: the mapping already agrees; remove the row")
        comments.append(f"# corrected: {name} per-verb lists from {source}")
        types[name] = fixed
        sources[name] = source
    for name, (columns, source) in sorted(doc_types.items()):
        if name in types or name in fams or name in aliases:
            raise CatalogError(f"{DOC_FILE}: {name} is already in the mapping; remove it from {DOC_FILE}")
        types[name] = columns
        sources[name] = source
    for name, (members, source) in sorted(doc_fams.items()):
        if name in types or name in aliases:
            raise CatalogError(f"{DOC_FILE}: family {name} is a type in the mapping")
        for member in members:
            if member in fams or member == ALL_RESOURCES:
                raise CatalogError(f"{DOC_FILE}: family {name} lists the family {member}")
            if member not in types and aliases.get(member) not in types:
                types[member] = None
                sources[member] = source
        if name in fams:
            added = sorted(set(members) - set(fams[name]))
            comments.append(f"# extended: {name} + {','.join(added)} ({source})")
            fams[name] = sorted(set(fams[name]) | set(members))
        else:
            fams[name] = sorted(set(members))
        sources[name] = source
    return sources, comments


# ---------------------------------------------------------------- output


def render(meta: dict, types, fams, aliases, comments, sources) -> str:
    def cell(perms):
        return ",".join(perms) if perms else "-"

    def type_row(name):
        columns = types[name]
        cells = [UNLISTED] * 4 if columns is None else [cell(c) for c in columns]
        return "\t".join(["type", name, *cells, *([sources[name]] if name in sources else [])])

    def family_row(name):
        return "\t".join(["family", name, ",".join(fams[name]), *([sources[name]] if name in sources else [])])

    lines = [
        f"# source: PyPI oci-policy-analysis {meta['version']} ({meta['license']}), {PERMISSIONS_DIR}/*.json;"
        f" rules/oci/{DOC_FILE} (Oracle documentation, a URL per row)",
        "# columns: family<TAB>name<TAB>member,member,...[<TAB>source]  |  "
        "type<TAB>name<TAB>inspect<TAB>read<TAB>use<TAB>manage[<TAB>source]  |  alias<TAB>alias-name<TAB>canonical-name",
        f"# '{UNLISTED}': the documentation lists no permissions (the verb alone judges the grant)",
        *comments,
    ]
    lines += [family_row(name) for name in sorted(fams)]
    lines += [type_row(name) for name in sorted(types)]
    lines += [f"alias\t{alias}\t{aliases[alias]}" for alias in sorted(aliases)]
    return "\n".join(lines) + "\n"


def summarize(types, fams, aliases, notes) -> None:
    tier: dict[str, dict[str, list[str]]] = {}
    for name, columns in types.items():
        for verb, perms in zip(VERBS, columns or []):
            level = "read" if verb in ("inspect", "read") else "write"
            for perm in perms:
                tier.setdefault(perm, {}).setdefault(level, []).append(f"{name}:{verb}")
    err = sys.stderr
    print(
        f"families: {len(fams)}  types: {len(types)}  aliases: {len(aliases)}  "
        f"distinct permissions: {len(tier)}",
        file=err,
    )
    for note in notes:
        print(f"note: {note}", file=err)
    mixed = sorted(p for p, levels in tier.items() if len(levels) == 2)
    print(
        "permissions read-level (inspect/read) in one place and use/manage-level in another "
        f"(same or different type): {len(mixed)}",
        file=err,
    )
    for perm in mixed:
        print(
            f"  {perm}: read-level {','.join(sorted(tier[perm]['read']))}; "
            f"use/manage-level {','.join(sorted(tier[perm]['write']))}",
            file=err,
        )


def check_data_exposing(path: Path, types, fams) -> list[str]:
    """Names in data-exposing.tsv that the catalog does not define."""
    perms = {p for columns in types.values() for perms in columns or [] for p in perms}
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[1].strip():
            problems.append(f"{path}:{number}: expected name<TAB>reason")
            continue
        name = fields[0]
        known = name == ALL_RESOURCES or name in types or name in fams or name in perms
        if not known:
            problems.append(f"{path}:{number}: {name} is not in the catalog")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} WHEEL_OR_UNPACKED_DIR OUT_DIR", file=sys.stderr)
        return 2
    source, out_dir = Path(argv[1]), Path(argv[2])
    try:
        meta, jsons = read_source(source)
        resources, families = merge(jsons)
        types, fams, aliases, comments, notes = build(resources, families)
        doc_path = out_dir / DOC_FILE
        sources: dict[str, str] = {}
        if doc_path.exists():
            doc_types, doc_fams, corrections = read_doc_catalog(doc_path)
            sources, doc_comments = merge_documented(types, fams, aliases, doc_types, doc_fams, corrections)
            comments = sorted(set(comments) | set(doc_comments))
    except (CatalogError, ValueError, zipfile.BadZipFile) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "catalog.tsv"
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render(meta, types, fams, aliases, comments, sources))
    print(f"wrote {out} from oci-policy-analysis {meta['version']} ({len(jsons)} files)", file=sys.stderr)
    summarize(types, fams, aliases, notes)
    exposing = out_dir / "data-exposing.tsv"
    if exposing.exists():
        problems = check_data_exposing(exposing, types, fams)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
