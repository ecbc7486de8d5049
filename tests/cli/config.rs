//! `.grantlint.toml` and suppressions, in a throwaway project directory.

use crate::support::grantlint_in;
use std::fs;
use std::path::Path;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("created");
        }
        fs::write(path, text).expect("written");
    }
    dir
}

const MANAGE: &str = "Allow group vendor to manage buckets in tenancy\n";
const DATA_READ: &str = "Allow group vendor to read objects in tenancy\n";

#[test]
fn configuration_is_found_upward_and_applied() {
    let dir = project(&[
        (
            ".grantlint.toml",
            "[lint]\nfail-on = \"warning\"\nexclude = [\"vendored/**\"]\n[lint.rules]\nOCI008 = \"error\"\n",
        ),
        ("policies/reads.policy", DATA_READ),
        ("vendored/grant.policy", MANAGE),
    ]);
    let run = grantlint_in(&dir.path().join("policies"), &["check", "--format", "concise", "."]);
    assert_eq!(run.code, 1, "{run}");
    insta::assert_snapshot!(run.to_string());
    let root = grantlint_in(dir.path(), &["check", "--format", "concise", "."]);
    assert!(!root.stdout.contains("vendored"), "excluded from the walk:\n{root}");
    let named = grantlint_in(dir.path(), &["check", "--format", "concise", "vendored/grant.policy"]);
    assert!(named.stdout.contains("OCI002"), "a file named explicitly is still linted:\n{named}");
    let forced =
        grantlint_in(dir.path(), &["check", "--format", "concise", "--force-exclude", "vendored/grant.policy"]);
    assert!(!forced.stdout.contains("OCI002"), "--force-exclude applies the exclusion:\n{forced}");
    let isolated = grantlint_in(dir.path(), &["check", "--format", "concise", "--isolated", "policies"]);
    assert!(isolated.stdout.contains("OCI008") && isolated.code == 0, "--isolated ignores the config:\n{isolated}");
}

#[test]
fn rules_can_be_turned_off_and_files_ignored() {
    let dir = project(&[
        (
            "grantlint.toml",
            "[lint.rules]\noci-data-read = \"off\"\n[lint.per-file-ignores]\n\"legacy/*.policy\" = [\"OCI002\", \"OCI010\"]\n",
        ),
        ("reads.policy", DATA_READ),
        ("legacy/old.policy", MANAGE),
    ]);
    let run = grantlint_in(dir.path(), &["check", "--format", "concise", "."]);
    insta::assert_snapshot!(run.to_string());
    assert!(!run.stdout.contains("OCI008") && !run.stdout.contains("[OCI002]"), "{run}");
    assert!(run.stdout.contains("GL001"), "the unused OCI010 ignore is reported:\n{run}");
}

#[test]
fn profile_and_accepted_exceptions_from_config() {
    let dir = project(&[
        (
            ".grantlint.toml",
            "[lint]\nprofile = \"digiusher\"\n[[lint.accept]]\nrule = \"OCI008\"\nstatement = \"allow group digiusher-finops-group to read ALL-RESOURCES in tenancy\"\nreason = \"resource discovery, reviewed in SEC-7\"\n",
        ),
        (
            "discovery.policy",
            "Allow group digiusher-finops-group to read all-resources in tenancy\nAllow group ops to read metrics in tenancy\n",
        ),
    ]);
    let run = grantlint_in(dir.path(), &["check", "--format", "concise", "discovery.policy"]);
    insta::assert_snapshot!(run.to_string());
    assert!(!run.stdout.contains("OCI008"), "accepted:\n{run}");
    assert!(run.stdout.contains("OCI007"), "the profile came from the config:\n{run}");
}

#[test]
fn mistakes_in_the_config_are_errors_naming_key_and_file() {
    let dir = project(&[(".grantlint.toml", "[lint]\nprofle = \"digiusher\"\n"), ("a.policy", DATA_READ)]);
    let run = grantlint_in(dir.path(), &["check", "a.policy"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains(".grantlint.toml") && run.stderr.contains("profle"), "{run}");
    let dir = project(&[(".grantlint.toml", "[[lint.accept]]\nrule = \"OCI008\"\naction = \"s3:GetObject\"\n")]);
    let run = grantlint_in(dir.path(), &["check", "."]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("reason"), "{run}");
    let explicit = grantlint_in(dir.path(), &["check", "--config", "missing.toml", "."]);
    assert_eq!(explicit.code, 2, "{explicit}");
}

#[test]
fn suppression_comments() {
    let dir = project(&[(
        "vendor.policy",
        "# grantlint: ignore-file[OCI010] our own resource types, see ADR-4\n\
         # grantlint: ignore[OCI002] vendor restarts instances, approved in SEC-9\n\
         Allow group vendor to manage instances in tenancy\n\
         # grantlint: ignore[OCI008]\n\
         Allow group vendor to read objects in tenancy\n\
         # grantlint: ignore[OCI002, OCI999] stale\n\
         Allow group vendor to read metrics in tenancy\n\
         # grantlint: ignroe[OCI002]\n\
         Allow group vendor to use buckets in tenancy\n\
         Allow group vendor to read widgets in tenancy\n",
    )]);
    let run = grantlint_in(dir.path(), &["check", "--format", "concise", "vendor.policy"]);
    insta::assert_snapshot!(run.to_string());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(!lines.iter().any(|l| l.contains(":3:") && l.contains("OCI002")), "suppressed:\n{run}");
    assert!(
        lines.iter().any(|l| l.contains(":9:") && l.contains("OCI002")),
        "a malformed directive suppresses nothing:\n{run}"
    );
    for expected in [":4:1: warning[GL002]", ":6:21: warning[GL001]", ":6:29: warning[GL001]", ":8:1: warning[GL001]"] {
        assert!(run.stdout.contains(expected), "{expected}\n{run}");
    }
    assert!(!run.stdout.contains("OCI010"), "file-wide ignore:\n{run}");
}

#[test]
fn no_config_means_defaults() {
    let dir = project(&[("a.policy", MANAGE)]);
    let run = grantlint_in(Path::new(dir.path()), &["check", "--format", "concise", "a.policy"]);
    assert_eq!(run.code, 1, "{run}");
}

#[test]
fn statement_scoped_ignores_for_json() {
    let policy = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "BreakGlass", "Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*"},
    {"Sid": "Ops", "Effect": "Allow", "Action": ["ec2:StopInstances", "ec2:RebootInstances"], "Resource": "*"}
  ]
}
"#;
    let config = r#"
[[lint.per-statement-ignores]]
path = "iam/*.json"
sid = "BreakGlass"
rules = ["AWS002"]
reason = "break-glass role, approved in SEC-123"

[[lint.per-statement-ignores]]
path = "iam/vendor.json"
action = "EC2:stopinstances"
rules = ["aws-grant-not-read-only"]
reason = "the vendor's scheduler stops instances"

[[lint.per-statement-ignores]]
path = "iam/vendor.json"
sid = "Gone"
rules = ["AWS002"]
reason = "statement removed in SEC-200"
"#;
    let dir = project(&[(".grantlint.toml", config), ("iam/vendor.json", policy)]);
    let run = grantlint_in(dir.path(), &["check", "--format", "concise", "iam/vendor.json"]);
    insta::assert_snapshot!(run.to_string());
    assert!(!run.stdout.contains("TerminateInstances"), "the BreakGlass statement is ignored:\n{run}");
    assert!(!run.stdout.contains("`ec2:StopInstances`"), "the action is ignored:\n{run}");
    assert!(run.stdout.contains("`ec2:RebootInstances`"), "the other action still fails:\n{run}");
    assert!(run.stdout.contains(":1:1: warning[GL001]"), "the ignore for a missing Sid is unused:\n{run}");
}

/// Rule selection as in ruff: `--select`, `--extend-select`, `--ignore` and the same keys in the
/// file, by code, prefix or name; the command line builds on the file.
#[test]
fn rules_are_selected_as_in_ruff() {
    let policy = "Allow group vendor to manage buckets in tenancy\nAllow group vendor to read objects in tenancy\nAllow group vendor to read widgets in tenancy\n";
    let dir = project(&[("vendor.policy", policy)]);
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "concise", "--quiet"];
        all.extend(args);
        all.push("vendor.policy");
        let run = grantlint_in(dir.path(), &all);
        assert!(run.code == 0 || run.code == 1, "{run}");
        let mut codes: Vec<String> = run
            .stdout
            .lines()
            .filter_map(|l| l.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(c, _)| c.to_string()))
            .collect();
        codes.dedup();
        codes
    };
    assert_eq!(codes(&[]), ["OCI002", "OCI008", "OCI010"]);
    assert_eq!(codes(&["--select", "OCI002"]), ["OCI002"]);
    assert_eq!(codes(&["--select", "OCI00", "--ignore", "oci-data-read"]), ["OCI002"]);
    assert_eq!(codes(&["--select", "OCI002", "--extend-select", "OCI010"]), ["OCI002", "OCI010"]);
    assert_eq!(codes(&["--ignore", "OCI002,OCI010"]), ["OCI008"]);
    assert_eq!(codes(&["--ignore", "OCI", "--select", "OCI008"]), ["OCI008"], "the more specific entry wins");

    fs::write(dir.path().join(".grantlint.toml"), "[lint]\nselect = [\"OCI0\"]\nignore = [\"OCI010\"]\n")
        .expect("written");
    assert_eq!(codes(&[]), ["OCI002", "OCI008"]);
    assert_eq!(codes(&["--extend-select", "oci-unknown-resource-type"]), ["OCI002", "OCI008", "OCI010"]);
    assert_eq!(codes(&["--select", "ALL", "--ignore", "OCI002"]), ["OCI008", "OCI010"]);

    let unknown = grantlint_in(dir.path(), &["check", "--select", "OCX", "vendor.policy"]);
    assert_eq!(unknown.code, 2, "{unknown}");
    assert_eq!(unknown.stderr, "grantlint: the command line: `OCX` is not a rule code, prefix or name\n");
}

/// `[[lint.ignore]]` (statement ignores) was renamed `[[lint.per-statement-ignores]]` when
/// `ignore` became ruff's rule list; the old form still works, with a warning naming the new key.
#[test]
fn the_old_statement_ignore_key_still_works_with_a_warning() {
    let config = "[[lint.ignore]]\npath = \"vendor.policy\"\nsid = \"Gone\"\nrules = [\"AWS002\"]\nreason = \"r\"\n";
    let dir =
        project(&[(".grantlint.toml", config), ("vendor.policy", "Allow group vendor to read metrics in tenancy\n")]);
    let run = grantlint_in(dir.path(), &["check", "--format", "concise", "vendor.policy"]);
    assert!(
        run.stderr.contains(
            "grantlint: warning: .grantlint.toml: `[[lint.ignore]]` is now `[[lint.per-statement-ignores]]`; rename it"
        ),
        "{run}"
    );
    assert!(run.stdout.contains(":1:1: warning[GL001]"), "the entry is still applied (and unused here):\n{run}");
}
