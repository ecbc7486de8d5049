//! The GitHub Action's script (`scripts/action.sh`, which `action.yml` runs) and the way it
//! obtains grantlint (`scripts/grantlint.sh`): against a release packed by the release workflow's
//! own script (`scripts/package-release.sh`) from this build, served from a file:// URL.

use crate::support::repo_root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The release's name for this machine, as scripts/grantlint.sh computes it.
pub fn platform() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-musl"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

/// A release directory laid out as GitHub serves one: `v{version}/grantlint-v{version}-{target}.tar.gz`.
pub fn release(dir: &Path, target: &str) -> PathBuf {
    let version = env!("CARGO_PKG_VERSION");
    let tag = dir.join(format!("v{version}"));
    let out = Command::new(repo_root().join("scripts/package-release.sh"))
        .args([target, env!("CARGO_BIN_EXE_grantlint"), tag.to_str().expect("UTF-8")])
        .output()
        .expect("the packaging script runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let archive = tag.join(format!("grantlint-v{version}-{target}.tar.gz"));
    assert!(archive.is_file() && tag.join(format!("grantlint-v{version}-{target}.tar.gz.sha256")).is_file());
    archive
}

fn action(work: &Path, releases: &Path, cache: &Path, paths: &str) -> Output {
    Command::new(repo_root().join("scripts/action.sh"))
        .current_dir(repo_root())
        .env("GRANTLINT_RELEASES", format!("file://{}", releases.display()))
        .env("GRANTLINT_CACHE", cache)
        .env_remove("GRANTLINT_BIN")
        .env("GRANTLINT_PATHS", paths)
        .env("GRANTLINT_ARGS", "--fail-on error --color never")
        .env("GRANTLINT_SARIF", work.join("out.sarif"))
        .env("GITHUB_OUTPUT", work.join("github-output"))
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("the action's script runs")
}

#[test]
fn action_annotates_writes_sarif_and_fails_on_findings() {
    let Some(target) = platform() else {
        eprintln!("skipped: no release build for this platform");
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let releases = dir.path().join("releases");
    release(&releases, target);
    let cache = dir.path().join("cache");

    let run = action(dir.path(), &releases, &cache, "fixtures/formats");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "findings fail the step:\n{stdout}\n{stderr}");
    assert!(stderr.contains(&format!("using the v{} release for {target}", env!("CARGO_PKG_VERSION"))), "{stderr}");
    assert!(
        stdout.lines().any(|l| l.starts_with("::error title=grantlint (OCI002),file=fixtures/formats/")),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).expect("the SARIF file"))
            .expect("SARIF is JSON");
    assert!(sarif["runs"][0]["results"].as_array().is_some_and(|r| !r.is_empty()), "{sarif}");
    let outputs = std::fs::read_to_string(dir.path().join("github-output")).expect("step outputs");
    assert!(outputs.contains(&format!("sarif-file={}", dir.path().join("out.sarif").display())), "{outputs}");
    assert!(cache.join("bin/grantlint").is_file(), "the binary is kept for the cache step");

    // Cached now: no release is needed the second time, and a clean input passes.
    std::fs::remove_dir_all(&releases).expect("removed");
    let clean = action(dir.path(), &releases, &cache, "fixtures/formats/clean.policy");
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    assert!(!String::from_utf8_lossy(&clean.stderr).contains("release"), "the cached binary is used");
}

#[test]
fn a_download_that_does_not_match_its_checksum_is_refused() {
    let Some(target) = platform() else { return };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let releases = dir.path().join("releases");
    let archive = release(&releases, target);
    let sum = PathBuf::from(format!("{}.sha256", archive.display()));
    let name = archive.file_name().expect("a name").to_string_lossy().into_owned();
    std::fs::write(&sum, format!("{} {name}\n", "0".repeat(64))).expect("written");
    let run = action(dir.path(), &releases, &dir.path().join("cache"), "fixtures/formats");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not match its published SHA-256"), "{stderr}");
    assert!(!dir.path().join("cache/bin/grantlint").exists());
}

/// GRANTLINT_BIN (a build of one's own) is used as is, and the hook's entry runs through the
/// same script.
#[test]
fn a_given_binary_is_used() {
    let out = Command::new(repo_root().join("scripts/grantlint.sh"))
        .args(["check", "--format", "concise", "fixtures/formats/clean.policy"])
        .current_dir(repo_root())
        .env("GRANTLINT_BIN", env!("CARGO_BIN_EXE_grantlint"))
        .output()
        .expect("the script runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No findings in 1 file."));
}

/// action.yml runs the script, caches what it obtains, and uploads the SARIF report.
#[test]
fn action_yml_wires_the_script() {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).expect("action.yml");
    for needle in [
        "using: composite",
        "scripts/action.sh",
        "actions/cache@v4",
        "GRANTLINT_CACHE: ~/.cache/grantlint-action",
        "path: ~/.cache/grantlint-action",
        "github/codeql-action/upload-sarif@v3",
    ] {
        assert!(text.contains(needle), "action.yml lacks `{needle}`");
    }
    let workflow = std::fs::read_to_string(repo_root().join(".github/workflows/release.yml")).expect("release.yml");
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(workflow.contains(target), "release.yml does not build {target}");
    }
    assert!(workflow.contains("scripts/package-release.sh") && workflow.contains("SHA256SUMS"));
}
