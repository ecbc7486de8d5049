//! Every AWS managed policy parses without a syntax finding, and nothing panics.
//!
//! The corpus is not committed: `scripts/managed-policy-sweep.sh` fetches it, writes one file per
//! policy and runs this test with `GRANTLINT_MANAGED_POLICIES` naming that directory. Without the
//! variable the test says so and passes.

use grantlint::lint::{self, Options};
use grantlint::source::SourceFile;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

#[test]
fn every_managed_policy_parses() {
    let Some(dir) = std::env::var_os("GRANTLINT_MANAGED_POLICIES") else {
        println!("GRANTLINT_MANAGED_POLICIES is not set; skipping (scripts/managed-policy-sweep.sh sets it)");
        return;
    };
    let dir = PathBuf::from(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() > 1000, "{} holds only {} policies: not the managed-policy corpus", dir.display(), paths.len());
    let options = Options::default();
    let mut problems = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let source = SourceFile::new(path.to_string_lossy(), text);
        match catch_unwind(AssertUnwindSafe(|| lint::lint_source(source, &options))) {
            Err(_) => problems.push(format!("{}: panicked", path.display())),
            Ok(report) => problems.extend(
                report
                    .diagnostics()
                    .filter(|(_, d)| d.rule.code == "AWS001")
                    .map(|(source, d)| format!("{}: AWS001 {}", source.path, d.message)),
            ),
        }
    }
    println!("{} managed policies read", paths.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
