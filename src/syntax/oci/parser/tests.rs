use super::*;
use crate::span::SpanMap;

const GRAMMAR: &str = include_str!("../../../../grammar/oci-policy.ebnf");
const VALID: &str = include_str!("../../../../grammar/examples/valid.oci");
const INVALID: &str = include_str!("../../../../grammar/examples/invalid.oci");
const MAP: SpanMap = SpanMap::Offset(0);

fn parse(text: &str) -> Result<Statement<'_>, SyntaxError> {
    static ZERO: SpanMap = MAP;
    parse_statement(text, &ZERO)
}

fn statements(examples: &str) -> impl Iterator<Item = &str> {
    examples.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

#[test]
fn every_valid_example_parses() {
    for line in statements(VALID) {
        if let Err(e) = parse(line) {
            panic!("{line}\n  rejected: {} at {:?}", e.message, e.span);
        }
    }
}

#[test]
fn every_invalid_example_is_rejected_with_a_position() {
    let mut report = String::new();
    let mut why = "";
    for line in INVALID.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            why = comment;
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match parse(line) {
            Ok(_) => panic!("accepted, but OCI rejects it ({why}): {line}"),
            Err(e) => {
                assert!(e.span.end <= line.len() && line.is_char_boundary(e.span.start), "{line}: {:?}", e.span);
                let underline = format!(
                    "{}{}",
                    " ".repeat(line[..e.span.start].chars().count()),
                    "^".repeat(line[e.span.range()].chars().count().max(1))
                );
                report.push_str(&format!("# {why}\n{line}\n{underline} {}", e.message));
                if let Some(help) = e.help {
                    report.push_str(&format!(" (help: {help})"));
                }
                report.push_str("\n\n");
            }
        }
    }
    insta::assert_snapshot!(report);
}

/// One statement per grammar production; every production in the EBNF must be listed here.
const PRODUCTION_EXAMPLES: &[(&str, &str)] = &[
    ("statement", "Allow group A to read buckets in tenancy"),
    ("allow_stmt", "allow group A to read buckets in tenancy"),
    ("deny_stmt", "Deny group A to manage buckets in tenancy"),
    ("grant", "Allow group A to read buckets in compartment X where request.region = 'iad'"),
    ("grant_action", "Allow group A {BUCKET_READ} in tenancy"),
    ("subject", "Allow any-user to read buckets in tenancy"),
    ("principal_list", "Allow group id ocid1.group.oc1..aaaa, id ocid1.group.oc1..bbbb to read buckets in tenancy"),
    ("principal_name", "Allow group 'Default'/'Auditors' to read buckets in tenancy"),
    ("service_name", "Allow service 'cloudguard', objectstorage-us-ashburn-1 to read all-resources in tenancy"),
    ("verb_and_type", "Allow group A to inspect all-resources in tenancy"),
    ("verb", "Allow group A to use buckets in tenancy"),
    ("resource_type", "Allow group A to manage object-family in tenancy"),
    ("permission_list", "Allow group A to {BUCKET_READ, OBJECT_INSPECT} in tenancy"),
    ("permission", "Allow group A to {_LEGACY_PERMISSION_2} in tenancy"),
    ("location", "Allow group A to read buckets in compartment id ocid1.compartment.oc1..aaaa"),
    ("compartment_path", "Allow group A to read buckets in compartment 'My Comp':Sub:Leaf"),
    ("where_clause", "Allow group A to read buckets in tenancy where request.region = 'iad'"),
    (
        "cond_expr",
        "Allow group A to read buckets in tenancy where all {request.region = 'iad', any {request.ad = 'AD-1'}}",
    ),
    (
        "condition",
        "Allow group A to read buckets in tenancy where request.operation not in ('ListBuckets', 'GetBucket')",
    ),
    (
        "function_call",
        "Allow group A to use vnics in compartment C where sets-intersect(target.resource.compartment.tag.ns.role, ('net'))",
    ),
    (
        "function_name",
        "Allow group A to read buckets in tenancy where any {SETS-INTERSECT(request.principal.group.tag.ns.k, target.resource.tag.ns.k)}",
    ),
    (
        "operand",
        "Allow group A to read buckets in tenancy where all {sets-intersect(target.resource.tag.ns.k, ('a', 'b')), request.region = 'iad'}",
    ),
    ("variable", "Allow group A to read buckets in tenancy where target.resource.tag.Ops.Env = 'prod'"),
    ("value", "Allow group A to read buckets in tenancy where target.bucket.name = /prod-*/"),
    ("variable_reference", "Allow any-user to use keys in tenancy where request.principal.id = target.agent.id"),
    ("define_stmt", "Define dynamic-group DG as ocid1.dynamicgroup.oc1..aaaa"),
    ("endorse_stmt", "Endorse group G to read buckets in tenancy Acme"),
    (
        "endorse_body",
        "Endorse group G to read buckets in compartment Shared of tenancy Acme where request.region = 'iad'",
    ),
    ("admit_stmt", "Admit group G of tenancy Acme to read buckets in tenancy"),
    ("admit_body", "Admit any-group of any-tenancy to read buckets in compartment C"),
    ("tenancy_ref", "Admit group G of tenancy Acme to inspect compartments in tenancy"),
    (
        "xt_action",
        "Endorse group G to associate local-peering-gateways in tenancy Acme with local-peering-gateways in any-tenancy",
    ),
    ("endorse_scope", "Endorse group G to read buckets in any-tenancy"),
    ("admit_scope", "Admit group G of tenancy T to associate a-type in tenancy T with b-type in compartment PE"),
    ("word", "Allow group a.b-c_d@e+f to read buckets in tenancy"),
    ("name", "Allow group 'Name With Spaces' to read buckets in tenancy"),
    ("alias", "Define tenancy usage-report as ocid1.tenancy.oc1..aaaa"),
    ("string", "Allow group A to read buckets in tenancy where request.utc-timestamp before '2022-01-01Z'"),
    ("pattern", "Allow group A to manage groups in tenancy where target.group.name = /*-admins/"),
    ("ocid", "Define tenancy Acme as 'ocid1.tenancy.oc1..aaaa'"),
];

#[test]
fn every_grammar_production_has_a_passing_example() {
    let productions: Vec<&str> = GRAMMAR
        .lines()
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    assert!(productions.len() > 30, "the grammar file was not read: {productions:?}");
    for production in &productions {
        let example = PRODUCTION_EXAMPLES.iter().find(|(name, _)| name == production);
        let Some((_, example)) = example else { panic!("grammar production `{production}` has no example") };
        if let Err(e) = parse(example) {
            panic!("{production}: {example}\n  rejected: {}", e.message);
        }
    }
    for (name, _) in PRODUCTION_EXAMPLES {
        assert!(productions.contains(name), "example for `{name}`, which the grammar does not have");
    }
}

#[test]
fn spans_point_at_the_tokens() {
    let text = "Allow group 'Dev Team' to MANAGE buckets in compartment Prod:Web";
    let stmt = parse(text).unwrap();
    let at = |span: Span| &text[span.range()];
    assert_eq!(at(stmt.span), text);
    assert_eq!(at(stmt.keyword.span), "Allow");
    let StatementKind::Grant { effect: Effect::Allow, grant } = &stmt.kind else { panic!("{stmt:?}") };
    assert_eq!(at(grant.subject.span), "group 'Dev Team'");
    let SubjectKind::Group(principals) = &grant.subject.kind else { panic!() };
    let Principal::Name { domain: None, name } = &principals[0] else { panic!() };
    assert_eq!((name.text, at(name.span)), ("Dev Team", "Dev Team"));
    let Action::Verb { verb, verb_span, resource } = &grant.action else { panic!() };
    assert_eq!((*verb, at(*verb_span), at(resource.span)), (Verb::Manage, "MANAGE", "buckets"));
    assert_eq!(at(grant.location.span()), "compartment Prod:Web");
}

#[test]
fn spans_follow_a_file_offset() {
    let map = SpanMap::Offset(100);
    let stmt = parse_statement("allow group A to use keys in tenancy", &map).unwrap();
    assert_eq!(stmt.span, Span::new(100, 136));
    let err = parse_statement("allow group A to use keys", &map).unwrap_err();
    assert_eq!(err.span, Span::at(125));
}

#[test]
fn conditions_keep_their_structure() {
    let stmt =
        parse("Allow group A to read buckets in tenancy where any {request.ad in ('AD-1', 'AD-2'), not target.x.y}")
            .unwrap();
    let StatementKind::Grant { grant, .. } = stmt.kind else { panic!() };
    let Some(Condition::Group { all: false, items, .. }) = grant.condition else { panic!() };
    assert!(matches!(&items[0], Condition::Compare { op: Operator::In, values, .. } if values.len() == 2));
    assert!(matches!(&items[1], Condition::Presence { negated: true, .. }));
}

#[test]
fn cross_tenancy_forms() {
    let stmt = parse("Admit group G of tenancy T to associate a in tenancy T with b in compartment PE").unwrap();
    let StatementKind::Admit { effect: Effect::Allow, grant } = stmt.kind else { panic!() };
    assert_eq!(grant.of.and_then(|o| o.alias).map(|a| a.text), Some("T"));
    assert!(matches!(grant.action, Action::Associate { .. }));
    assert!(matches!(grant.with_scope, Some(Scope::Location(Location::CompartmentPath { .. }))));
    let stmt = parse("Admit resource fnfunc of tenancy T to read objects in tenancy").unwrap();
    let StatementKind::Admit { grant, .. } = stmt.kind else { panic!() };
    assert!(matches!(&grant.subject.kind, SubjectKind::Resource(words) if words.len() == 1));
    assert_eq!(grant.of.and_then(|o| o.alias).map(|a| a.text), Some("T"));
    let stmt = parse("Admit resource fn function of tenancy T to read objects in tenancy").unwrap();
    let StatementKind::Admit { grant, .. } = stmt.kind else { panic!() };
    assert!(matches!(&grant.subject.kind, SubjectKind::Resource(words) if words.len() == 2));
    let stmt = parse("deny endorse group G to manage buckets in any-tenancy").unwrap();
    assert!(matches!(stmt.kind, StatementKind::Endorse { effect: Effect::Deny, .. }));
}

#[test]
fn hostile_input_never_panics() {
    let long = "Allow group A to read buckets in tenancy where all {".repeat(2_000);
    let deep_where = format!(
        "Allow group A to read buckets in tenancy where {}request.x.y='1'{}",
        "all {".repeat(500),
        "}".repeat(500)
    );
    let inputs = [
        String::new(),
        " \n\t".into(),
        "'".into(),
        "{".into(),
        "Allow group '".into(),
        "allow group a to read buckets in tenancy where all {{{{{{".into(),
        "é€😀 allow".into(),
        "\u{0}\u{1}".into(),
        "x".repeat(1 << 20),
        long,
        deep_where,
    ];
    for input in &inputs {
        let _ = parse(input);
    }
}
