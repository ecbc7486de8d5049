//! The real-world corpus (`fixtures/oci-corpus/`): 3,611 statements Oracle publishes in its
//! landing zones, checked as a user would check them. Every statement parses except the mistakes
//! `mistakes.tsv` lists with their reason, every unknown resource type is listed there too (so no
//! documented type is called unknown), and the number of findings per rule is snapshotted.

use crate::support::{grantlint, repo_root};
use std::collections::BTreeMap;

const CORPUS: &str = "fixtures/oci-corpus";

/// One expected finding: where, which rule, a piece of its message, and why the input is wrong.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    path: String,
    line: u64,
    code: String,
    says: String,
}

fn mistakes() -> Vec<(Expected, String)> {
    let text = std::fs::read_to_string(repo_root().join(CORPUS).join("mistakes.tsv")).expect("mistakes.tsv");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let [path, number, code, says, reason] = cols.as_slice() else { panic!("malformed: {line}") };
            assert!(reason.len() > 20, "give the reason: {line}");
            let expected = Expected {
                path: format!("{CORPUS}/{path}"),
                line: number.parse().expect("a line number"),
                code: (*code).to_string(),
                says: (*says).to_string(),
            };
            (expected, (*reason).to_string())
        })
        .collect()
}

/// The files and statements the corpus holds, the statements counted from the files themselves.
fn corpus_size() -> (u64, u64) {
    let index = std::fs::read_to_string(repo_root().join(CORPUS).join("index.json")).expect("index.json");
    let index: serde_json::Value = serde_json::from_str(&index).expect("index.json is JSON");
    let mut total = 0;
    for file in index["files"].as_array().expect("files") {
        let path = repo_root().join(CORPUS).join(file["path"].as_str().expect("path"));
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("a corpus file")).expect("JSON");
        let policies = config["policies_configuration"]["supplied_policies"].as_object().expect("policies");
        let here: u64 = policies.values().map(|p| p["statements"].as_array().map_or(0, |s| s.len() as u64)).sum();
        assert_eq!(Some(here), file["statement_count"].as_u64(), "{}", path.display());
        total += here;
    }
    assert_eq!(index["statement_count"].as_u64(), Some(total));
    (index["files"].as_array().map_or(0, |f| f.len() as u64), total)
}

#[test]
fn real_world_policies_parse_and_name_known_types() {
    let (files, statements) = corpus_size();
    assert!(statements >= 2_000, "{statements}");
    // The other authors' policies beside it are held to their own reviews (oci_corpus_others.rs).
    let landing_zones = format!("{CORPUS}/oci-landing-zone-operating-entities");
    let run = grantlint(&["check", "--format", "json", "--exit-zero", &landing_zones]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run}"));
    // Every policy file is read as policies; the licence is skipped.
    assert_eq!(doc["summary"]["files"].as_u64(), Some(files), "{run}");
    assert_eq!(doc["summary"]["skipped"].as_u64(), Some(1), "{run}");

    let findings = doc["findings"].as_array().expect("findings");
    let mut per_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: Vec<(Expected, String)> = Vec::new();
    for f in findings {
        let code = f["code"].as_str().unwrap_or_default().to_string();
        *per_code.entry(code.clone()).or_default() += 1;
        if code == "OCI001" || code == "OCI010" {
            let at = Expected {
                path: f["path"].as_str().unwrap_or_default().to_string(),
                line: f["line"].as_u64().unwrap_or_default(),
                code,
                says: String::new(),
            };
            found.push((at, f["message"].as_str().unwrap_or_default().to_string()));
        }
    }

    let expected = mistakes();
    let key = |e: &Expected| (e.path.clone(), e.line, e.code.clone());
    for (at, message) in &found {
        let listed = expected.iter().find(|(e, _)| key(e) == key(at) && message.contains(&e.says));
        assert!(listed.is_some(), "not a listed mistake: {}:{} {} {message}", at.path, at.line, at.code);
    }
    for (e, reason) in &expected {
        let drawn = found.iter().any(|(at, message)| key(at) == key(e) && message.contains(&e.says));
        assert!(drawn, "listed, but grantlint no longer reports it: {e:?} ({reason})");
    }

    let parsed = statements - per_code.get("OCI001").copied().unwrap_or(0) as u64;
    let summary = per_code.iter().map(|(code, n)| format!("{code}: {n}\n")).collect::<String>();
    insta::assert_snapshot!(format!("statements: {statements}\nparsed: {parsed}\nfindings per rule:\n{summary}"));
}
