//! What grantlint does with the paths it is given: a named file is never passed over in silence,
//! unreadable paths are errors in every output format while the run goes on, walks honour
//! `.gitignore`, and standard input can be given a name.

use crate::support::{Run, grantlint_in};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("a parent")).expect("created");
        fs::write(path, text).expect("written");
    }
    dir
}

const NOTES: &str = "Allow me to explain why the vendor needs this.\n";
const MISSPELT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statment\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:ListAllMyBuckets\", \"Resource\": \"*\"}\n  ]\n}\n";
const GOOD: &str = "Allow group vendor to read metrics in tenancy\n";

fn concise(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--format", "concise"];
    all.extend(args);
    grantlint_in(dir, &all)
}

#[test]
fn a_named_file_that_is_not_a_policy_is_a_finding() {
    let dir = project(&[
        ("notes.txt", NOTES),
        ("iam/role.json", MISSPELT),
        ("empty.json", ""),
        ("README.md", "# Our policies\n\nThey live in `iam/`.\n"),
        ("package.json", "{\"name\": \"site\", \"version\": \"1.0.0\"}\n"),
        ("oci.json", "{\"name\": \"p\", \"statments\": [\"Allow group a to read metrics in tenancy\"]}\n"),
    ]);
    let expectations = [
        ("notes.txt", "notes.txt:1:1: error[GL003] not a policy: no OCI statement or policy JSON found"),
        (
            "iam/role.json",
            "iam/role.json:3:4: error[AWS001] `Statment` is not a policy element (expected one of Version, Id, Statement)",
        ),
        ("empty.json", "empty.json:1:1: error[GL003] not a policy: the file is empty"),
        ("README.md", "README.md:1:1: error[GL003] not a policy"),
        (
            "package.json",
            "package.json:1:1: error[GL003] JSON, but not a policy: it has none of `Statement` (an AWS policy), `statements` (an OCI policy), `grantlint_snapshot` (an audit snapshot)",
        ),
        (
            "oci.json",
            "oci.json:1:15: error[GL003] `statments` is not a key grantlint knows; an OCI policy has `statements`",
        ),
    ];
    for (file, expected) in expectations {
        let run = concise(dir.path(), &[file]);
        assert_eq!(run.code, 1, "{file}:\n{run}");
        assert!(run.stdout.contains(expected), "{file}: expected `{expected}`:\n{run}");
        assert!(!run.stdout.contains("skipped"), "{file}:\n{run}");
    }
    // The human format shows the span and the hint.
    let run = grantlint_in(dir.path(), &["check", "--format", "human", "empty.json"]);
    assert!(run.stdout.contains("help: an AWS policy is `{\"Version\": \"2012-10-17\""), "{run}");
    // A walk passes over what is not a policy without a word (`--verbose` says why).
    fs::write(dir.path().join("good.policy"), GOOD).expect("written");
    let walk = concise(dir.path(), &["--verbose", "."]);
    assert!(!walk.stdout.contains("GL003"), "{walk}");
    assert!(walk.stdout.contains("skipped notes.txt: not a policy"), "prose is not read as OCI statements:\n{walk}");
    assert!(walk.stdout.contains("skipped package.json: JSON, but not a policy"), "{walk}");
    // A misspelt `Statement` is no other JSON's key: a walk reads the file as the policy it is.
    assert!(walk.stdout.contains("iam/role.json:3:4: error[AWS001] `Statment`"), "{walk}");
    assert_eq!(walk.code, 1, "{walk}");
    fs::remove_file(dir.path().join("iam/role.json")).expect("removed");
    assert_eq!(concise(dir.path(), &["."]).code, 0);
}

#[test]
fn unreadable_paths_are_errors_in_every_format_and_the_run_goes_on() {
    let dir = project(&[("a.policy", "Allow group vendor to manage buckets in tenancy\n"), ("z.policy", GOOD)]);
    let args = ["a.policy", "missing.policy", "z.policy"];
    let text = concise(dir.path(), &args);
    assert_eq!(text.code, 2, "{text}");
    assert!(text.stdout.contains("a.policy:1:23: error[OCI002]"), "the other files are still linted:\n{text}");
    assert!(text.stdout.contains("in 2 files. 1 path could not be read."), "{text}");
    assert!(text.stderr.contains("grantlint: missing.policy: no such file or directory"), "{text}");
    assert!(!text.stderr.contains("os error"), "plain sentences only:\n{text}");

    let json = grantlint_in(dir.path(), &["check", "--format", "json", "a.policy", "missing.policy", "z.policy"]);
    assert_eq!(json.code, 2, "{json}");
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(document["unreadable"], serde_json::json!(["missing.policy: no such file or directory"]));
    assert_eq!(document["summary"]["unreadable"], 1);
    assert_eq!(document["summary"]["files"], 2);

    let sarif = grantlint_in(dir.path(), &["check", "--format", "sarif", "a.policy", "missing.policy"]);
    assert_eq!(sarif.code, 2, "{sarif}");
    let document: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    let invocation = &document["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        "missing.policy: no such file or directory"
    );

    let github = grantlint_in(dir.path(), &["check", "--format", "github", "a.policy", "missing.policy"]);
    assert_eq!(github.code, 2, "{github}");
    assert!(github.stdout.contains("::error title=grantlint::missing.policy: no such file or directory"), "{github}");
}

#[test]
fn configuration_errors_are_plain_sentences() {
    let dir = project(&[("a.policy", GOOD)]);
    let run = grantlint_in(dir.path(), &["check", "--config", "missing.toml", "a.policy"]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(run.stderr, "grantlint: missing.toml: no such file or directory\n", "{run}");
}

#[test]
fn walks_honour_gitignore_and_ignore_files() {
    let dir = project(&[
        (".gitignore", "generated/\n*.local.policy\n"),
        (".ignore", "scratch.policy\n"),
        ("generated/bad.policy", "Allow group vendor to manage all-resources in tenancy\n"),
        ("mine.local.policy", "Allow group vendor to manage buckets in tenancy\n"),
        ("scratch.policy", "Allow group vendor to manage buckets in tenancy\n"),
        ("kept.policy", GOOD),
    ]);
    let run = concise(dir.path(), &["."]);
    assert_eq!(run.code, 0, "ignored files are not read, in or outside a git repository:\n{run}");
    assert!(run.stdout.contains("in 1 file."), "{run}");
    // Named explicitly, an ignored file is still checked, as in ruff.
    let named = concise(dir.path(), &["generated/bad.policy"]);
    assert_eq!(named.code, 1, "{named}");
}

fn with_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_grantlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GRANTLINT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("grantlint runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("written");
    let output = child.wait_with_output().expect("grantlint finishes");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn standard_input_takes_a_name() {
    let root = crate::support::repo_root();
    let terraform = fs::read_to_string(root.join("fixtures/iac/terraform/unresolved/main.tf")).expect("fixture");
    let cloudformation =
        fs::read_to_string(root.join("fixtures/iac/cloudformation/intrinsics/stack.yaml")).expect("fixture");
    let dir = project(&[("grantlint.toml", "[lint.per-file-ignores]\n\"policies/*.policy\" = [\"OCI008\"]\n")]);
    // Terraform is only known by its name; findings carry the name.
    let tf = with_stdin(dir.path(), &["check", "--format", "concise", "--stdin-filename", "infra/main.tf"], &terraform);
    let by_file = concise(&root.join("fixtures/iac/terraform/unresolved"), &["main.tf"]);
    assert_eq!(tf.code, by_file.code, "{tf}\n{by_file}");
    assert_eq!(
        tf.stdout.replace("infra/main.tf:", "main.tf:"),
        by_file.stdout,
        "the same findings as the file itself, under the given name"
    );
    assert!(tf.stdout.contains("infra/main.tf:"), "{tf}");
    let cfn = with_stdin(
        dir.path(),
        &["check", "--format", "concise", "--stdin-filename", "stack.yaml", "-"],
        &cloudformation,
    );
    assert!(cfn.stdout.contains("stack.yaml:52:106: error[AWS002]"), "{cfn}");
    // OCI text, with the configuration's per-file settings matched against the name.
    let oci = "Allow group vendor to read objects in tenancy\nAllow group vendor to use buckets in tenancy\n";
    let named = with_stdin(dir.path(), &["check", "--format", "concise", "--stdin-filename", "policies/a.policy"], oci);
    assert!(named.stdout.contains("policies/a.policy:2:23: error[OCI002]"), "{named}");
    assert!(!named.stdout.contains("OCI008"), "per-file-ignores apply to the name:\n{named}");
    let misuse = grantlint_in(dir.path(), &["check", "--stdin-filename", "a.policy", "b.policy"]);
    assert_eq!(misuse.code, 2, "{misuse}");
}
