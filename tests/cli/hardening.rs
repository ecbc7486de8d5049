//! Hardening: grantlint never panics on damaged policies, every finding's span can slice its file,
//! and a parallel directory walk reports in the same order every time.
//!
//! The mutation test takes every real policy in the repository and damages it the ways files really get damaged (flipped bytes, stray quotes and
//! braces, escapes, NUL, multi-byte characters, truncation, duplicated and spliced ranges) with a
//! fixed seed, so a failure reproduces exactly. The cargo-fuzz targets under `fuzz/` explore
//! further; this test is the bounded version that runs with every `cargo test`.

use crate::support::{grantlint, repo_root};
use grantlint::input::Input;
use grantlint::lint::{self, Options};
use grantlint::profile::Profile;
use grantlint::render::{self, Format};
use grantlint::source::SourceFile;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Directories whose files are mutated (DigiUsher's onboarding policies are under `fixtures/`).
const SEED_DIRS: &[&str] = &["fixtures", "grammar/examples"];
/// The extensions `grantlint check` reads in a walk.
const POLICY_EXTENSIONS: &[&str] = &["policy", "oci", "json", "txt"];
/// Larger files under `fixtures/` are test data for other modules (a SARIF schema, signing
/// vectors), not policies; mutating them would only slow the test down.
const MAX_SEED_BYTES: usize = 32 * 1024;
const MUTANTS_PER_FILE: usize = 24;
const SEED: u64 = 0x6772_616e_746c_696e;

/// Text that breaks lexers: quotes of every kind, braces, escapes, NUL, a BOM, multi-byte and
/// astral characters, line breaks, and fragments of OCI and AWS syntax.
const TRICKY: &[&str] = &[
    "'",
    "\"",
    "`",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\\",
    "\\\"",
    "\\u",
    "\\u0041",
    "\\uD83D",
    "\\uDE00",
    "\\uD83D\\uDE00",
    "\\n",
    "\0",
    "\u{feff}",
    "é",
    "€",
    "😀",
    "\u{2019}",
    "\u{201C}",
    "\u{fffd}",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "#",
    "//",
    "/*",
    ",",
    ":",
    "*",
    "?",
    "/",
    "<",
    ">",
    "${",
    "ocid1.",
    " where ",
    " all {",
    " any {",
    " in ",
    " to ",
    " Allow ",
    "Define tenancy X as ",
    "\"Statement\"",
    "\"Action\": \"*\"",
    "{\"Effect\": \"Allow\"}",
    "\"\": null",
    "1e999",
    "-0",
    "[[[[",
    "}}}}",
];

/// splitmix64: small, fast and the same everywhere, so mutants are reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A position in `0..=len`.
    fn position(&mut self, len: usize) -> usize {
        self.below(len + 1)
    }

    fn range(&mut self, len: usize) -> (usize, usize) {
        let start = self.position(len);
        let end = start + self.position((len - start).min(256));
        (start, end)
    }
}

/// One damage to `bytes`; `other` is another seed file, for splicing.
fn mutate(bytes: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    match rng.below(8) {
        0 if !bytes.is_empty() => {
            let at = rng.below(bytes.len());
            bytes[at] ^= 1 << rng.below(8);
        }
        1 | 2 => {
            let token = TRICKY[rng.below(TRICKY.len())];
            let at = rng.position(bytes.len());
            bytes.splice(at..at, token.bytes());
        }
        3 => bytes.truncate(rng.position(bytes.len())),
        4 => {
            let (start, end) = rng.range(bytes.len());
            let copy = bytes[start..end].to_vec();
            let at = rng.position(bytes.len());
            bytes.splice(at..at, copy);
        }
        5 => {
            let (start, end) = rng.range(other.len());
            let at = rng.position(bytes.len());
            bytes.splice(at..at, other[start..end].iter().copied());
        }
        6 => {
            let (start, end) = rng.range(bytes.len());
            bytes.drain(start..end);
        }
        _ => {
            // Cut a multi-byte character in half, the way byte-oriented truncation does.
            if let Some(at) = bytes.iter().position(|&b| b >= 0x80) {
                bytes.insert(at + 1, b'x');
            }
        }
    }
}

fn seed_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in SEED_DIRS.iter().map(|d| root.join(d)) {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.expect("a readable seed directory");
            let ext = entry.path().extension().and_then(|e| e.to_str()).unwrap_or("");
            let small = entry.metadata().is_ok_and(|m| m.len() as usize <= MAX_SEED_BYTES);
            if entry.file_type().is_file() && POLICY_EXTENSIONS.contains(&ext) && small {
                files.push(entry.into_path());
            }
        }
    }
    files
}

/// Lints one mutant read as a file named `path`, and checks every span against the text the
/// rules saw. Valid UTF-8 goes straight to `lint_source`; anything else takes the path a file on
/// disk takes (`input::load` decodes it lossily and reports the first bad byte), through a file in
/// `dir`. `sarif` adds SARIF to the formats rendered. `Err` says what went wrong.
fn lint_checked(dir: &Path, path: &str, bytes: &[u8], profile: Option<&Profile>, sarif: bool) -> Result<(), String> {
    let options = Options { profile, ..Options::default() };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let report = match std::str::from_utf8(bytes) {
            Ok(text) => lint::lint_source(SourceFile::new(path, text), &options),
            Err(_) => {
                let file = dir.join(if path == "-" { "stdin" } else { path });
                std::fs::write(&file, bytes).expect("a writable temporary directory");
                lint::run(&[Input::file(file, true)], &options)
            }
        };
        let mut bad = Vec::new();
        for (source, d) in report.diagnostics() {
            let (text, span) = (&source.text, d.span);
            let inside = span.start <= span.end && span.end <= text.len();
            if !inside || !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
                bad.push(format!("{} {:?} ({} bytes): {}", d.rule.code, span, text.len(), d.message));
            }
        }
        if bad.is_empty() {
            // Renderers slice the text with these spans; they must not panic either.
            let options = render::Options { color: false, verbose: true, quiet: false };
            let formats = [Format::Human, Format::Concise, Format::Json, Format::Github];
            for format in formats.into_iter().chain(sarif.then_some(Format::Sarif)) {
                render::render(&report, format, &options, &mut std::io::sink()).expect("a sink accepts everything");
            }
        }
        bad
    }));
    match outcome {
        Ok(bad) if bad.is_empty() => Ok(()),
        Ok(bad) => Err(format!("spans outside the text or inside a character: {bad:?}")),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        }
    }
}

#[test]
fn mutated_policies_never_panic_and_spans_slice_the_text() {
    let files = seed_files();
    assert!(files.len() >= 20, "too few seed files: {files:?}");
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).expect("a readable seed")).collect();
    let profile = Profile::load("digiusher").expect("the built-in profile");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut rng = Rng(SEED);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (index, (file, seed)) in files.iter().zip(&seeds).enumerate() {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for mutant in 0..MUTANTS_PER_FILE {
            let mut bytes = seed.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut bytes, &seeds[(index + 1 + rng.below(seeds.len())) % seeds.len()], &mut rng);
            }
            // Read the mutant as its own kind of file, and as another kind (a misnamed file).
            let other = ["-", "x.policy", "x.json", "x.txt"][rng.below(4)];
            let profile = (mutant % 2 == 0).then_some(&profile);
            for path in [name.as_str(), other] {
                checked += 1;
                // SARIF writes every rule's documentation into each log, which costs more than the
                // rest of a check together in a debug build: once per seed file is enough.
                if let Err(why) = lint_checked(dir.path(), path, &bytes, profile, mutant == 0) {
                    let input = String::from_utf8_lossy(&bytes);
                    failures
                        .push(format!("{} mutant {mutant} read as {path}: {why}\n  input: {input:?}", file.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} mutants failed:\n{}", failures.len(), failures.join("\n"));
}

/// The walk lints files in parallel; the output must not depend on which thread finishes first.
#[test]
fn parallel_walks_report_in_the_same_order_every_time() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Hundreds of small files of every kind, so the threads really interleave.
    let files = seed_files();
    for copy in 0..4 {
        for (i, file) in files.iter().enumerate() {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let target = dir.path().join(format!("{copy}")).join(format!("{i:03}-{name}"));
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("a writable directory");
            std::fs::copy(file, &target).expect("a copyable seed");
        }
    }
    let path = dir.path().to_string_lossy().into_owned();
    let args = ["check", "--isolated", "--profile", "digiusher", "--format", "json", path.as_str()];
    let first = grantlint(&args);
    assert!(first.code == 0 || first.code == 1, "{first}");
    let report: serde_json::Value = serde_json::from_str(&first.stdout).expect("JSON output");
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings[]")
        .iter()
        .map(|f| f["path"].as_str().expect("a path"))
        .collect();
    assert!(paths.len() > 100, "the seeds draw findings:\n{first}");
    assert!(paths.is_sorted(), "findings are not in path order");
    for _ in 0..2 {
        let again = grantlint(&args);
        assert_eq!(again.code, first.code);
        assert!(again.stdout == first.stdout, "the output changed between runs of the same walk");
    }
}
