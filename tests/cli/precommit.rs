//! The pre-commit hook, run by pre-commit itself: a throwaway git repository uses this
//! repository's `.pre-commit-hooks.yaml` at HEAD, and a bad commit is refused while a good one
//! goes through. pre-commit builds grantlint with `cargo install` the way it would for a user.

use crate::support::repo_root;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python environment `scripts/test.sh` prepares, with pre-commit installed.
fn pre_commit() -> Option<PathBuf> {
    let python = std::env::var_os("GRANTLINT_PYTHON")?;
    let bin = Path::new(&python).parent()?.join("pre-commit");
    bin.is_file().then_some(bin)
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args([
            "-c",
            "user.name=grantlint tests",
            "-c",
            "user.email=tests@grantlint.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs")
}

fn head_commit(repo: &Path) -> String {
    let out = git(repo, &["rev-parse", "HEAD"]);
    assert!(out.status.success(), "this repository has a commit");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn hook_refuses_a_bad_commit_and_accepts_a_good_one() {
    let Some(pre_commit) = pre_commit() else {
        eprintln!("skipped: pre-commit not installed; scripts/test.sh installs it and sets GRANTLINT_PYTHON");
        return;
    };
    let root = repo_root();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let work = dir.path();
    assert!(git(work, &["init", "-q", "-b", "main"]).status.success());
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: grantlint\n",
        root.display(),
        head_commit(root)
    );
    std::fs::write(work.join(".pre-commit-config.yaml"), config).expect("written");
    // Reused between runs on one machine, so only the first run pays for the build.
    let cache = root.join("target/pre-commit");
    let run_pre_commit = |args: &[&str]| {
        Command::new(&pre_commit)
            .args(args)
            .current_dir(work)
            .env("PRE_COMMIT_HOME", cache.join("home"))
            .env("CARGO_TARGET_DIR", cache.join("build"))
            .output()
            .expect("pre-commit runs")
    };
    let install = run_pre_commit(&["install"]);
    assert!(install.status.success(), "{}", String::from_utf8_lossy(&install.stderr));

    std::fs::write(work.join("vendor.policy"), "Allow group vendor to manage all-resources in tenancy\n")
        .expect("written");
    std::fs::write(work.join("package.json"), "{\"name\": \"not a policy\"}\n").expect("written");
    assert!(git(work, &["add", "."]).status.success());
    // The first commit installs the hook: pre-commit builds grantlint in release mode.
    let started = std::time::Instant::now();
    let refused = git(work, &["commit", "-q", "-m", "grant the vendor everything"]);
    eprintln!("pre-commit: first run (hook install and check) took {} s", started.elapsed().as_secs());
    let output = String::from_utf8_lossy(&refused.stdout).into_owned() + &String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "the commit must be refused:\n{output}");
    assert!(output.contains("vendor.policy:1:23: error[OCI002]"), "{output}");

    std::fs::write(work.join("vendor.policy"), "Allow group vendor to read metrics in tenancy\n").expect("written");
    assert!(git(work, &["add", "."]).status.success());
    let accepted = git(work, &["commit", "-q", "-m", "read-only grant"]);
    let output = String::from_utf8_lossy(&accepted.stdout).into_owned() + &String::from_utf8_lossy(&accepted.stderr);
    assert!(accepted.status.success(), "the commit must go through:\n{output}");
    assert!(output.contains("grantlint") && output.contains("Passed"), "{output}");
}
