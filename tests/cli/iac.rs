//! Terraform and CloudFormation templates through the command line: every input shape, with each
//! finding at its line and column in the template and named by its policy.

use crate::support::{Run, SHARED, grantlint, grantlint_in, grantlint_with_stdin, repo_root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;

/// Every fixture directory under `fixtures/iac`, one shape (or family of bad inputs) each.
const SHAPES: &[&str] = &[
    "cloudformation/anchors",
    "cloudformation/bad",
    "cloudformation/digiusher",
    "cloudformation/intrinsics",
    "cloudformation/json-form",
    "cloudformation/roles-and-forms",
    "cloudformation/size-quotas",
    "cloudformation/unresolved",
    "terraform/bad",
    "terraform/cloudformation-stacks",
    "terraform/digiusher-aws-legacy",
    "terraform/digiusher-oci",
    "terraform/file-form",
    "terraform/heredoc-interpolation",
    "terraform/jsonencode-attachments",
    "terraform/oci-placeholders",
    "terraform/policy-document",
    "terraform/roles-and-forms",
    "terraform/size-quotas",
    "terraform/unresolved",
];

fn check_json(path: &str, extra: &[&str]) -> (Run, Value) {
    check_all(&[path], extra)
}

/// `grantlint check --format json EXTRA PATHS`: the run and its report.
fn check_all(paths: &[&str], extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    args.extend(paths);
    let run = grantlint(&args);
    assert!(run.code == 0 || run.code == 1, "{paths:?}:\n{run}");
    let report = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{paths:?}: {e}\n{run}"));
    (run, report)
}

fn findings(report: &Value) -> &[Value] {
    report["findings"].as_array().map_or(&[], Vec::as_slice)
}

/// One line per finding, with what the concise format leaves out: where it ends, its severity
/// and the policy it is about.
fn located(path: &str, extra: &[&str]) -> String {
    let (run, report) = check_json(path, extra);
    let mut out = format!("exit: {}\n", run.code);
    for f in findings(&report) {
        let policy = f["policy"].as_str().map(|p| format!(" [{p}]")).unwrap_or_default();
        out.push_str(&format!(
            "{}:{}:{}-{}:{}: {} {}{policy} {}\n",
            f["path"].as_str().unwrap_or(""),
            f["line"],
            f["column"],
            f["end_line"],
            f["end_column"],
            f["code"].as_str().unwrap_or(""),
            f["severity"].as_str().unwrap_or(""),
            f["message"].as_str().unwrap_or(""),
        ));
    }
    out.push_str(&format!("summary: {}\n", report["summary"]));
    out
}

/// Each shape, without a profile and with DigiUsher's, in one snapshot per shape.
#[test]
fn every_template_shape() {
    let mut found: Vec<String> = Vec::new();
    for flavor in ["cloudformation", "terraform"] {
        let dir = repo_root().join("fixtures/iac").join(flavor);
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.expect("a directory entry");
            found.push(format!("{flavor}/{}", entry.file_name().to_string_lossy()));
        }
    }
    found.sort();
    assert_eq!(found, SHAPES, "every fixture directory is a shape here");
    for shape in SHAPES {
        let path = format!("fixtures/iac/{shape}");
        let plain = located(&path, &[]);
        let profiled = located(&path, &["--profile", "digiusher"]);
        insta::assert_snapshot!(
            format!("shape-{}", shape.replace('/', "-")),
            format!("## without a profile\n{plain}\n## --profile digiusher\n{profiled}")
        );
    }
}

/// A finding's rule and message, without where it is or the condition it depends on, per policy.
fn verdicts(report: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in findings(report) {
        let message = f["message"].as_str().unwrap_or("");
        let message = match message.rfind(" (when ") {
            Some(cut) if message.ends_with(')') => &message[..cut],
            _ => message,
        };
        let key = f["policy"].as_str().or(f["path"].as_str()).unwrap_or("").to_string();
        out.entry(key).or_default().push(format!("{} {message}", f["code"].as_str().unwrap_or("")));
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

/// Runs a template, and in one other run the policy files it was rebuilt from (run-wide rules
/// such as OCI009 see all of them, as they see the whole template), and requires the same
/// findings for each policy: the template's at its own lines, the files' at theirs.
fn same_verdicts(template: &str, policies: &[(&str, &str)], extra: &[&str]) {
    let (run, report) = check_json(template, extra);
    let mut found = verdicts(&report);
    for f in findings(&report) {
        assert!(f["path"].as_str().is_some_and(|p| p.starts_with(template)), "{template}: {f}");
    }
    let paths: Vec<String> = policies.iter().map(|(_, file)| format!("{SHARED}/digiusher-iac/{file}")).collect();
    let (plain_run, plain) = check_all(&paths.iter().map(String::as_str).collect::<Vec<_>>(), extra);
    let mut expected = verdicts(&plain);
    for ((unit, file), path) in policies.iter().zip(&paths) {
        let want = expected.remove(path).unwrap_or_default();
        let got = found.remove(*unit).unwrap_or_default();
        assert_eq!(got, want, "{unit} in {template} against {file} ({extra:?}):\n{run}\n{plain_run}");
    }
    assert!(found.is_empty(), "findings on policies with no counterpart: {found:#?}");
    assert!(expected.is_empty(), "findings on files with no counterpart: {expected:#?}");
}

/// The key correctness test: DigiUsher's onboarding, rebuilt as templates from its policy
/// documents, draws exactly the findings of those documents as plain files.
#[test]
fn digiusher_templates_match_the_policy_files() {
    let cloudformation = [
        ("DigiusherIAMRole.AssumeRolePolicyDocument", "aws-trust-policy.json"),
        ("DigiusherIAMRole.Policies[DigiUsherCorePermissions]", "aws-core-permissions.json"),
        ("DigiusherIAMRole.Policies[DigiUsherS3CURAccess]", "aws-s3-cur-access.json"),
        ("DigiusherIAMRole.Policies[DigiUsherEC2StartStopPolicy]", "aws-optional-ec2-start-stop.json"),
        ("DigiusherIAMRole.Policies[DigiUsherCommitmentPurchasePolicy]", "aws-optional-commitment-purchase.json"),
        ("DigiusherIAMRole.Policies[DigiUsherTagManagementPolicy]", "aws-optional-tag-management.json"),
        ("DigiusherIAMRole.Policies[DigiUsherAutomationPolicy]", "aws-optional-automation.json"),
        ("DigiusherS3BucketPolicy (bucket DigiusherS3Bucket)", "aws-cur-bucket-policy.json"),
    ];
    let oci = [
        ("oci_identity_policy.cost_report_endorse", "oci-policy-digiusher-cost-report-endorse.txt"),
        ("oci_identity_policy.cost_report_access", "oci-policy-digiusher-cost-report-access.txt"),
        ("oci_identity_policy.resource_discovery", "oci-policy-digiusher-resource-discovery.txt"),
        ("oci_identity_policy.metrics_access", "oci-policy-digiusher-metrics-access.txt"),
    ];
    let legacy = [
        ("aws_iam_role.digiusher.assume_role_policy", "legacy/aws-legacy-trust-policy.json"),
        ("aws_iam_role_policy.digiusher (on aws_iam_role.digiusher)", "legacy/aws-legacy-tf-role-policy-root.json"),
    ];
    for extra in [&[][..], &["--profile", "digiusher"], &["--profile", "digiusher", "--enable-pack", "automation"]] {
        same_verdicts("fixtures/iac/cloudformation/digiusher", &cloudformation, extra);
        same_verdicts("fixtures/iac/terraform/digiusher-oci", &oci, extra);
        same_verdicts("fixtures/iac/terraform/digiusher-aws-legacy", &legacy, extra);
    }
    // OCI009 looks at every policy of a run together: the module covers the whole grant, as the
    // four files do.
    let run = grantlint(&["check", "--profile", "digiusher", "--format", "concise", "fixtures/iac/terraform"]);
    assert!(!run.stdout.contains("OCI009"), "{run}");
}

/// The findings a reviewer of DigiUsher's template expects, asserted beside the snapshots.
#[test]
fn digiusher_template_findings_name_their_policy_and_condition() {
    let (_, report) = check_json("fixtures/iac/cloudformation/digiusher/DigiUsher.yaml", &["--profile", "digiusher"]);
    let start_stop = findings(&report)
        .iter()
        .find(|f| f["message"].as_str().is_some_and(|m| m.starts_with("`ec2:StartInstances`")))
        .expect("the EC2 start/stop pack draws AWS002");
    assert_eq!(start_stop["policy"], "DigiusherIAMRole.Policies[DigiUsherEC2StartStopPolicy]");
    assert!(start_stop["message"].as_str().is_some_and(|m| m.ends_with("(when IncludeEC2StartStop)")));
    let text = fs::read_to_string(repo_root().join("fixtures/iac/cloudformation/digiusher/DigiUsher.yaml"))
        .expect("the fixture");
    let line = text.lines().nth(start_stop["line"].as_u64().unwrap_or(0) as usize - 1).unwrap_or("");
    assert_eq!(line.trim(), "- ec2:StartInstances");
    assert_eq!(line.find("ec2").map(|c| c + 1), start_stop["column"].as_u64().map(|c| c as usize));
}

/// Templates that do not parse, are not templates, or hold no policy: a positioned IAC001 or a
/// skip with its reason, never a panic or a silent pass.
#[test]
fn bad_templates_are_positioned_or_skipped() {
    for dir in ["fixtures/iac/cloudformation/bad", "fixtures/iac/terraform/bad"] {
        let run = grantlint(&["check", "--format", "concise", "--verbose", dir]);
        assert_eq!(run.code, 1, "{run}");
        assert!(run.stderr.is_empty(), "{run}");
        assert!(run.stdout.contains(": error[IAC001] "), "{run}");
    }
    let run = grantlint(&["check", "--format", "concise", "--verbose", "fixtures/iac/cloudformation/bad"]);
    for skipped in [
        "skipped fixtures/iac/cloudformation/bad/docker-compose.yml: not a policy",
        "skipped fixtures/iac/cloudformation/bad/workflow.yml: not a policy",
        "skipped fixtures/iac/cloudformation/bad/no-policies.yaml: a template with no policies",
    ] {
        assert!(run.stdout.contains(skipped), "{skipped}:\n{run}");
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let bad = dir.path().join("latin1.tf");
    fs::write(&bad, b"resource \"oci_identity_policy\" \"p\" {\n  name = \"caf\xe9\"\n}\n").expect("writable");
    let run = grantlint(&["check", "--format", "concise", &bad.to_string_lossy()]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains(":2:14: error[IAC001] the template is not UTF-8 text"), "{run}");
}

/// A CloudFormation template on standard input is known by its content.
#[test]
fn templates_from_standard_input() {
    let template =
        fs::read_to_string(repo_root().join("fixtures/iac/cloudformation/intrinsics/stack.yaml")).expect("the fixture");
    let run = grantlint_with_stdin(&["check", "--format", "concise", "-"], Some(&template));
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("-:52:106: error[AWS002]"), "{run}");
}

/// The template rules are listed and documented like the others.
#[test]
fn template_rules_are_documented() {
    for code in ["IAC001", "IAC002", "IAC003"] {
        let run = grantlint(&["rule", code]);
        assert_eq!(run.code, 0, "{run}");
        assert!(run.stdout.len() > 400, "{code} has documentation:\n{run}");
    }
}

/// Findings on a role only an AWS service assumes are warnings naming the role, unless the
/// configuration's `internal-roles` makes them errors.
#[test]
fn internal_roles_follow_the_configuration() {
    let template = repo_root().join("fixtures/iac/cloudformation/roles-and-forms/stack.yaml");
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::copy(&template, dir.path().join("stack.yaml")).expect("the fixture copies");
    let severities = || -> Vec<String> {
        let run = grantlint_in(dir.path(), &["check", "--format", "json", "stack.yaml"]);
        let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"));
        findings(&report)
            .iter()
            .filter(|f| f["message"].as_str().is_some_and(|m| m.contains("(on role ForwarderRole, which only")))
            .filter_map(|f| f["severity"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(severities(), ["warning", "warning"]);
    fs::write(dir.path().join(".grantlint.toml"), "[lint]\ninternal-roles = \"error\"\n").expect("writable");
    assert_eq!(severities(), ["error", "error"]);
}

/// A finding in a policy `templatefile(…)` renders stays at the call in the `.tf` file, the one
/// the diagnostic belongs to, and names the template file's line and column: here the
/// `s3:GetObject` of Sumo Logic's `templates/iam_s3_source_policy.tmpl`, line 7.
#[test]
fn templatefile_findings_name_the_template_line() {
    let run = grantlint(&["check", "--format", "concise", "fixtures/vendors/sumologic/terraform/main_iam_role.tf"]);
    let get_object: Vec<&str> = run.stdout.lines().filter(|l| l.contains("`s3:GetObject` is a read")).collect();
    assert_eq!(get_object.len(), 3, "three policies render the template:\n{run}");
    for line in get_object {
        assert!(line.contains("(in templates/iam_s3_source_policy.tmpl:7:10)"), "{line}");
        assert!(line.starts_with("fixtures/vendors/sumologic/terraform/main_iam_role.tf:"), "{line}");
    }
}
