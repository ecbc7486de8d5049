#!/usr/bin/env python3
"""Generate a deterministic corpus of OCI policy statements for benchmarks and fuzzing.

usage: gen-oci-corpus.py N OUTDIR [--seed S]

Writes exactly N statements, grouped into policies of 1 to 50 statements:
  OUTDIR/policies/pNNNNN.policy   grantlint's text format, one policy per file
  OUTDIR/policy-list.json         the same policies as `oci iam policy list` output ({"data": [...]})
  OUTDIR/all.oci                  every statement of every policy, concatenated (for single-file tools)
  OUTDIR/manifest.json            counts, the seed, and how many statements are deliberately invalid

Every form of grammar/oci-policy.ebnf appears: each statement kind (allow, deny, deny endorse,
deny admit, define of each kind, endorse, admit), each subject, verb, location and scope, permission
lists with and without `to`, every condition operator, and all/any groups nested up to four deep.
Every line of grammar/examples/valid.oci is used as a seed statement; about 0.5% of statements
are taken from grammar/examples/invalid.oci, so the error path is measured too. Keyword case,
spacing and line breaks vary the way hand-written policies do; some files use CRLF line endings.
Resource types, families and permissions come from rules/oci/catalog.tsv.

The same N and seed always produce the same bytes.
"""
import json
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
STATEMENT_WORDS = ("allow", "deny", "define", "endorse", "admit")
MAX_PER_POLICY = 50  # OCI's limit per policy (rule OCI011)
INVALID_RATE = 0.005


def load_catalog():
    types, families, permissions = [], [], []
    for line in (ROOT / "rules/oci/catalog.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        if cols[0] == "type":
            types.append(cols[1])
            for col in cols[2:]:
                permissions.extend(p for p in col.split(",") if p and p != "-")
        elif cols[0] == "family":
            families.append(cols[1])
    return types, families, sorted(set(permissions))


def example_lines(name):
    lines = (ROOT / "grammar/examples" / name).read_text(encoding="utf-8").splitlines()
    return [l for l in lines if l.strip() and not l.startswith("#")]


def starts_statement(line):
    word = line.lstrip().split(" ", 1)[0].lower()
    return word in STATEMENT_WORDS


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.types, self.families, self.permissions = load_catalog()
        # A few names grantlint does not know, so OCI010's path runs too.
        self.resources = self.types + self.families + ["all-resources"] * 8 + ["made-up-widgets", "legacy-things"]

    def pick(self, seq):
        return self.r.choice(seq)

    def kw(self, word):
        """Keywords are case-insensitive; real policies mostly use lower or title case."""
        x = self.r.random()
        if x < 0.70:
            return word
        if x < 0.95:
            return word[:1].upper() + word[1:]
        return word.upper()

    def sp(self):
        return "  " if self.r.random() < 0.03 else " "

    def ident(self, prefix):
        return f"{prefix}{self.r.randrange(1, 400)}"

    def ocid(self, kind):
        body = "".join(self.r.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(60))
        return f"ocid1.{kind}.oc1..{body}"

    def ocid_ref(self, kind):
        """`ocid` = ocid1… | 'quoted' | <placeholder> | ${interpolation}"""
        x = self.r.random()
        if x < 0.85:
            return self.ocid(kind)
        if x < 0.92:
            return f"'{self.ocid(kind)}'"
        if x < 0.96:
            return f"<{kind} ocid>"
        return "${var." + kind + "_ocid}"

    def name(self):
        """`name` = word | 'quoted string' (with spaces, or non-ASCII letters)."""
        x = self.r.random()
        if x < 0.80:
            return self.pick(["Ops", "Auditors", "FinOps", "Net-Admins", "readers_2", "svc.acct", "a+b", "x@corp"]) + str(
                self.r.randrange(100)
            )
        if x < 0.95:
            return f"'{self.pick(['Dev Team', 'Cost Readers', 'Ops On-Call'])} {self.r.randrange(100)}'"
        return f"'{self.pick(['Équipe', 'Finanz-Prüfer', 'データ'])} {self.r.randrange(100)}'"

    def principal_name(self):
        n = self.name()
        return f"{self.name()}/{n}" if self.r.random() < 0.2 else n

    def principal_list(self, kind):
        count = 1 if self.r.random() < 0.8 else self.r.randrange(2, 5)
        if self.r.random() < 0.2:
            return ", ".join(f"{self.kw('id')} {self.ocid_ref(kind)}" for _ in range(count))
        return ", ".join(self.principal_name() for _ in range(count))

    def subject(self, short_resource=True):
        """`short_resource=False` before `of`: `resource fnfunc of …` would read `of` as its second word."""
        x = self.r.random()
        if x < 0.55:
            return f"{self.kw('group')} {self.principal_list('group')}"
        if x < 0.70:
            return f"{self.kw('dynamic-group')} {self.principal_list('dynamicgroup')}"
        if x < 0.80:
            services = ["objectstorage-us-ashburn-1", "faas", "blockstorage", "cloudguard", "vulnerability-scanning"]
            return f"{self.kw('service')} " + ", ".join(self.r.sample(services, self.r.randrange(1, 3)))
        if x < 0.88:
            return self.kw("any-user")
        if x < 0.94:
            return self.kw("any-group")
        if x < 0.97 and short_resource:
            return f"{self.kw('resource')} {self.pick(['fnfunc', 'connector', 'datascience'])}"
        return f"{self.kw('resource')} {self.pick(['connector', 'workload'])} {self.ident('r')}"

    def verb_and_type(self):
        verb = self.r.choices(["inspect", "read", "use", "manage"], weights=[3, 5, 2, 2])[0]
        return f"{self.kw(verb)} {self.pick(self.resources)}"

    def permission_list(self):
        perms = self.r.sample(self.permissions, self.r.randrange(1, 5))
        inner = (", " if self.r.random() < 0.7 else ",").join(perms)
        return f"{{ {inner} }}" if self.r.random() < 0.2 else f"{{{inner}}}"

    def grant_action(self):
        x = self.r.random()
        if x < 0.80:
            return f"{self.kw('to')} {self.verb_and_type()}"
        if x < 0.95:
            return f"{self.kw('to')} {self.permission_list()}"
        return self.permission_list()  # (obs.) a list without `to`

    def compartment_path(self):
        return ":".join(self.name() for _ in range(self.r.randrange(1, 4)))

    def location(self):
        x = self.r.random()
        if x < 0.45:
            return self.kw("tenancy")
        if x < 0.65:
            return f"{self.kw('compartment')} {self.kw('id')} {self.ocid_ref('compartment')}"
        return f"{self.kw('compartment')} {self.compartment_path()}"

    # ----- conditions -----

    VARIABLES = [
        "request.region", "request.user.id", "request.principal.type", "request.operation",
        "request.permission", "request.utc-timestamp", "request.utc-timestamp.time-of-day",
        "target.bucket.name", "target.compartment.name", "target.resource.tag.Ops.Env",
        "request.networkSource.name", "request.user.mfaTotpVerified", "target.group.name",
    ]

    def string(self):
        return "'" + self.pick(["iad", "us-phoenix-1", "prod", "A-Admins", "2024-01-01T00:00Z", "Équipe", "x y"]) + "'"

    def value(self):
        x = self.r.random()
        if x < 0.75:
            return self.string()
        if x < 0.90:
            return "/" + self.pick(["A-*", "*-prod", "reports-*", "*"]) + "/"
        return self.pick(["target.agent.id", "request.principal.compartment.id", "target.compartment.id"])

    def condition(self):
        var = self.pick(self.VARIABLES)
        x = self.r.randrange(11)
        eq = self.pick(["=", " = ", " =", "= "])
        return [
            lambda: f"{var}{eq}{self.value()}",
            lambda: f"{var} != {self.value()}",
            lambda: f"{var} {self.kw('in')} ({', '.join(self.value() for _ in range(self.r.randrange(1, 4)))})",
            lambda: f"{var} {self.kw('not')} {self.kw('in')} ({self.value()})",
            lambda: f"{var} {self.kw('before')} '2030-01-01T00:00Z'",
            lambda: f"{var} {self.kw('after')} '2020-01-01Z'",
            lambda: f"{var} {self.kw('between')} '08:00:00Z' {self.kw('and')} '17:00:00Z'",
            lambda: f"!{var}",
            lambda: f"{self.kw('not')} {var}",
            lambda: var,  # presence test
            lambda: f"{var}{eq}{self.value()}",
        ][x]()

    def cond_expr(self, depth=0):
        if depth < 4 and self.r.random() < (0.45 if depth == 0 else 0.25):
            items = [self.cond_expr(depth + 1) for _ in range(self.r.randrange(1, 4))]
            group = self.kw(self.pick(["all", "any"]))
            sep = ", " if self.r.random() < 0.8 else ","
            return f"{group} {{{sep.join(items)}}}"
        return self.condition()

    def where(self, chance):
        return f" {self.kw('where')} {self.cond_expr()}" if self.r.random() < chance else ""

    # ----- statements -----

    def grant(self, effect):
        return f"{self.kw(effect)} {self.subject()} {self.grant_action()}{self.sp()}{self.kw('in')} {self.location()}{self.where(0.35)}"

    def define(self, kind, alias):
        ocid_kind = {"tenancy": "tenancy", "group": "group", "dynamic-group": "dynamicgroup", "compartment": "compartment"}
        return f"{self.kw('define')} {self.kw(kind)} {alias} {self.kw('as')} {self.ocid_ref(ocid_kind[kind])}"

    def endorse_scope(self, tenancy):
        x = self.r.random()
        if x < 0.3:
            return self.kw("any-tenancy")
        if x < 0.7:
            return f"{self.kw('tenancy')} {tenancy}"
        return f"{self.kw('compartment')} {self.compartment_path()} {self.kw('of')} {self.kw('tenancy')} {tenancy}"

    def admit_scope(self, tenancy):
        return f"{self.kw('tenancy')} {tenancy}" if self.r.random() < 0.3 else self.location()

    def xt_plain_action(self):
        x = self.r.random()
        if x < 0.75:
            return f"{self.kw('to')} {self.verb_and_type()}"
        if x < 0.9:
            return f"{self.kw('to')} {self.permission_list()}"
        return self.permission_list()

    def endorse(self, tenancy, deny=False):
        head = f"{self.kw('deny')} {self.kw('endorse')}" if deny else self.kw("endorse")
        subject = self.subject()
        if self.r.random() < 0.15:
            a, b = self.pick(self.resources), self.pick(self.resources)
            first = self.location() if self.r.random() < 0.5 else self.endorse_scope(tenancy)
            return (
                f"{head} {subject} {self.kw('to')} {self.kw('associate')} {a} {self.kw('in')} {first} "
                f"{self.kw('with')} {b} {self.kw('in')} {self.endorse_scope(tenancy)}{self.where(0.2)}"
            )
        return f"{head} {subject} {self.xt_plain_action()} {self.kw('in')} {self.endorse_scope(tenancy)}{self.where(0.2)}"

    def admit(self, tenancy, deny=False):
        head = f"{self.kw('deny')} {self.kw('admit')}" if deny else self.kw("admit")
        x = self.r.random()
        if x < 0.1:
            subject, of = self.kw(self.pick(["any-user", "any-group"])), f" {self.kw('of')} {self.kw('any-tenancy')}"
        elif x < 0.9:
            subject, of = self.subject(short_resource=False), f" {self.kw('of')} {self.kw('tenancy')} {tenancy}"
        else:
            subject, of = self.subject(), ""
        if self.r.random() < 0.15:
            a, b = self.pick(self.resources), self.pick(self.resources)
            return (
                f"{head} {subject}{of} {self.kw('to')} {self.kw('associate')} {a} {self.kw('in')} "
                f"{self.admit_scope(tenancy)} {self.kw('with')} {b} {self.kw('in')} {self.admit_scope(tenancy)}"
                f"{self.where(0.2)}"
            )
        return f"{head} {subject}{of} {self.xt_plain_action()} {self.kw('in')} {self.admit_scope(tenancy)}{self.where(0.2)}"

    def grant_policy(self, size):
        return [self.grant("deny" if self.r.random() < 0.08 else "allow") for _ in range(size)]

    def cross_policy(self, size):
        """Define the aliases first, then Endorse/Admit statements that use them."""
        tenancies = [self.ident("Tenancy") for _ in range(self.r.randrange(1, 3))]
        out = [self.define("tenancy", t) for t in tenancies]
        for kind in ("group", "dynamic-group", "compartment"):
            if len(out) < size and self.r.random() < 0.3:
                out.append(self.define(kind, self.ident(kind.split("-")[-1].title())))
        while len(out) < size:
            tenancy = self.pick(tenancies)
            x = self.r.random()
            if x < 0.45:
                out.append(self.endorse(tenancy))
            elif x < 0.90:
                out.append(self.admit(tenancy))
            elif x < 0.95:
                out.append(self.endorse(tenancy, deny=True))
            else:
                out.append(self.admit(tenancy, deny=True))
        return out[:size]


def layout(statements, rng, crlf):
    """Text-format layout: a header comment, some statements split over lines, blank/comment lines."""
    lines = ["# generated by scripts/gen-oci-corpus.py"]
    for s in statements:
        r = rng.random()
        if r < 0.03:
            lines.append("")
        elif r < 0.06:
            lines.append("# next statement")
        cut = -1
        if rng.random() < 0.10:
            # Continue a statement on the next line before ` in ` or ` where `, as people wrap long ones.
            low = s.lower()
            cut = max(low.rfind(" where "), low.rfind(" in "))
        if cut > 0:
            lines.append(s[:cut])
            lines.append("    " + s[cut + 1 :])
        else:
            lines.append(s)
    eol = "\r\n" if crlf else "\n"
    return eol.join(lines) + eol


def main():
    args = sys.argv[1:]
    seed = 8
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2 or not args[0].isdigit() or int(args[0]) < 1:
        sys.exit(__doc__.strip().split("\n\n")[1])
    total, outdir = int(args[0]), pathlib.Path(args[1])
    rng = random.Random(seed)
    gen = Gen(rng)

    valid_seeds = example_lines("valid.oci")
    # Only invalid lines that start a statement: others would continue the previous statement.
    invalid_seeds = [l for l in example_lines("invalid.oci") if starts_statement(l)]
    seed_queue = list(valid_seeds)

    policies_dir = outdir / "policies"
    policies_dir.mkdir(parents=True, exist_ok=True)
    for old in policies_dir.glob("*.policy"):
        old.unlink()

    written, invalid, policies, all_text = 0, 0, [], []
    while written < total:
        size = min(rng.randrange(1, MAX_PER_POLICY + 1), total - written)
        statements = gen.cross_policy(size) if rng.random() < 0.2 else gen.grant_policy(size)
        # Seed statements first, so every valid example appears even in a small corpus.
        for i in range(len(statements)):
            if seed_queue:
                statements[i] = seed_queue.pop(0)
            elif rng.random() < INVALID_RATE:
                statements[i] = rng.choice(invalid_seeds)
                invalid += 1
        name = f"p{len(policies):05d}"
        text = layout(statements, rng, crlf=rng.random() < 0.05)
        (policies_dir / f"{name}.policy").write_bytes(text.encode("utf-8"))
        all_text.append(text.replace("\r\n", "\n"))
        policies.append({"name": name, "statements": statements})
        written += len(statements)

    listing = {"data": [{"compartment-id": gen.ocid("tenancy"), "name": p["name"], "statements": p["statements"]} for p in policies]}
    (outdir / "policy-list.json").write_text(json.dumps(listing, indent=2) + "\n", encoding="utf-8")
    (outdir / "all.oci").write_text("".join(all_text), encoding="utf-8")
    manifest = {"seed": seed, "statements": written, "invalid": invalid, "policies": len(policies)}
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"{written} statements ({invalid} invalid) in {len(policies)} policies under {outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
