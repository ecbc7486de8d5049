//! OCI policies by other authors beside Oracle's landing zones (`fixtures/oci-corpus/*/`, each
//! file's repository, path, commit and licence in `sources.tsv`): Terraform modules from Oracle's
//! OKE and architecture teams and the OCI onboarding of Datadog, New Relic and Upwind. Every
//! finding grantlint reports on them is held to a reviewed line in the source's `expected.tsv`:
//! `file <TAB> line <TAB> code <TAB> verdict <TAB> why`, the verdict `agree` when a careful
//! reviewer agrees, `false-positive` (with the reason) when one would not. Nothing may fail to
//! parse, and every unknown type is a listed mistake or an unconfirmed name.

use crate::support::{grantlint, repo_root, sorted_entries};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const CORPUS: &str = "fixtures/oci-corpus";
/// Held to `mistakes.tsv` by oci_corpus.rs.
const LANDING_ZONES: &str = "oci-landing-zone-operating-entities";

/// The share of findings a reviewer agrees with that the corpus must keep.
const PRECISION: f64 = 0.95;

/// The other authors' directories.
fn sources() -> Vec<String> {
    sorted_entries(&repo_root().join(CORPUS))
        .into_iter()
        .filter(|e| e != LANDING_ZONES && repo_root().join(CORPUS).join(e).is_dir())
        .collect()
}

/// Every file under `dir`, relative to the corpus.
fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("a corpus directory").map(|e| e.expect("an entry").path()) {
        if entry.is_dir() {
            files(&entry, out);
        } else {
            let relative = entry.strip_prefix(repo_root().join(CORPUS)).expect("under the corpus");
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_file_has_its_source_and_licence() {
    let text = std::fs::read_to_string(repo_root().join(CORPUS).join("sources.tsv")).expect("sources.tsv");
    let mut listed = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, repository, path, commit, licence] = cols.as_slice() else { panic!("malformed: {line}") };
        assert!(repository.starts_with("https://github.com/") && !path.is_empty(), "{line}");
        assert!(commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        let (name, text) = licence.split_once(" (").expect("licence (file)");
        assert!(["UPL-1.0", "Apache-2.0", "MIT", "BSD-3-Clause", "MPL-2.0"].contains(&name), "{line}");
        let text = text.strip_suffix(')').expect("licence (file)");
        assert!(repo_root().join(CORPUS).join(text).is_file(), "no licence text: {line}");
        listed.push((*file).to_string());
    }
    let mut present = Vec::new();
    for source in sources() {
        files(&repo_root().join(CORPUS).join(&source), &mut present);
    }
    present.retain(|f| !f.ends_with("/expected.tsv") && !f.ends_with("/LICENSE") && !f.ends_with("/LICENSE.txt"));
    present.sort();
    listed.sort();
    assert_eq!(present, listed, "files and sources.tsv disagree");
    assert!(sources().len() >= 4, "{:?}", sources());
}

/// One reviewed finding: where, which rule, and whether a reviewer agrees (with why).
fn reviewed(source: &str) -> Vec<((String, u64, String), bool, String)> {
    let path = repo_root().join(CORPUS).join(source).join("expected.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, at, code, verdict, why] = cols.as_slice() else { panic!("{}: malformed: {line}", path.display()) };
        assert!(why.len() > 20, "{}: say why: {line}", path.display());
        let agree = match *verdict {
            "agree" => true,
            "false-positive" => false,
            other => panic!("{}: verdict `{other}` is not agree or false-positive", path.display()),
        };
        if *code == "OCI010" {
            assert!(why.starts_with("mistake: ") || why.starts_with("unconfirmed: "), "{}: {line}", path.display());
        }
        let at: u64 = at.parse().unwrap_or_else(|_| panic!("{}: `{at}` is not a line", path.display()));
        out.push((((*file).to_string(), at, (*code).to_string()), agree, (*why).to_string()));
    }
    out
}

#[test]
fn findings_on_other_authors_policies_are_reviewed() {
    let (mut agreed, mut total) = (0usize, 0usize);
    let mut problems = String::new();
    let mut summary = String::new();
    for source in sources() {
        let dir = format!("{CORPUS}/{source}");
        let run = grantlint(&["check", "--format", "json", "--exit-zero", &dir]);
        let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run}"));
        let mut want = reviewed(&source);
        let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
        for f in report["findings"].as_array().into_iter().flatten() {
            let path = f["path"].as_str().unwrap_or_default();
            let file = path.strip_prefix(&format!("{dir}/")).unwrap_or(path).to_string();
            let code = f["code"].as_str().unwrap_or_default().to_string();
            let message = f["message"].as_str().unwrap_or_default();
            assert!(!["OCI001", "IAC001"].contains(&code.as_str()), "{source}: does not parse: {file} {message}");
            *per_code.entry(code.clone()).or_default() += 1;
            let key = (file, f["line"].as_u64().unwrap_or_default(), code);
            match want.iter().position(|(k, ..)| *k == key) {
                Some(i) => {
                    let (_, agree, _) = want.swap_remove(i);
                    total += 1;
                    agreed += usize::from(agree);
                }
                None => {
                    problems.push_str(&format!("{source}: not reviewed: {}:{} {} {message}\n", key.0, key.1, key.2))
                }
            }
        }
        for (key, _, why) in want {
            problems.push_str(&format!("{source}: reviewed, but no longer reported: {key:?} ({why})\n"));
        }
        let files = report["summary"]["files"].as_u64().unwrap_or_default();
        let codes: Vec<String> = per_code.iter().map(|(code, n)| format!("{code} {n}")).collect();
        summary.push_str(&format!("{source}: {files} files with policies; {}\n", codes.join(", ")));
    }
    assert!(problems.is_empty(), "{problems}");
    let precision = agreed as f64 / total as f64;
    assert!(precision >= PRECISION, "precision {agreed}/{total} = {precision:.3} is below {PRECISION}");
    insta::assert_snapshot!(format!("{summary}reviewed: {total}, agreed: {agreed}\n"));
}
