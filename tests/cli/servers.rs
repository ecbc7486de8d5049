//! The Python test servers the audits are tested against, and running grantlint at them.

use crate::support::{Run, finding_code, repo_root, run_of};
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Runs a prepared grantlint command to its end.
pub fn output_of(mut command: Command) -> Run {
    run_of(command.output().expect("grantlint runs"))
}

/// The rule codes of concise output, sorted, with repeats.
pub fn codes(run: &Run) -> Vec<String> {
    let mut codes: Vec<String> = run.stdout.lines().filter_map(finding_code).map(str::to_string).collect();
    codes.sort();
    codes
}

/// The Python the test servers run on: `GRANTLINT_PYTHON` (`scripts/test.sh` sets up one), else
/// `python3`.
pub fn python() -> String {
    std::env::var("GRANTLINT_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A Python test server (`tests/oci_server/server.py`, `tests/aws_server/proxy.py`): it prints
/// `listening on URL` once ready and logs every request as a JSON line. Stopped (its standard
/// input closed) when dropped.
pub struct TestServer {
    child: Child,
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Writes `config` to a file named `config_name` in a temporary directory and runs `script`
    /// with the arguments `args` makes of that file and the request log. `needs` says what a
    /// failure to start suggests is missing.
    pub fn start(
        script: &str,
        config_name: &str,
        config: &str,
        needs: &str,
        args: impl FnOnce(&Path, &Path) -> Vec<OsString>,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join(config_name);
        std::fs::write(&config_path, config).unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new(python())
            .arg(repo_root().join(script))
            .args(args(&config_path, &log))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {} ({needs}): {e}", python()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let Some(url) = line.trim().strip_prefix("listening on ") else {
            panic!("{script} did not start ({needs}): {line:?}");
        };
        TestServer { url: url.to_string(), child, log, _dir: dir }
    }

    /// Every request the server saw, in order.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
