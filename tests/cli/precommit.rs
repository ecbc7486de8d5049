//! The pre-commit hook, run by pre-commit itself: a throwaway git repository installs the README's
//! pre-commit snippet (pointed at this repository's HEAD), and commits go through or are refused
//! as a full `grantlint check` of that repository would decide. The hook obtains grantlint as it
//! would for a user of a released version: this build, packed as a release and served from a
//! file:// URL. With `GRANTLINT_HOOK_FROM_SOURCE=1` (CI sets it) no release is served and the hook
//! builds grantlint with cargo, as for an unreleased revision.

use crate::support::{grantlint_in, repo_root};
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
        // No network in tests: releases come from a local directory.
        .env("GRANTLINT_RELEASES", format!("file://{}", cache().join("releases").display()))
        // A fresh pre-commit home each run, so that the first commit is a first install; cargo's
        // build directory is kept, so that building from source costs the full build only once.
        .env("PRE_COMMIT_HOME", pre_commit_home(dir))
        .env("CARGO_TARGET_DIR", cache().join("build"))
        .env_remove("GRANTLINT_BIN")
        .env_remove("GRANTLINT_CACHE")
        .output()
        .expect("git runs")
}

fn cache() -> PathBuf {
    repo_root().join("target/pre-commit")
}

/// pre-commit's own cache (its clone of the hook repository) for the repository in `work`:
/// beside it in the test's temporary directory, so new for each run of the test.
fn pre_commit_home(work: &Path) -> PathBuf {
    work.parent().unwrap_or(work).join("pre-commit-home")
}

/// The grantlint the hook installed, in pre-commit's clone of the hook repository.
fn installed_binary(home: &Path) -> PathBuf {
    std::fs::read_dir(home)
        .expect("pre-commit's home")
        .filter_map(|entry| entry.ok().map(|e| e.path().join(".cache/bin/grantlint")))
        .find(|path| path.is_file())
        .expect("the hook installed grantlint in its clone's .cache/bin")
}

fn head_commit(repo: &Path) -> String {
    let out = git(repo, &["rev-parse", "HEAD"]);
    assert!(out.status.success(), "this repository has a commit");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The README's `.pre-commit-config.yaml` block.
pub fn readme_snippet() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let section = readme.split("\n## pre-commit\n").nth(1).expect("a pre-commit section");
    let block = section.split("```yaml\n").nth(1).and_then(|b| b.split("```").next()).expect("a yaml block");
    block.to_string()
}

const CONFIG: &str = r#"[lint]
profile = "digiusher"
fail-on = "warning"

[[lint.accept]]
rule = "OCI008"
statement = "Allow group digiusher-finops-group to read all-resources in tenancy"
reason = "resource discovery, reviewed in SEC-7"
"#;

fn commit(work: &Path, message: &str) -> (bool, String) {
    let out = git(work, &["commit", "-q", "-m", message]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn hook_gives_the_verdict_of_a_full_run() {
    let snippet = readme_snippet();
    let version = env!("CARGO_PKG_VERSION");
    assert!(snippet.contains("  - repo: https://github.com/grantlint/grantlint\n"), "{snippet}");
    assert!(snippet.contains(&format!("    rev: v{version}\n")), "the README pins this version:\n{snippet}");
    let Some(pre_commit) = pre_commit() else {
        eprintln!("skipped: pre-commit not installed; scripts/test.sh installs it and sets GRANTLINT_PYTHON");
        return;
    };
    let root = repo_root();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let work = &dir.path().join("repo");
    std::fs::create_dir(work).expect("created");
    assert!(git(work, &["init", "-q", "-b", "main"]).status.success());
    // Exactly the README's snippet, pointed at this repository's HEAD.
    let config = snippet
        .replace("https://github.com/grantlint/grantlint", &root.display().to_string())
        .replace(&format!("rev: v{version}"), &format!("rev: {}", head_commit(root)));
    std::fs::write(work.join(".pre-commit-config.yaml"), config).expect("written");
    let install = Command::new(&pre_commit)
        .args(["install"])
        .current_dir(work)
        .env("PRE_COMMIT_HOME", pre_commit_home(work))
        .output()
        .expect("pre-commit runs");
    assert!(install.status.success(), "{}", String::from_utf8_lossy(&install.stderr));

    // DigiUsher's four OCI policies, a note that starts like a statement, and a package.json.
    let policies = work.join("oci");
    std::fs::create_dir(&policies).expect("created");
    for name in crate::support::sorted_entries(&root.join("examples/digiusher/oci")) {
        if name.ends_with(".policy") {
            std::fs::copy(root.join("examples/digiusher/oci").join(&name), policies.join(&name)).expect("copied");
        }
    }
    std::fs::write(work.join("notes.txt"), "Allow me to explain why the vendor needs these grants.\n")
        .expect("written");
    std::fs::write(work.join("package.json"), "{\"name\": \"not a policy\"}\n").expect("written");
    assert!(git(work, &["add", "."]).status.success());
    // The first commit installs the hook: pre-commit clones the hook and obtains grantlint.
    let releases = cache().join("releases");
    let _ = std::fs::remove_dir_all(&releases);
    let from_source = std::env::var_os("GRANTLINT_HOOK_FROM_SOURCE").is_some_and(|v| v == "1");
    match crate::action::platform().filter(|_| !from_source) {
        Some(target) => drop(crate::action::release(&releases, target)),
        None => eprintln!("pre-commit: no release served; the hook builds grantlint from source"),
    }
    let started = std::time::Instant::now();
    let (ok, output) = commit(work, "DigiUsher onboarding");
    let how = if releases.exists() { "a release download" } else { "a build from source" };
    eprintln!("pre-commit: first run (hook install by {how}, and the check) took {} s", started.elapsed().as_secs());
    assert!(ok, "DigiUsher's policies and a note pass:\n{output}");
    assert!(output.contains("grantlint") && output.contains("Passed"), "{output}");
    if !releases.exists() {
        // Built from source, the hook's grantlint has the checks and not the live audits.
        let built = installed_binary(&pre_commit_home(work));
        for cloud in ["oci", "aws"] {
            let out = Command::new(&built).args(["audit", cloud, "--profile", "digiusher"]).output().expect("runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(&format!("`audit {cloud}` is not in this build")), "{stderr}");
        }
    }

    // The project fails on warnings, with DigiUsher's resource discovery accepted; so OCI009, a
    // warning, decides the verdict.
    std::fs::write(work.join(".grantlint.toml"), CONFIG).expect("written");
    // One policy file changes. Checked alone it would miss the other files' statements (OCI009);
    // the hook judges it with all of them, as a full run does.
    let changed = policies.join("digiusher-metrics-access.policy");
    let text = std::fs::read_to_string(&changed).expect("read");
    std::fs::write(&changed, format!("# reviewed in SEC-7\n{text}")).expect("written");
    let alone = grantlint_in(work, &["check", "--format", "concise", "oci/digiusher-metrics-access.policy"]);
    assert_eq!(alone.code, 1, "{alone}");
    assert!(alone.stdout.contains("warning[OCI009]"), "checked alone, the others' statements are missing:\n{alone}");
    let full = grantlint_in(work, &["check", "--format", "concise"]);
    assert_eq!(full.code, 0, "{full}");
    assert!(git(work, &["add", "."]).status.success());
    let (ok, output) = commit(work, "review note");
    assert!(ok, "the same verdict as the full run:\n{output}");
    assert!(!output.contains("OCI009"), "{output}");

    // A grant beyond read-only is refused, wherever it is.
    std::fs::write(
        work.join("oci/extra.policy"),
        "Allow group digiusher-finops-group to manage all-resources in tenancy\n",
    )
    .expect("written");
    assert!(git(work, &["add", "."]).status.success());
    let (ok, output) = commit(work, "grant the vendor everything");
    assert!(!ok, "the commit must be refused:\n{output}");
    assert!(output.contains("oci/extra.policy:1:39: error[OCI002]"), "{output}");
}
