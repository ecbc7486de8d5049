//! The driver's part for snapshots: a live audit's document read by `syntax::snapshot`, its
//! policies linted with the OCI or AWS rules, the whole with the live rules.

use super::{FileResult, Options, Outcome, aws_diagnostics, lint_oci};
use crate::rules::aws::syntax_error as aws_syntax_error;
use crate::rules::live::external_ids;
use crate::rules::oci::syntax_error;
use crate::rules::{Check, Context, RULES};
use crate::span::Span;
use crate::syntax::json::Value;
use crate::syntax::oci::ast::{DEFAULT_DOMAIN, Domain};
use crate::syntax::oci::{Policy, PolicySource};
use crate::syntax::snapshot::{self, AwsSnapshot, Cloud, Live};

/// Lints a snapshot file: its policies with the OCI or AWS rules, the whole with the live rules.
pub(super) fn lint(value: &Value, text: &str, options: &Options, file: &mut FileResult) {
    let read = snapshot::read(value, text);
    if let Some(snapshot) = &read.snapshot {
        file.source.origin = Some(snapshot.origin());
        match &snapshot.aws {
            Some(aws) => lint_documents(aws, options, file),
            None => {
                let sources: Vec<PolicySource> = snapshot.oci.policies.iter().map(|p| p.source.clone()).collect();
                let domain = snapshot.oci.vendor_domain.as_ref().map_or(DEFAULT_DOMAIN, |d| d.value.as_ref());
                lint_oci(&sources, Domain::Named(domain), options, file);
            }
        }
        let policies: Vec<Policy> = snapshot.oci.policies.iter().map(|p| Policy::parse(&p.source)).collect();
        let live = Live { snapshot, policies: &policies };
        let mut cx = Context::new(options.profile, options.accepted());
        for rule in RULES {
            if let Check::Live(check) = rule.check {
                check(&live, &mut cx);
            }
        }
        file.diagnostics.extend(cx.into_diagnostics());
        if let Some(aws) = &snapshot.aws {
            mask_external_ids(aws, &mut file.source.text);
        }
    }
    let report = match read.cloud {
        Cloud::Aws => aws_syntax_error::diagnostic,
        Cloud::Oci => syntax_error::diagnostic,
    };
    file.diagnostics.extend(read.errors.into_iter().map(report));
}

/// Lints an AWS snapshot's documents with the AWS rules, each finding placed in the snapshot and
/// named by its document's origin.
fn lint_documents(snapshot: &AwsSnapshot, options: &Options, file: &mut FileResult) {
    let mut linted = 0;
    for document in snapshot.entities.iter().flat_map(|e| e.linted_documents()) {
        linted += 1;
        file.diagnostics.extend(aws_diagnostics(&document.parsed, options).into_iter().map(|mut d| {
            d.span = document.span(d.span);
            d.unit = Some(document.unit.clone());
            d
        }));
    }
    file.outcome = Outcome::Linted(linted);
}

/// Masks the ExternalIds of the snapshot's trust policies (live and expected) in `text`, after
/// their first characters, so that no source excerpt shows one in full. Byte lengths are kept,
/// so every span stays valid.
fn mask_external_ids(snapshot: &AwsSnapshot, text: &mut String) {
    let trusts = snapshot.entities.iter().filter_map(|e| e.trust.as_ref());
    let expected = snapshot.expected.iter().flatten().map(|e| &e.document);
    let mut spans: Vec<Span> = trusts.chain(expected).flat_map(external_ids).map(|(_, s)| s).collect();
    spans.sort();
    spans.dedup();
    let mut masked = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        let Some(value) = text.get(span.start.max(at)..span.end) else { continue };
        let keep = (value.chars().count() / 2).min(4);
        let kept: usize = value.chars().take(keep).map(char::len_utf8).sum();
        masked.push_str(&text[at..span.start.max(at)]);
        masked.push_str(&value[..kept]);
        masked.extend(std::iter::repeat_n('*', value.len() - kept));
        at = span.end;
    }
    masked.push_str(&text[at..]);
    *text = masked;
}

#[cfg(test)]
mod tests {
    use crate::lint::{Options, lint_source};
    use crate::source::SourceFile;

    fn lint_text(text: &str) -> (Vec<String>, String) {
        let report = lint_source(SourceFile::new("s.json", text), &Options::default());
        let findings = report.diagnostics().map(|(_, d)| format!("{} {}", d.rule.code, d.message)).collect();
        (findings, report.files[0].source.text.clone())
    }

    #[test]
    fn broken_snapshots_are_syntax_findings() {
        assert_eq!(
            lint_text(r#"{"grantlint_snapshot": 2}"#).0,
            ["OCI001 snapshot format 2 is not one this grantlint reads (it reads 1)"]
        );
        assert_eq!(
            lint_text(r#"{"grantlint_snapshot": 1, "cloud": "gcp"}"#).0,
            ["OCI001 snapshots of cloud `gcp` are not supported yet (only `oci` and `aws`)"]
        );
        let text = r#"{"grantlint_snapshot": 1, "cloud": "oci", "fetched_at": "yesterday", "account": {"id": "t"},
            "policies": [{"name": "p", "compartment": {"path": []}}, 7], "users": [{"id": "u"}], "groups": {}}"#;
        let (findings, _) = lint_text(text);
        assert!(findings.iter().any(|f| f.contains("`fetched_at` is not an RFC 3339 time")), "{findings:?}");
        assert!(findings.contains(&"OCI001 policies[0] has no `statements`".to_string()), "{findings:?}");
        assert!(findings.contains(&"OCI001 policies[1] must be an object".to_string()), "{findings:?}");
        assert!(findings.contains(&"OCI001 users[0] has no `name`".to_string()), "{findings:?}");
        assert!(findings.contains(&"OCI001 the snapshot: `groups` must be an array".to_string()), "{findings:?}");
    }

    /// A tenancy whose vendor group is Finance's: a grant to the Default domain's group of the
    /// same name, in the same policy, is someone else's grant, and covers nothing of the vendor's.
    #[test]
    fn the_vendor_group_is_the_one_of_its_domain() {
        let profile = crate::profile::Profile::load("digiusher").expect("built in");
        let text = r#"{"grantlint_snapshot": 1, "cloud": "oci", "fetched_at": "2026-06-01T00:00:00Z",
            "account": {"id": "ocid1.tenancy.oc1..t"},
            "vendor": {"profile": "digiusher", "group": "digiusher-finops-group", "domain": "Finance", "user": null},
            "policies": [{"name": "digiusher", "compartment": {"path": []}, "statements": [
                "Allow group 'Finance'/'digiusher-finops-group' to read metrics in tenancy",
                "Allow group digiusher-finops-group to read usage-report in tenancy"]}],
            "users": [], "groups": [{"id": "ocid1.group.oc1..g", "name": "digiusher-finops-group", "members": []}]}"#;
        let options = Options { profile: Some(&profile), ..Options::default() };
        let report = lint_source(SourceFile::new("s.json", text), &options);
        let findings: Vec<String> =
            report.diagnostics().map(|(_, d)| format!("{} {}", d.rule.code, d.message)).collect();
        let has = |prefix: &str| findings.iter().any(|f| f.starts_with(prefix));
        assert!(
            has("OCI007 group `digiusher-finops-group` means the Default identity domain's"),
            "the unqualified grant is another group's: {findings:#?}"
        );
        assert!(!findings.iter().any(|f| f.contains("read metrics")), "Finance's grant covers metrics: {findings:#?}");
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("OCI009 missing `Allow group digiusher-finops-group to read usage-report")),
            "the Default domain's grant covers nothing of the vendor's: {findings:#?}"
        );
    }

    #[test]
    fn broken_aws_snapshots_are_syntax_findings() {
        let text = r#"{"grantlint_snapshot": 1, "cloud": "aws", "fetched_at": "2026-06-01T00:00:00Z",
            "account": {"id": "123456789012"}, "vendor": {"account": 7}, "quotas": {"RolePolicySizeQuota": "big"},
            "roles": [{"name": "r", "trust_policy": "{not json", "inline_policies": [{"name": "p", "document": 3}]}],
            "users": [{"name": "u", "access_keys": [{"id": "AKIA", "created": "yesterday"}]}]}"#;
        let (findings, _) = lint_text(text);
        for expected in [
            "AWS001 vendor.account must be a string",
            "AWS001 quotas.RolePolicySizeQuota must be a whole number",
            "AWS001 the policy document is not JSON: ",
            "AWS001 inline_policies[0].document must be a policy document",
            "AWS001 access_keys[0].created is not an RFC 3339 time: ",
        ] {
            assert!(findings.iter().any(|f| f.starts_with(expected)), "{expected}: {findings:#?}");
        }
    }

    /// A live role's inline policy counts against the role's inline quota (10,240), a managed
    /// policy's against 6,144.
    #[test]
    fn live_inline_policies_meet_their_entitys_quota() {
        let resources: Vec<String> = (0..240).map(|i| format!("\"arn:aws:s3:::archive-{i:04}/*\"")).collect();
        let document = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": [{}]}}]}}"#,
            resources.join(", ")
        );
        let snapshot = |entry: &str| {
            format!(
                r#"{{"grantlint_snapshot": 1, "cloud": "aws", "fetched_at": "2026-06-01T00:00:00Z",
                "account": {{"id": "123456789012"}}, "vendor": {{}}, "roles": [{{"name": "r", {entry}}}]}}"#
            )
        };
        let inline = snapshot(&format!(r#""inline_policies": [{{"name": "p", "document": {document}}}]"#));
        let sizes = |text: &str| lint_text(text).0.into_iter().filter(|f| f.starts_with("AWS010")).collect::<Vec<_>>();
        assert_eq!(sizes(&inline), Vec::<String>::new());
        let managed = snapshot(&format!(
            r#""managed_policies": [{{"name": "m", "arn": "arn:aws:iam::123456789012:policy/m", "aws_managed": false, "document": {document}}}]"#
        ));
        let found = sizes(&managed);
        assert!(matches!(found.as_slice(), [f] if f.ends_with("IAM allows 6,144 for a managed policy")), "{found:?}");
    }

    #[test]
    fn external_ids_are_masked_in_excerpts_only() {
        let text = r#"{"grantlint_snapshot": 1, "cloud": "aws", "fetched_at": "2026-06-01T00:00:00Z",
            "account": {"id": "123456789012"}, "vendor": {},
            "roles": [{"name": "r", "trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::058264546051:root"}, "Action": "sts:AssumeRole",
              "Condition": {"StringEquals": {"sts:ExternalId": "11111111-2222-4333-8444-555555555555"}}}]}}]}"#;
        let (findings, shown) = lint_text(text);
        assert!(findings.is_empty(), "{findings:#?}");
        assert!(shown.contains(r#""sts:ExternalId": "1111********************************""#), "{shown}");
        assert_eq!(shown.len(), text.len(), "spans stay valid");
    }
}
