//! OCI policy linting through the command line.

use crate::support::{SHARED, check_rule_fixtures, grantlint, grantlint_with_stdin};
use std::fs;
use std::path::Path;

/// Each `fixtures/oci/CODE/{bad,good}-*` input: a bad one must draw CODE, a good one must not.
#[test]
fn rule_fixtures() {
    check_rule_fixtures("oci", 12, |name, run| insta::assert_snapshot!(name, run.to_string()));
}

const DIGIUSHER_OCI: &[&str] = &[
    "digiusher-iac/oci-policy-digiusher-cost-report-endorse.txt",
    "digiusher-iac/oci-policy-digiusher-cost-report-access.txt",
    "digiusher-iac/oci-policy-digiusher-resource-discovery.txt",
    "digiusher-iac/oci-policy-digiusher-metrics-access.txt",
    "digiusher-iac/oci-docs-variant-digiusher-cost-report-access-combined.txt",
    "onboarding-guides/oci-blog-onboarding-example.policy",
];

/// The verdict on each real OCI policy file, on its own and without a profile.
#[test]
fn digiusher_policies_one_by_one() {
    for file in DIGIUSHER_OCI {
        let path = format!("{SHARED}/{file}");
        let run = grantlint(&["check", "--format", "concise", &path]);
        let name = Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        insta::assert_snapshot!(format!("digiusher-{name}"), run.to_string());
    }
}

/// DigiUsher's Terraform layout (four policies) checked together against the DigiUsher profile:
/// the one real finding is that `read all-resources` exposes content.
#[test]
fn digiusher_terraform_layout_with_profile() {
    let paths: Vec<String> = DIGIUSHER_OCI[..4].iter().map(|f| format!("{SHARED}/{f}")).collect();
    let mut args = vec!["check", "--format", "concise", "--profile", "digiusher"];
    args.extend(paths.iter().map(String::as_str));
    let run = grantlint(&args);
    assert_eq!(run.code, 0, "{run}");
    insta::assert_snapshot!(run.to_string());
}

/// The documentation's grouping mixes Define/Endorse with Allow statements in one policy.
#[test]
fn digiusher_docs_variant_with_profile() {
    let run = grantlint(&[
        "check",
        "--format",
        "concise",
        "--profile",
        "digiusher",
        &format!("{SHARED}/{}", DIGIUSHER_OCI[4]),
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("OCI003"), "{run}");
    insta::assert_snapshot!(run.to_string());
}

#[test]
fn every_output_format() {
    for format in ["human", "concise", "json"] {
        let run = grantlint(&[
            "check",
            "--format",
            format,
            "fixtures/oci/OCI002/bad-write-grants.policy",
            "fixtures/oci/OCI003/bad-mixed.policy",
        ]);
        assert_eq!(run.code, 1, "{run}");
        insta::assert_snapshot!(format!("format-{format}"), run.to_string());
    }
}

#[test]
fn json_is_valid_and_sorted() {
    let run = grantlint(&["check", "--format", "json", "fixtures/oci"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().expect("findings");
    assert!(findings.len() > 20);
    let keys: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "findings are sorted by path, line, column, code");
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert_eq!(doc["summary"]["errors"].as_u64(), Some(errors as u64));
}

#[test]
fn exit_codes() {
    let clean = grantlint(&["check", "fixtures/oci/OCI002/good-read-only.policy"]);
    assert_eq!(clean.code, 0, "{clean}");
    let warnings_only = grantlint(&["check", "fixtures/oci/OCI012/bad-duplicate.policy"]);
    assert_eq!(warnings_only.code, 0, "{warnings_only}");
    let fail_on_warning = grantlint(&["check", "--fail-on", "warning", "fixtures/oci/OCI012/bad-duplicate.policy"]);
    assert_eq!(fail_on_warning.code, 1, "{fail_on_warning}");
    let exit_zero = grantlint(&["check", "--exit-zero", "fixtures/oci/OCI002/bad-write-grants.policy"]);
    assert_eq!(exit_zero.code, 0, "{exit_zero}");
    let missing = grantlint(&["check", "fixtures/oci/no-such-file.policy"]);
    insta::assert_snapshot!("missing-file", missing.to_string());
    assert_eq!(missing.code, 2);
    let bad_profile = grantlint(&["check", "--profile", "nobody", "fixtures/oci"]);
    assert_eq!(bad_profile.code, 2, "{bad_profile}");
    insta::assert_snapshot!("unknown-profile", bad_profile.to_string());
    let bad_flag = grantlint(&["check", "--format", "xml"]);
    assert_eq!(bad_flag.code, 2, "{bad_flag}");
}

#[test]
fn standard_input() {
    let run = grantlint_with_stdin(
        &["check", "--format", "concise", "-"],
        Some("Allow group vendor to manage buckets in tenancy\n"),
    );
    assert_eq!(run.code, 1, "{run}");
    insta::assert_snapshot!(run.to_string());
    let json = grantlint_with_stdin(
        &["check", "--format", "concise", "-"],
        Some(r#"["Allow any-user to read buckets in tenancy"]"#),
    );
    assert!(json.stdout.contains("-:1:9: error[OCI007]"), "{json}");
}

#[test]
fn rule_documentation() {
    insta::assert_snapshot!("rules-list", grantlint(&["rules"]).to_string());
    insta::assert_snapshot!("rule-OCI002", grantlint(&["rule", "OCI002"]).to_string());
    let by_name = grantlint(&["rule", "oci-cross-tenancy-mixed"]);
    assert!(by_name.stdout.contains("(OCI003)"), "{by_name}");
    assert_eq!(grantlint(&["rule", "OCI999"]).code, 2);
}

#[test]
fn profile_show_prints_pasteable_policies() {
    let run = grantlint(&["profile", "show", "digiusher"]);
    assert_eq!(run.code, 0, "{run}");
    insta::assert_snapshot!(run.to_string());
    // Each printed policy, pasted into a file of its own, is the grant the profile expects.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (mut name, mut body, mut files) = (String::new(), String::new(), Vec::new());
    for line in run.stdout.lines().chain(std::iter::once("# policy end")) {
        let header = line
            .strip_prefix("# policy ")
            .or_else(|| line.strip_prefix("# optional pack "))
            .or_else(|| line.strip_prefix("# trust policy").map(|_| "trust"));
        if let Some(header) = header.or_else(|| line.strip_prefix("# ---- AWS").map(|_| "end")) {
            if !name.is_empty() && !body.trim().is_empty() {
                let ext = if body.trim_start().starts_with('{') { "json" } else { "policy" };
                let path = dir.path().join(format!("{name}.{ext}"));
                fs::write(&path, &body).expect("written");
                files.push(path);
            }
            name = header.split_whitespace().next().unwrap_or_default().to_string();
            body.clear();
        } else if !line.starts_with('#') {
            body.push_str(line);
            body.push('\n');
        }
    }
    let oci: Vec<String> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "policy"))
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    assert_eq!(oci.len(), 4, "the four OCI policies: {files:?}");
    let mut args = vec!["check", "--format", "concise", "--profile", "digiusher"];
    args.extend(oci.iter().map(String::as_str));
    let check = grantlint(&args);
    let codes: Vec<&str> = check.stdout.lines().filter_map(crate::support::finding_code).collect();
    assert_eq!(codes, ["OCI008"], "only `read all-resources` is worth a warning:\n{check}");
    let aws: Vec<String> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    assert!(aws.len() >= 3, "trust policy and role policies: {files:?}");
    let mut args = vec!["check", "--format", "concise", "--profile", "digiusher"];
    args.extend(aws.iter().map(String::as_str));
    let check = grantlint(&args);
    assert!(!check.stdout.contains("AWS001") && !check.stdout.contains("AWS008"), "{check}");
}

#[test]
fn directories_walk_and_skip_visibly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::write(dir.path().join("notes.txt"), "Meeting notes, nothing to lint\n").expect("written");
    fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).expect("written");
    fs::write(dir.path().join("broken.json"), "{not json").expect("written");
    fs::write(dir.path().join("grant.policy"), "Allow group a to read buckets in tenancy\n").expect("written");
    fs::create_dir(dir.path().join(".git")).expect("created");
    fs::write(dir.path().join(".git/x.policy"), "Allow group a to manage all-resources in tenancy\n").expect("written");
    let root = dir.path().to_string_lossy().into_owned();
    let run = grantlint(&["check", "--format", "concise", "--verbose", &root]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("in 1 file (3 skipped"), "{run}");
    for skipped in
        ["notes.txt: not a policy", "package.json: JSON, but not a policy", "broken.json: not a policy: invalid JSON"]
    {
        assert!(run.stdout.contains(skipped), "{skipped}\n{run}");
    }
    assert!(!run.stdout.contains(".git"), "hidden directories are not walked:\n{run}");
}

#[test]
fn bad_input_gets_a_diagnostic_never_a_panic() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        fs::write(&path, bytes).expect("written");
        path.to_string_lossy().into_owned()
    };
    let long_line =
        "Allow group a to read buckets in tenancy where target.bucket.name = 'x".to_string() + &"y".repeat(10 << 20);
    let thousands: String = (0..5_000).map(|i| format!("Allow group g{i} to read buckets in tenancy\n")).collect();
    let cases: Vec<(String, &str)> = vec![
        (write("empty.policy", b""), "OCI001"),
        (write("binary.policy", &[0x41, 0x6c, 0xff, 0xfe, 0x00, 0x01]), "OCI001"),
        (write("latin1.policy", b"Allow group caf\xe9 to read buckets in tenancy"), "OCI001"),
        (write("long-line.policy", long_line.as_bytes()), "OCI001"),
        (write("quote.policy", b"Allow group 'a to read buckets in tenancy"), "OCI001"),
        (
            write("braces.policy", b"Allow group a to read buckets in tenancy where all {any {request.region='iad'}"),
            "OCI001",
        ),
        (write("thousands.policy", thousands.as_bytes()), "OCI011"),
        (write("statements.json", br#"{"statements": ["Allow group a to read buckets in tenancy",]}"#), "OCI001"),
        (write("not-strings.json", br#"{"name": "p", "statements": [42]}"#), "OCI001"),
    ];
    for (path, code) in &cases {
        let run = grantlint(&["check", "--format", "concise", path]);
        assert_eq!(run.code, 1, "{path}:\n{}", run.stderr);
        assert!(run.stdout.contains(code), "{path} should draw {code}:\n{}", &run.stdout[..run.stdout.len().min(2000)]);
        assert!(!run.stderr.contains("panicked"), "{path}:\n{}", run.stderr);
    }
    let binary_walk = write("image.txt", &[0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]);
    let run = grantlint(&["check", "--format", "concise", "--verbose", &dir.path().to_string_lossy()]);
    assert!(run.stdout.contains("image.txt: binary, or not UTF-8 text"), "{binary_walk}:\n{run}");
}
