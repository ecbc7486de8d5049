//! Vendors' public onboarding code (`fixtures/vendors`, sources in `SOURCES.md`): every finding
//! grantlint reports on it is held to a reviewed expectation in the vendor's `expected.tsv`.
//!
//! Each line of `expected.tsv` is `file <TAB> line <TAB> code <TAB> verdict <TAB> why`: the file
//! relative to the vendor's directory, the finding's line, its rule, `agree` when a careful
//! reviewer agrees with it or `false-positive` when one would not (with the reason), and why.
//! The findings must be exactly these; precision is the share of `agree`.

use crate::support::{grantlint, repo_root, sorted_entries};
use serde_json::Value;
use std::collections::BTreeMap;

const ROOT: &str = "fixtures/vendors";

/// The share of findings a reviewer agrees with that the corpus must keep: every one, since a
/// finding a reviewer rejects is fixed in grantlint rather than recorded.
const PRECISION: f64 = 1.0;

/// Where a finding is and which rule: (file, line, code).
type Key = (String, u64, String);

/// One reviewed finding and whether a reviewer agrees.
#[derive(Debug)]
struct Expected {
    key: Key,
    agree: bool,
}

fn expectations(vendor: &str) -> Vec<Expected> {
    let path = repo_root().join(ROOT).join(vendor).join("expected.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, at, code, verdict, why] = fields.as_slice() else {
            panic!("{}:{}: want file, line, code, verdict, why separated by tabs", path.display(), n + 1)
        };
        assert!(!why.trim().is_empty(), "{}:{}: say why", path.display(), n + 1);
        let agree = match *verdict {
            "agree" => true,
            "false-positive" => false,
            other => panic!("{}:{}: verdict `{other}` is not agree or false-positive", path.display(), n + 1),
        };
        let at: u64 = at.parse().unwrap_or_else(|_| panic!("{}:{}: `{at}` is not a line", path.display(), n + 1));
        out.push(Expected { key: (file.to_string(), at, code.to_string()), agree });
    }
    out
}

/// `(file, line, code)` of every finding, per vendor, and each finding's text for messages.
fn findings(report: &Value) -> BTreeMap<String, Vec<(Key, String)>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for f in report["findings"].as_array().into_iter().flatten() {
        let path = f["path"].as_str().unwrap_or("");
        let rest = path.strip_prefix(ROOT).and_then(|p| p.strip_prefix('/')).unwrap_or(path);
        let (vendor, file) = rest.split_once('/').unwrap_or((rest, ""));
        let key = (file.to_string(), f["line"].as_u64().unwrap_or(0), f["code"].as_str().unwrap_or("").to_string());
        let shown = format!(
            "{file}\t{}\t{}\t{} {}{}",
            key.1,
            key.2,
            f["severity"].as_str().unwrap_or(""),
            f["message"].as_str().unwrap_or(""),
            f["policy"].as_str().map(|p| format!(" [{p}]")).unwrap_or_default()
        );
        out.entry(vendor.to_string()).or_default().push((key, shown));
    }
    out
}

#[test]
fn vendor_onboarding_findings_are_reviewed() {
    let vendors: Vec<String> =
        sorted_entries(&repo_root().join(ROOT)).into_iter().filter(|e| !e.contains('.')).collect();
    let flavor = |dir: &str| repo_root().join(ROOT).join(dir).is_dir();
    let cloudformation = vendors.iter().filter(|v| flavor(&format!("{v}/cloudformation"))).count();
    let terraform = vendors.iter().filter(|v| flavor(&format!("{v}/terraform"))).count();
    assert!(vendors.len() >= 14 && cloudformation >= 5 && terraform >= 10, "{vendors:?}");

    let run = grantlint(&["check", "--format", "json", ROOT]);
    assert!(run.code == 0 || run.code == 1, "{run}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"));
    let found = findings(&report);
    let (mut agreed, mut total) = (0usize, 0usize);
    let mut problems = String::new();
    for vendor in &vendors {
        let mut want = expectations(vendor);
        let mut unexpected = Vec::new();
        for (key, shown) in found.get(vendor).into_iter().flatten() {
            assert!(
                !["AWS001", "IAC001"].contains(&key.2.as_str()),
                "{vendor}: a syntax finding on a valid file: {shown}"
            );
            match want.iter().position(|e| &e.key == key) {
                Some(i) => {
                    let expected = want.swap_remove(i);
                    total += 1;
                    agreed += usize::from(expected.agree);
                }
                None => unexpected.push(shown.clone()),
            }
        }
        for line in unexpected {
            problems.push_str(&format!("{vendor}: not reviewed: {line}\n"));
        }
        for missing in want {
            problems.push_str(&format!("{vendor}: expected but not found: {:?}\n", missing.key));
        }
    }
    assert!(problems.is_empty(), "{problems}");
    assert!(total > 0, "the corpus draws no findings at all");
    let precision = agreed as f64 / total as f64;
    assert!(precision >= PRECISION, "precision {agreed}/{total} = {precision:.3} is below {PRECISION}");
}

/// Every template of the corpus that holds a policy is read: only the files that declare
/// variables, locals or data sources are passed over, so no policy is left unchecked without a
/// finding that says why.
#[test]
fn every_vendor_template_is_read() {
    // `stackset_template.tf` holds only a local, Expel's StackSet template: it is read where the
    // stack set uses it (`stackset.tf`).
    const NO_POLICY: &[&str] =
        &["variables.tf", "locals.tf", "local.tf", "data.tf", "inputs.tf", "stackset_template.tf"];
    let run = grantlint(&["check", "--format", "concise", "--verbose", ROOT]);
    assert!(run.code == 0 || run.code == 1, "{run}");
    let skipped: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("skipped "))
        .filter(|l| !NO_POLICY.iter().any(|name| l.split(':').next().is_some_and(|p| p.ends_with(&format!("/{name}")))))
        .collect();
    assert!(skipped.is_empty(), "{skipped:?}\n{run}");
}
