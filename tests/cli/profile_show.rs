//! `grantlint profile show`: what it prints and writes is usable as is, and lints as the profile
//! expects: the same findings as DigiUsher's own published onboarding files (`examples/digiusher`),
//! plus, for AWS, the ExternalId placeholder the customer fills in.

use crate::support::{Run, finding_code, grantlint, grantlint_in, grantlint_with_stdin};

/// Each finding as `severity[CODE] message`, without where it is, sorted.
fn findings(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = run
        .stdout
        .lines()
        .filter(|l| finding_code(l).is_some())
        .map(|l| {
            let at = l.find(": error[").or_else(|| l.find(": warning[")).expect("a severity");
            let message = &l[at + 2..];
            // A template names the policy; files are named by it.
            message.split(" (policy ").next().unwrap_or(message).to_string()
        })
        .collect();
    out.sort();
    out
}

fn published(paths: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "concise", "--profile", "digiusher"];
    args.extend(paths);
    findings(&grantlint(&args))
}

/// The findings on the published AWS policies the role holds (and `extra`), plus the ExternalId
/// placeholder `profile show` leaves for the customer to fill in.
fn published_with_placeholder(extra: &[&str]) -> Vec<String> {
    let mut paths = extra.to_vec();
    paths.extend([
        "examples/digiusher/aws/trust-policy.json",
        "examples/digiusher/aws/core-permissions.json",
        "examples/digiusher/aws/s3-cur-access.json",
    ]);
    let mut expected = published(&paths);
    expected.push(PLACEHOLDER.to_string());
    expected.sort();
    expected
}

const PLACEHOLDER: &str =
    "error[AWS009] ExternalId `<Ext…` (32 characters) is a placeholder, not the value the vendor issued";

#[test]
fn oci_output_pipes_into_check() {
    let show = grantlint(&["profile", "show", "digiusher", "--cloud", "oci"]);
    assert_eq!(show.code, 0, "{show}");
    let document: serde_json::Value = serde_json::from_str(&show.stdout).expect("one JSON document");
    let policies = document["data"].as_array().expect("`oci iam policy list` shape");
    assert_eq!(policies.len(), 4, "{show}");
    assert!(!show.stdout.contains("arn:aws"), "OCI only:\n{show}");
    let check =
        grantlint_with_stdin(&["check", "--format", "concise", "--profile", "digiusher", "-"], Some(&show.stdout));
    assert_eq!(check.code, 0, "{check}");
    assert_eq!(findings(&check), published(&["examples/digiusher/oci"]), "{check}");
    assert_eq!(findings(&check).len(), 1, "`read all-resources` is worth a warning:\n{check}");
    // Without a profile: each policy is read on its own, so Define and Endorse do not mix with Allow.
    let plain = grantlint_with_stdin(&["check", "--format", "concise", "-"], Some(&show.stdout));
    assert_eq!(plain.code, 0, "{plain}");
    assert!(!plain.stdout.contains("OCI003"), "{plain}");
}

#[test]
fn aws_output_is_a_template_that_pipes_into_check() {
    let show = grantlint(&["profile", "show", "digiusher", "--cloud", "aws"]);
    assert_eq!(show.code, 0, "{show}");
    let template: serde_json::Value = serde_json::from_str(&show.stdout).expect("one JSON document");
    let role = &template["Resources"]["DigiUsherRole"];
    assert_eq!(role["Type"], "AWS::IAM::Role", "{show}");
    assert_eq!(role["Properties"]["Policies"][0]["PolicyName"], "DigiUsherCorePermissions");
    let check =
        grantlint_with_stdin(&["check", "--format", "concise", "--profile", "digiusher", "-"], Some(&show.stdout));
    assert_eq!(check.code, 1, "the ExternalId is left to fill in:\n{check}");
    assert_eq!(findings(&check), published_with_placeholder(&[]), "{check}");
}

#[test]
fn out_writes_one_file_per_policy() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("expected");
    let show = grantlint(&["profile", "show", "digiusher", "--out", out.to_str().expect("UTF-8")]);
    assert_eq!(show.code, 0, "{show}");
    let mut written: Vec<String> = walk(&out);
    written.sort();
    assert_eq!(
        written,
        [
            "aws/DigiUsherCorePermissions.json",
            "aws/DigiUsherS3CURAccess.json",
            "aws/trust-policy.json",
            "oci/digiusher-cost-report-access.policy",
            "oci/digiusher-cost-report-endorse.policy",
            "oci/digiusher-metrics-access.policy",
            "oci/digiusher-resource-discovery.policy",
        ]
    );
    let check = grantlint_in(dir.path(), &["check", "--format", "concise", "--profile", "digiusher", "expected"]);
    assert!(check.stdout.contains(" in 7 files."), "{check}");
    assert_eq!(findings(&check), published_with_placeholder(&["examples/digiusher/oci"]), "{check}");

    let only = dir.path().join("oci-only");
    let show = grantlint(&["profile", "show", "digiusher", "--cloud", "oci", "--out", only.to_str().expect("UTF-8")]);
    assert_eq!(show.code, 0, "{show}");
    let files = walk(&only);
    assert!(files.len() == 4 && files.iter().all(|f| f.starts_with("oci/")), "{files:?}");
    let check = grantlint_in(dir.path(), &["check", "--format", "concise", "--profile", "digiusher", "oci-only"]);
    assert_eq!(check.code, 0, "{check}");
    assert_eq!(findings(&check), published(&["examples/digiusher/oci"]), "{check}");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("an entry");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("inside");
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    out
}
