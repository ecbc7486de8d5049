//! Running the grantlint binary from the repository root, so paths in snapshots are relative.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// One run of the binary: its exit code and both streams.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}", self.code, self.stdout, self.stderr)
    }
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `grantlint ARGS` in the repository root, with colour off and no inherited configuration.
pub fn grantlint(args: &[&str]) -> Run {
    grantlint_with_stdin(args, None)
}

pub fn grantlint_with_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    run_in(repo_root(), args, stdin)
}

/// Runs `grantlint ARGS` in `dir`, as a user working in that project would.
pub fn grantlint_in(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, None)
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grantlint"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("GRANTLINT_CONFIG")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the grantlint binary runs");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("stdin accepts the input");
    }
    run_of(child.wait_with_output().expect("grantlint finishes"))
}

pub fn run_of(output: std::process::Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// DigiUsher's public onboarding policies (`fixtures/digiusher/README.md` names their sources), as a
/// path relative to the repository root.
pub const SHARED: &str = "fixtures/digiusher";

pub fn sorted_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The rule code of a concise-format finding line (`path:1:2: error[CODE] message`).
pub fn finding_code(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once(": ")?;
    let (severity, rest) = rest.split_once('[')?;
    matches!(severity, "error" | "warning").then_some(())?;
    rest.split_once("] ").map(|(code, _)| code)
}

/// The number of errors a text-format run's summary line reports.
pub fn summary_errors(run: &Run) -> usize {
    let summary = run.stdout.lines().rev().find(|l| l.starts_with("Found ") || l.starts_with("No findings"));
    summary
        .and_then(|l| l.strip_prefix("Found "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Each `fixtures/FAMILY/CODE/{bad,good}-*` input (a file, or a directory checked as one run):
/// a bad one must draw CODE, a good one must not, and the exit code must be 1 exactly when an
/// error is found. Inputs named `*.digiusher*` are checked with the DigiUsher profile.
/// `snapshot(name, run)` records each output under `CODE-{bad,good}-NAME`.
pub fn check_rule_fixtures(family: &str, rules: usize, snapshot: impl Fn(&str, &Run)) {
    let root = repo_root().join("fixtures").join(family);
    let codes = sorted_entries(&root);
    assert_eq!(codes.len(), rules, "one fixture directory per {family} rule: {codes:?}");
    for code in codes {
        let fixtures = sorted_entries(&root.join(&code));
        assert!(fixtures.iter().any(|f| f.starts_with("bad-")), "{code} has no bad fixture");
        assert!(fixtures.iter().any(|f| f.starts_with("good-")), "{code} has no good fixture");
        for fixture in fixtures {
            let path = format!("fixtures/{family}/{code}/{fixture}");
            let mut args = vec!["check", "--format", "concise", path.as_str()];
            if fixture.contains(".digiusher") {
                args.extend(["--profile", "digiusher"]);
            }
            let run = grantlint(&args);
            let fired = run.stdout.lines().any(|line| line.contains(&format!("[{code}] ")));
            if fixture.starts_with("bad-") {
                assert!(fired, "{path} should draw {code}:\n{run}");
            } else {
                assert!(!fired, "{path} should not draw {code}:\n{run}");
            }
            let expected_exit = if summary_errors(&run) > 0 { 1 } else { 0 };
            assert_eq!(run.code, expected_exit, "{path}:\n{run}");
            snapshot(&format!("{code}-{}", fixture.split('.').next().unwrap_or(&fixture)), &run);
        }
    }
}
