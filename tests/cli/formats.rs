//! The CI-facing outputs: SARIF, GitHub workflow commands, shell completions and the man page.
//! Inputs are the small policies under `fixtures/formats/`, so the snapshots only move when the
//! formats (or the findings on those few statements) do.

use crate::support::grantlint;
use serde_json::Value;
use std::process::Command;

const FIXTURES: &str = "fixtures/formats";

fn sarif(args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend(args);
    let run = grantlint(&all);
    assert!(run.stderr.is_empty(), "{run}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("SARIF output is JSON ({e}):\n{run}"))
}

/// What the SARIF 2.1.0 schema finds wrong with a document, formats (`uri`, …) included.
fn sarif_violations(document: &Value) -> Vec<String> {
    // fixtures/schemas/sarif-2.1.0.json is `sarif-2.1.0.json` from the npm package
    // @microsoft/sarif-multitool-linux 5.7.0 (the SARIF SDK's copy of the 2.1.0 schema), verbatim.
    let schema: Value =
        serde_json::from_str(include_str!("../../fixtures/schemas/sarif-2.1.0.json")).expect("the schema is JSON");
    // The schema declares draft 2020-12, where `format` is only an annotation unless asked for.
    let validator =
        jsonschema::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles");
    validator.iter_errors(document).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

#[test]
fn sarif_validates_against_the_schema() {
    for args in [&[FIXTURES][..], &["fixtures/formats/clean.policy"], &["fixtures/formats/syntax.policy"]] {
        let violations = sarif_violations(&sarif(args));
        assert!(violations.is_empty(), "{args:?}: SARIF schema violations:\n{}", violations.join("\n"));
    }
}

/// The check has teeth: documents broken the ways a renderer could break them fail it. Each
/// breakage sets the value at a JSON pointer, or removes it (`None`).
#[test]
fn sarif_schema_check_rejects_broken_documents() {
    let good = sarif(&[FIXTURES]);
    let result = "/runs/0/results/0";
    let breakages = [
        (format!("{result}/level"), Some("fatal".into())),
        (format!("{result}/message"), None),
        (format!("{result}/locations/0/physicalLocation/region/startLine"), Some(0.into())),
        ("/runs/0/tool/driver/informationUri".to_string(), Some("not an absolute URI".into())),
    ];
    for (pointer, value) in breakages {
        let mut broken = good.clone();
        match value {
            Some(value) => *broken.pointer_mut(&pointer).expect("the pointer resolves") = value,
            None => {
                let (parent, key) = pointer.rsplit_once('/').expect("a parent");
                broken.pointer_mut(parent).and_then(Value::as_object_mut).expect("an object").remove(key);
            }
        }
        assert!(!sarif_violations(&broken).is_empty(), "breaking {pointer} passed the schema");
    }
}

/// The driver lists every rule, fired or not, with what GitHub needs to show and rank it.
#[test]
fn sarif_driver_lists_every_rule() {
    let document = sarif(&["fixtures/formats/clean.policy"]);
    let rules = document["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules[]");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("id")).collect();
    let expected: Vec<&str> = grantlint::rules::RULES.iter().map(|r| r.meta.code).collect();
    assert_eq!(ids, expected);
    for (rule, meta) in rules.iter().zip(grantlint::rules::RULES.iter().map(|r| r.meta)) {
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary());
        assert_eq!(rule["help"]["markdown"], meta.documentation());
        for text in [&rule["fullDescription"]["text"], &rule["help"]["text"]] {
            assert!(text.as_str().is_some_and(|t| !t.is_empty()), "{}: {text}", meta.code);
        }
        assert_eq!(rule["defaultConfiguration"]["level"], meta.severity.as_str());
        let tags = &rule["properties"]["tags"];
        let cloud = meta.code.trim_end_matches(|c: char| c.is_ascii_digit()).to_ascii_lowercase();
        assert_eq!(*tags, serde_json::json!(["security", cloud]), "{}", meta.code);
        let severity: f64 =
            rule["properties"]["security-severity"].as_str().expect("a string").parse().expect("a number");
        assert!((0.0..=10.0).contains(&severity), "{}: {severity}", meta.code);
    }
}

/// The results, with the parts that change for reasons of their own (the rule table, the
/// version, the catalogs' sources) replaced after checking them.
#[test]
fn sarif_results() {
    let mut document = sarif(&[FIXTURES]);
    let run = &mut document["runs"][0];
    let driver = &mut run["tool"]["driver"];
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    driver["semanticVersion"] = "[version]".into();
    assert!(driver["rules"].as_array().is_some_and(|r| r.len() == grantlint::rules::RULES.len()));
    driver["rules"] = "[every rule, see sarif_driver_lists_every_rule]".into();
    for (_, source) in driver["properties"]["catalogs"].as_object_mut().expect("catalogs") {
        assert!(source.as_str().is_some_and(|s| !s.is_empty()));
        *source = "[catalog source]".into();
    }
    insta::assert_json_snapshot!("sarif-formats", document);
}

/// Adding lines above a finding moves it but keeps its fingerprint, so code scanning keeps the
/// alert; identical findings in one file get different fingerprints.
#[test]
fn sarif_fingerprints_survive_line_shifts() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("vendor.policy");
    let path = path.to_str().expect("a UTF-8 path");
    let grant = "Allow group vendor-readers to manage buckets in tenancy\n";
    let fingerprints = |text: &str| -> Vec<(u64, String)> {
        std::fs::write(path, text).expect("the policy is written");
        let document = sarif(&[path]);
        let results = document["runs"][0]["results"].as_array().expect("results[]").clone();
        results
            .iter()
            .map(|r| {
                let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("a line");
                (line, r["partialFingerprints"]["grantlintSpanHash/v1"].as_str().expect("a fingerprint").to_string())
            })
            .collect()
    };
    let before = fingerprints(grant);
    let after =
        fingerprints(&format!("# reviewed\nAllow group vendor-readers to inspect instances in tenancy\n{grant}"));
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    assert_eq!((before[0].0, after[0].0), (1, 3), "the finding moved down two lines");
    assert_eq!(before[0].1, after[0].1, "and kept its fingerprint");

    let twice = fingerprints(&format!("{grant}{grant}"));
    assert_eq!(twice.len(), 3, "two OCI002 and one OCI012: {twice:?}");
    let oci002: Vec<&String> = twice.iter().map(|(_, f)| f).collect();
    let unique: std::collections::HashSet<&&String> = oci002.iter().collect();
    assert_eq!(unique.len(), oci002.len(), "fingerprints are distinct: {twice:?}");
    assert_eq!(twice[0].1, before[0].1, "the first occurrence keeps the single finding's fingerprint");
}

#[test]
fn github_annotations() {
    let run = grantlint(&["check", "--format", "github", FIXTURES]);
    insta::assert_snapshot!("github-formats", run.to_string());
}

/// Property values escape `,` (which would start the next property) and `%`; the message escapes
/// `%` and the line break before the help.
#[test]
fn github_escapes_the_file_property() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("odd,name%.policy"), "Allow group g to\n  manage buckets in tenancy\n")
        .expect("the policy is written");
    let output = Command::new(env!("CARGO_BIN_EXE_grantlint"))
        .args(["check", "--format", "github", "odd,name%.policy"])
        .current_dir(dir.path())
        .output()
        .expect("grantlint runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        stdout.starts_with(
            "::error title=grantlint (OCI002),file=odd%2Cname%25.policy,line=2,col=3,endLine=2,endColumn=9::\
             odd,name%25.policy:2:3: OCI002 `manage` on `buckets` is not read-only%0Ahelp: "
        ),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "one command per finding: {stdout}");
}

#[test]
fn machine_formats_are_never_coloured() {
    for format in ["sarif", "github", "json"] {
        let run = grantlint(&["--color", "always", "check", "--format", format, FIXTURES]);
        assert!(!run.stdout.contains('\x1b'), "{format} output holds an escape sequence:\n{run}");
    }
}

#[test]
fn bash_completions() {
    let run = grantlint(&["generate", "completions", "bash"]);
    assert_eq!(run.code, 0, "{run}");
    insta::assert_snapshot!("completions-bash", run.stdout);
}

#[test]
fn every_shell_gets_completions() {
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        let run = grantlint(&["generate", "completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run}");
        assert!(run.stdout.contains("grantlint"), "{shell}: {run}");
    }
}

#[test]
fn man_page() {
    let run = grantlint(&["generate", "man"]);
    assert_eq!(run.code, 0, "{run}");
    // The page carries the version; keep the snapshot for the content.
    let page = run.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("man", page);
}

/// `--dir` writes one page per visible command, the way packagers install them.
#[test]
fn man_pages_into_a_directory() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().to_str().expect("a UTF-8 path");
    let run = grantlint(&["generate", "man", "--dir", path]);
    assert_eq!(run.code, 0, "{run}");
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .expect("the directory lists")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert!(pages.contains(&"grantlint.1".to_string()), "{pages:?}");
    assert!(pages.contains(&"grantlint-check.1".to_string()), "{pages:?}");
    assert!(!pages.iter().any(|p| p.contains("generate")), "hidden commands get no page: {pages:?}");
}

/// `generate` is for packagers, not part of the everyday help.
#[test]
fn generate_is_hidden() {
    let run = grantlint(&["--help"]);
    assert!(!run.stdout.contains("generate"), "{run}");
}
