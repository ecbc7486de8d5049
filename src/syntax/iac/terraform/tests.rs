use super::*;
use crate::syntax::iac::JsonText;
use crate::syntax::iac::Open;
use crate::syntax::iac::testing::{self, origin, policy, variants};

/// A module with no files besides its `.tf` files.
fn no_files(_: &str) -> Option<String> {
    None
}

fn json(policy: &Embedded) -> &JsonText {
    &variants(policy)[0]
}

fn statements(policy: &Embedded) -> Vec<(String, &crate::span::SpanMap)> {
    match &policy.body {
        Body::Oci(source) => source.statements.iter().map(|s| (s.text.to_string(), &s.map)).collect(),
        other => panic!("not an OCI policy: {other:?}"),
    }
}

#[test]
fn oci_policies_resolve_variables_across_the_module() {
    let main = include_str!("../../../../fixtures/iac/terraform/digiusher-oci/main.tf");
    let variables = include_str!("../../../../fixtures/iac/terraform/digiusher-oci/variables.tf");
    let template = read(main, &[variables], &no_files);
    let units: Vec<&str> = template.policies.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(
        units,
        [
            "oci_identity_policy.cost_report_endorse",
            "oci_identity_policy.cost_report_access",
            "oci_identity_policy.resource_discovery",
            "oci_identity_policy.metrics_access",
        ]
    );
    let endorse = statements(&template.policies[0]);
    assert_eq!(endorse[1].0, "endorse group digiusher-finops-group to read objects in tenancy usage-report");
    // The group comes from variables.tf; it is found at the interpolation that uses it.
    let group = endorse[1].0.find("digiusher").unwrap();
    let span = endorse[1].1.map(group, group + "digiusher-finops-group".len());
    assert_eq!(&main[span.range()], "${var.group_name}");
    let read = endorse[1].0.find("read objects").unwrap();
    assert_eq!(&main[endorse[1].1.map(read, read + 12).range()], "read objects");
    // The local holding Oracle's OCID is in this file, but interpolated: found at `${…}` too.
    assert!(
        endorse[0].0.ends_with("as ocid1.tenancy.oc1..aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq")
    );
    assert!(template.unresolved.is_empty(), "{:?}", template.unresolved);
    assert_eq!(template.conditions(template.policies[3].span).as_deref(), Some("var.enable_metrics_access"));
}

#[test]
fn a_heredoc_with_interpolation_maps_into_the_template() {
    let source = include_str!("../../../../fixtures/iac/terraform/heredoc-interpolation/main.tf");
    let template = read(source, &[], &no_files);
    let trust = policy(&template, "aws_iam_role.vendor.assume_role_policy");
    assert!(matches!(trust.body, Body::Aws { kind: Some(Kind::Trust), .. }));
    assert_eq!(origin(source, trust, "arn:aws:iam::123456789012:root"), "arn:aws:iam::${var.vendor_account_id}:root");
    assert_eq!(origin(source, trust, "${var.external_id}"), "${var.external_id}");
    assert_eq!(origin(source, trust, "StringLike"), "StringLike");
    // The JSON keeps the template's lines, so the AWS reader's "line N" messages are right.
    let line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
    assert_eq!(line(&json(trust).text, "StringLike"), line(source, "StringLike"));
    let reads = policy(&template, "aws_iam_role_policy.reads (on aws_iam_role.vendor)");
    assert_eq!(origin(source, reads, "\"Resource\": \"*\""), r#"\"Resource\": \"*\""#);
    // An ExternalId given at apply time is how each customer gets its own: not reported.
    assert!(template.unresolved.is_empty(), "{:?}", template.unresolved);
}

#[test]
fn jsonencode_maps_into_the_template() {
    let source = include_str!("../../../../fixtures/iac/terraform/jsonencode-attachments/main.tf");
    let template = read(source, &[], &no_files);
    let managed = policy(&template, "aws_iam_policy.vendor (attached to aws_iam_role.vendor)");
    // A local in the same file keeps its own positions.
    assert_eq!(origin(source, managed, "ec2:DescribeVolumes"), "ec2:DescribeVolumes");
    assert_eq!(origin(source, managed, "Sid"), "Sid");
    let bucket = policy(&template, "aws_s3_bucket_policy.cur (on aws_s3_bucket.cur)");
    assert!(matches!(bucket.body, Body::Aws { kind: Some(Kind::Resource), .. }));
    assert_eq!(origin(source, bucket, "arn:aws:s3:::my-org-cur/*"), "${aws_s3_bucket.cur.arn}/*");
    policy(&template, "aws_iam_role.vendor.inline_policy[inline-reads]");
    let arns: Vec<(&str, &str)> = template.managed.iter().map(|m| (m.arn.as_str(), m.unit.as_str())).collect();
    assert_eq!(
        arns,
        [
            ("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "aws_iam_role.vendor.managed_policy_arns"),
            (
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "aws_iam_role_policy_attachment.read_only (on aws_iam_role.vendor)"
            ),
        ]
    );
    // `var.allow_tagging ? … : …` is linted both ways.
    match &managed.body {
        Body::Aws { variants, .. } => assert_eq!(variants.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn policy_documents_are_linted_where_they_are_written() {
    let main = include_str!("../../../../fixtures/iac/terraform/policy-document/main.tf");
    let documents = include_str!("../../../../fixtures/iac/terraform/policy-document/documents.tf");
    let here = read(documents, &[main], &no_files);
    let units: Vec<&str> = here.policies.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(
        units,
        [
            "aws_iam_role.vendor.assume_role_policy (data.aws_iam_policy_document.trust)",
            "aws_iam_role_policy.core (on aws_iam_role.vendor; data.aws_iam_policy_document.core)",
            "data.aws_iam_policy_document.spare",
        ]
    );
    let trust = &here.policies[0];
    assert!(matches!(trust.body, Body::Aws { kind: Some(Kind::Trust), .. }));
    let text = json(trust).text.replace('\n', "");
    assert!(text.contains(r#""Condition":{"StringEquals":{"sts:ExternalId":["0123456789abcdef0123"]}}"#), "{text}");
    assert_eq!(origin(documents, trust, "Principal"), "principals");
    assert_eq!(origin(documents, trust, "Action"), "actions");
    assert_eq!(origin(documents, &here.policies[1], "NotAction"), "not_actions");
    // main.tf holds the bucket's document, and uses the two above without repeating them.
    let there = read(main, &[documents], &no_files);
    let units: Vec<&str> = there.policies.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(units, ["aws_s3_bucket_policy.cur (on bucket my-org-cur; data.aws_iam_policy_document.bucket)"]);
    assert_eq!(origin(main, &there.policies[0], "my-org-cur/*"), "${local.bucket}/*");
}

#[test]
fn unknown_values_stay_placeholders() {
    let source = include_str!("../../../../fixtures/iac/terraform/unresolved/main.tf");
    let template = read(source, &[], &no_files);
    let oci = statements(policy(&template, "oci_identity_policy.vendor"));
    let texts: Vec<&str> = oci.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts[0], "define tenancy usage-report as ${var.usage_report_ocid}");
    assert_eq!(texts[1], "endorse group var.group to read objects in tenancy usage-report");
    assert_eq!(texts.len(), 5, "the statement that is a reference to nothing is left out: {texts:?}");
    let trust = policy(&template, "aws_iam_role.vendor.assume_role_policy");
    assert!(json(trust).text.contains(r#""sts:ExternalId":"${upper(var.external_id)}""#));
    assert!(template.unresolved.iter().all(|u| u.unit.is_some()));
}

#[test]
fn templates_that_do_not_parse_are_errors() {
    let template = read("resource \"x\" \"y\" {\n  a = \n}\n", &[], &no_files);
    assert_eq!(template.errors.len(), 1);
    assert_eq!(template.errors[0].span.start, 25);
    let deep = format!("locals {{ x = {}{} }}", "[".repeat(200), "]".repeat(200));
    assert_eq!(read(&deep, &[], &no_files).errors.len(), 1);
    // A sibling that does not parse is left out; the file itself is read.
    let template = read("resource \"aws_iam_policy\" \"p\" { policy = var.p }", &["variable {"], &no_files);
    assert_eq!(template.unresolved.len(), 1);
}

#[test]
fn reference_cycles_are_cut() {
    let source =
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = local.a\n}\n";
    let template = read(source, &[], &no_files);
    assert!(template.unresolved.iter().any(|u| u.message.contains("cycle")), "{:?}", template.unresolved);
}

#[test]
fn a_validation_bounds_an_input() {
    let source = include_str!("../../../../fixtures/iac/terraform/roles-and-forms/main.tf");
    let template = read(source, &[], &no_files);
    let input = template.inputs.iter().find(|i| i.name == "external_id").expect("the ExternalId input");
    assert_eq!(input.min_length, Some(32));
    assert_eq!(&source[input.span.range()], "var.external_id");
}

#[test]
fn statements_grantlint_cannot_work_out_are_not_an_empty_policy() {
    // terraform-oci-oke builds its statements with `formatlist`: the policy is not known empty,
    // so the "no statements" finding at the attribute must meet a placeholder and be dropped.
    let source = "locals {\n  s = formatlist(\"Allow group %v to read metrics in tenancy\", var.groups)\n}\n\
                  resource \"oci_identity_policy\" \"p\" {\n  statements = local.s\n}\n";
    let template = read(source, &[], &no_files);
    assert!(statements(policy(&template, "oci_identity_policy.p")).is_empty());
    let at = source.find("local.s\n").expect("the attribute");
    assert!(template.touches_placeholder(Span::at(at)));
}

#[test]
fn a_null_default_in_a_statement_is_given_at_deploy_time() {
    // Terraform stops on a null interpolation, so the caller must set the variable: the statement
    // is linted with the name as a placeholder, not left out.
    let source = "variable \"g\" {\n  default = null\n}\nresource \"oci_identity_policy\" \"p\" {\n  \
                  statements = [\"Allow group ${var.g} to read log-content in tenancy\"]\n}\n";
    let template = read(source, &[], &no_files);
    let texts = statements(policy(&template, "oci_identity_policy.p"));
    assert_eq!(texts[0].0, "Allow group var.g to read log-content in tenancy");
    assert!(template.unresolved.iter().any(|u| u.message.contains("null by default")), "{:?}", template.unresolved);
}

#[test]
fn a_known_name_with_an_unknown_part_is_linted() {
    // newrelic-oracle-cloud-integration names its dynamic group `…_${local.random_id}`.
    let source = "locals {\n  id = substr(md5(timestamp()), 0, 4)\n  dg = \"nr_${local.id}\"\n}\n\
                  resource \"oci_identity_policy\" \"p\" {\n  statements = [\"Allow dynamic-group ${local.dg} to read log-content in tenancy\"]\n}\n";
    let template = read(source, &[], &no_files);
    let texts = statements(policy(&template, "oci_identity_policy.p"));
    assert_eq!(texts[0].0, "Allow dynamic-group nr_x_substr_md5_timestamp_____0__4__ to read log-content in tenancy");
}

/// The IAC002 reports of the OCI placeholder fixture: the text each points at, its message, and
/// which verdicts it leaves open.
fn oci_reports() -> (&'static str, Template) {
    let source = include_str!("../../../../fixtures/iac/terraform/oci-placeholders/main.tf");
    (source, read(source, &[], &no_files))
}

#[test]
fn a_location_or_a_conditions_value_is_not_reported() {
    let (source, template) = oci_reports();
    let at: Vec<&str> = template.unresolved.iter().map(|u| &source[u.span.range()]).collect();
    // `compartment id ${var.compartment_ocid}`, in statements and in a formatlist, and the
    // bucket a condition compares with, change no verdict.
    assert!(!at.contains(&"${var.compartment_ocid}"), "{at:?}");
    assert!(!at.contains(&"${var.bucket}"), "{at:?}");
    assert_eq!(
        at,
        ["${var.resource_type}", "${var.verb}", "${var.tag_key}", "${var.other_group}", "var.more_statements"]
    );
}

#[test]
fn a_verb_type_or_condition_placeholder_names_the_verdict() {
    let (source, template) = oci_reports();
    let message = |text: &str| {
        let found = template.unresolved.iter().find(|u| &source[u.span.range()] == text);
        let found = found.unwrap_or_else(|| panic!("{text} not reported: {:?}", template.unresolved));
        assert_eq!(found.open, Open::Any, "{found:?}");
        found.message.clone()
    };
    assert!(message("${var.resource_type}").ends_with("whether it is read-only, reads contents or names a known type"));
    assert!(message("${var.verb}").contains("whether it is read-only"));
    assert!(message("${var.tag_key}").ends_with("which conditions the statement sets"));
    assert!(message("var.more_statements").ends_with("the statements it stands for are not checked"));
}

#[test]
fn a_subject_placeholder_is_left_to_a_vendor_profile() {
    let (source, template) = oci_reports();
    let subject = template.unresolved.iter().find(|u| &source[u.span.range()] == "${var.other_group}");
    let subject = subject.expect("the group given at deploy time");
    assert_eq!(subject.open, Open::Profile);
    assert!(subject.message.ends_with("whether it is the vendor profile's group"), "{}", subject.message);
}

#[test]
fn groups_of_the_module_are_granted_to_by_name() {
    let (_, template) = oci_reports();
    let texts = statements(policy(&template, "oci_identity_policy.placeholders"));
    // `oci_identity_group.vendor[0].name` of a counted group, a domain group's `display_name`.
    assert_eq!(
        texts[0].0,
        "Allow group digiusher-finops-group to read metrics in compartment id ${var.compartment_ocid}"
    );
    assert_eq!(texts[6].0, "Allow group readers to read metrics in tenancy");
    // `formatlist` over a known list, beside a list grantlint does not know.
    let listed = statements(policy(&template, "oci_identity_policy.listed"));
    let listed: Vec<&str> = listed.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        listed,
        [
            "Allow group digiusher-finops-group to read usage-budgets in compartment id ${var.compartment_ocid}",
            "Allow group digiusher-finops-group to manage buckets in compartment id ${var.compartment_ocid}",
        ]
    );
}

#[test]
fn a_managed_policy_in_an_unknown_partition_is_still_named() {
    let source = concat!(
        "data \"aws_partition\" \"current\" {}\n",
        "resource \"aws_iam_role_policy_attachment\" \"audit\" {\n",
        "  role       = \"vendor\"\n",
        "  policy_arn = \"arn:${data.aws_partition.current.partition}:iam::aws:policy/SecurityAudit\"\n",
        "}\n",
        "resource \"aws_iam_role_policy_attachment\" \"other\" {\n",
        "  role       = \"vendor\"\n",
        "  policy_arn = \"arn:${data.aws_partition.current.partition}:iam::aws:policy/${var.name}\"\n",
        "}\n",
    );
    let template = read(source, &[], &no_files);
    let arns: Vec<&str> = template.managed.iter().map(|m| m.arn.as_str()).collect();
    assert_eq!(arns.len(), 2, "{arns:?}");
    assert!(arns[0].ends_with(":iam::aws:policy/SecurityAudit"), "{arns:?}");
    // Which policy the first attaches is known; the second's name is not, and that is reported.
    let second = source.find("\"other\"").unwrap();
    let at: Vec<(usize, &str)> = template.unresolved.iter().map(|u| (u.span.start, &source[u.span.range()])).collect();
    assert!(at.iter().any(|(_, text)| text.contains("var.name")), "{at:?}");
    assert!(at.iter().all(|(start, _)| *start > second), "nothing is open in the first: {at:?}");
}

#[test]
fn a_managed_policy_looked_up_by_arn_is_attached_by_that_arn() {
    let source = concat!(
        "data \"aws_iam_policy\" \"read_only\" {\n",
        "  arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n",
        "}\n",
        "data \"aws_iam_policy\" \"by_name\" {\n",
        "  name = \"VendorPolicy\"\n",
        "}\n",
        "resource \"aws_iam_role_policy_attachment\" \"a\" {\n",
        "  role       = \"vendor\"\n",
        "  policy_arn = data.aws_iam_policy.read_only.arn\n",
        "}\n",
        "resource \"aws_iam_role_policy_attachment\" \"b\" {\n",
        "  role       = \"vendor\"\n",
        "  policy_arn = data.aws_iam_policy.by_name.arn\n",
        "}\n",
    );
    let template = read(source, &[], &no_files);
    let arns: Vec<&str> = template.managed.iter().map(|m| m.arn.as_str()).collect();
    assert_eq!(arns[0], "arn:aws:iam::aws:policy/ReadOnlyAccess", "{arns:?}");
    // A policy found by name has an ARN only AWS knows: reported, not guessed.
    let at: Vec<&str> = template.unresolved.iter().map(|u| &source[u.span.range()]).collect();
    assert_eq!(at, ["data.aws_iam_policy.by_name.arn"], "{:?}", template.unresolved);
}

#[test]
fn a_dynamic_statement_that_does_not_read_its_iterator_is_linted() {
    let source = concat!(
        "data \"aws_iam_policy_document\" \"d\" {\n",
        "  dynamic \"statement\" {\n",
        "    for_each = var.on ? [1] : []\n",
        "    content {\n",
        "      actions   = [\"sqs:DeleteMessage\"]\n",
        "      resources = [\"*\"]\n",
        "    }\n",
        "  }\n",
        "  dynamic \"statement\" {\n",
        "    for_each = var.key == null ? [] : [1]\n",
        "    content {\n",
        "      actions   = [\"kms:Decrypt\"]\n",
        "      resources = [var.key]\n",
        "    }\n",
        "  }\n",
        "  dynamic \"statement\" {\n",
        "    for_each = [] \n",
        "    content {\n",
        "      actions   = [\"s3:DeleteBucket\"]\n",
        "      resources = [\"*\"]\n",
        "    }\n",
        "  }\n",
        "  dynamic \"statement\" {\n",
        "    for_each = var.extra\n",
        "    content {\n",
        "      actions   = statement.value\n",
        "      resources = [\"*\"]\n",
        "    }\n",
        "  }\n",
        "}\n",
        "resource \"aws_iam_policy\" \"p\" {\n",
        "  policy = data.aws_iam_policy_document.d.json\n",
        "}\n",
    );
    let variables = "variable \"on\" {\n  default = true\n}\nvariable \"key\" {\n  default = null\n}\n";
    let template = read(source, &[variables], &no_files);
    let document = &json(&template.policies[0]).text;
    assert!(document.contains("sqs:DeleteMessage"), "{document}");
    // Made only when `key` is given: linted with the key given, not as `[null]`.
    assert!(document.contains(r#""Resource":["${var.key}"]"#), "{document}");
    assert!(!document.contains("s3:DeleteBucket"), "a `for_each = []` makes nothing: {document}");
    // The one that reads `statement.value` is said to be unchecked, the other is not.
    let at: Vec<&str> = template.unresolved.iter().map(|u| &source[u.span.range()]).collect();
    assert_eq!(at.len(), 1, "{at:?}");
    assert!(at[0].contains("statement.value"), "{at:?}");
}

#[test]
fn each_form_says_how_its_policy_is_attached() {
    let main = include_str!("../../../../fixtures/iac/terraform/size-quotas/main.tf");
    let template = read(main, &[], &no_files);
    let attachment = |unit: &str| testing::attachment(policy(&template, unit));
    let inline = Attachment::Inline;
    assert_eq!(attachment("aws_iam_role.reader.inline_policy[within-the-role-quota]"), inline(Holder::Role));
    assert_eq!(attachment("aws_iam_role_policy.over (on aws_iam_role.archiver)"), inline(Holder::Role));
    // A policy document takes the attachment of the resource that uses it.
    let user = "aws_iam_user_policy.over (on aws_iam_user.export; data.aws_iam_policy_document.user)";
    assert_eq!(attachment(user), inline(Holder::User));
    assert_eq!(attachment("aws_iam_policy.managed (attached to aws_iam_role.reader)"), Attachment::Managed);
    // A document nothing uses keeps the managed quota, which fits every way of attaching it.
    let alone = "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n    resources = [\"*\"]\n  }\n}\n";
    let template = read(alone, &[], &no_files);
    assert_eq!(testing::attachment(policy(&template, "data.aws_iam_policy_document.d")), Attachment::Managed);
}
