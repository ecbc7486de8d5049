//! Lint throughput over real corpora, next to the bare parse of the same inputs.
//!
//! `cargo bench --bench throughput` measures, for each corpus:
//! - the floor: a bare parse of every input (OCI: `parse_statement` over every statement; AWS and
//!   JSON: the strict `syntax::json::parse`, with `serde_json` as a reference point),
//! - the full lint with every rule: on one thread (`lint::lint_source` per file, texts already in
//!   memory), without a profile and with the built-in `digiusher` profile, and the way `grantlint
//!   check --format json` runs it (`lint::stream` with the profile into the JSON renderer: files
//!   read from disk, linted on all cores, each dropped once rendered),
//! - the peak memory (VmHWM) of a child process linting the corpus that way, and of one linting
//!   it a file at a time, each less the footprint of a child that lints nothing.
//!
//! Corpora:
//! - `GRANTLINT_BENCH_AWS`: directories of AWS policy documents (a path list, `:`-separated), such
//!   as AWS's managed policies written by `scripts/managed_policies.py`; skipped when unset.
//! - `GRANTLINT_BENCH_OCI`: a corpus written by `scripts/gen-oci-corpus.py` (default
//!   `target/corpora/oci`, generated with 100,000 statements when missing): its text policies and
//!   its JSON policy list.
//!
//! Without `--bench` (as `cargo test --all-targets` runs it) every path runs once over small
//! inputs from the repository, so the benchmark cannot rot between releases.

use grantlint::config::Config;
use grantlint::input::{self, Loaded};
use grantlint::lint::{self, Options};
use grantlint::profile::Profile;
use grantlint::render;
use grantlint::source::SourceFile;
use grantlint::syntax::oci::parser::parse_statement;
use grantlint::syntax::oci::{self, PolicySource};
use grantlint::syntax::{aws, json};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const OCI_DEFAULT_DIR: &str = "target/corpora/oci";
const OCI_DEFAULT_STATEMENTS: &str = "100000";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1], &args[2..]);
        return;
    }
    if args.iter().any(|a| a == "--bench") {
        bench();
    } else {
        smoke();
    }
}

/// What a corpus holds, which decides its bare-parse floor.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Aws,
    OciText,
    OciJson,
}

struct Corpus {
    name: String,
    shape: Shape,
    /// What `grantlint check` would be given.
    root: PathBuf,
    sources: Vec<SourceFile>,
    bytes: usize,
    largest: usize,
    /// How many statements the generator made invalid on purpose, when it says.
    invalid: Option<usize>,
}

impl Corpus {
    fn load(name: String, shape: Shape, root: PathBuf) -> Result<Corpus, String> {
        let inputs = input::collect(&[root.display().to_string()], &Config::default(), false)?;
        let mut sources = Vec::with_capacity(inputs.len());
        for input in &inputs {
            match input::load(input)? {
                Loaded::Text(source) => sources.push(source),
                Loaded::NotText { source, .. } => return Err(format!("{}: not UTF-8", source.path)),
            }
        }
        if sources.is_empty() {
            return Err(format!("{}: no policy files", root.display()));
        }
        let bytes = sources.iter().map(|s| s.text.len()).sum();
        let largest = sources.iter().map(|s| s.text.len()).max().unwrap_or(0);
        Ok(Corpus { name, shape, root, sources, bytes, largest, invalid: None })
    }
}

/// How long to keep repeating one measurement, and how often at least.
struct Budget {
    time: Duration,
    min_runs: usize,
}

const BENCH: Budget = Budget { time: Duration::from_secs(3), min_runs: 5 };
const SMOKE: Budget = Budget { time: Duration::ZERO, min_runs: 1 };

/// The median of repeated runs of `routine`, each given a fresh value from `setup` (not timed),
/// after one warm-up run that also builds the lazily loaded catalogs.
fn measure<T>(budget: &Budget, mut setup: impl FnMut() -> T, mut routine: impl FnMut(T)) -> Duration {
    routine(setup());
    let mut times = Vec::new();
    let start = Instant::now();
    // Fifty runs give a stable median; more would only stretch the fast measurements.
    while times.len() < budget.min_runs || (start.elapsed() < budget.time && times.len() < 50) {
        let value = setup();
        let t = Instant::now();
        routine(value);
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// One measured row of the report.
struct Row {
    what: &'static str,
    time: Duration,
}

fn options(profile: &Profile) -> Options<'_> {
    Options { profile: Some(profile), ..Options::default() }
}

fn digiusher() -> Profile {
    Profile::load("digiusher").expect("the built-in profile loads")
}

/// The bare parse of a corpus: the floor the lint is compared with.
fn floor_rows(corpus: &Corpus, budget: &Budget) -> Vec<Row> {
    let mut rows = Vec::new();
    let texts = || corpus.sources.iter().map(|s| s.text.as_str());
    match corpus.shape {
        Shape::OciText => {
            let policies: Vec<PolicySource> = texts().map(|t| oci::read_text(t, None)).collect();
            let time = measure(
                budget,
                || (),
                |()| {
                    for statement in policies.iter().flat_map(|p| &p.statements) {
                        let _ = black_box(parse_statement(&statement.text, &statement.map));
                    }
                },
            );
            rows.push(Row { what: "floor: parse_statement, every statement", time });
            let time = measure(
                budget,
                || (),
                |()| {
                    for text in texts() {
                        let policy = oci::read_text(text, None);
                        for statement in &policy.statements {
                            let _ = black_box(parse_statement(&statement.text, &statement.map));
                        }
                    }
                },
            );
            rows.push(Row { what: "read_text + parse_statement", time });
        }
        Shape::OciJson | Shape::Aws => {
            let time = measure(
                budget,
                || (),
                |()| {
                    for text in texts() {
                        let _ = black_box(serde_json::from_str::<serde_json::Value>(text));
                    }
                },
            );
            rows.push(Row { what: "reference: serde_json::Value", time });
            let time = measure(
                budget,
                || (),
                |()| {
                    for text in texts() {
                        let _ = black_box(json::parse(text));
                    }
                },
            );
            rows.push(Row { what: "floor: syntax::json::parse", time });
            if corpus.shape == Shape::Aws {
                let time = measure(
                    budget,
                    || (),
                    |()| {
                        for text in texts() {
                            black_box(aws::parse(text, None));
                        }
                    },
                );
                rows.push(Row { what: "syntax::aws::parse (JSON + model)", time });
            } else {
                let time = measure(
                    budget,
                    || (),
                    |()| {
                        for text in texts() {
                            let Ok(value) = json::parse(text) else { continue };
                            for policy in oci::read_json(&value, text).into_iter().flatten() {
                                for statement in &policy.statements {
                                    let _ = black_box(parse_statement(&statement.text, &statement.map));
                                }
                            }
                        }
                    },
                );
                rows.push(Row { what: "json::parse + read_json + parse_statement", time });
            }
        }
    }
    rows
}

/// The full lint, on one thread from memory (without and with the profile) and as `grantlint
/// check` runs it.
fn lint_rows(corpus: &Corpus, profile: &Profile, budget: &Budget) -> Vec<Row> {
    // `lint_source` takes its file by value; the copies are made outside the timed part.
    let single = |options: &Options| {
        measure(
            budget,
            || corpus.sources.clone(),
            |sources| {
                for source in sources {
                    black_box(lint::lint_source(source, options));
                }
            },
        )
    };
    let options = options(profile);
    let inputs = input::collect(&[corpus.root.display().to_string()], &Config::default(), false)
        .expect("the corpus was listed before");
    vec![
        Row { what: "lint: lint_source, 1 thread, no profile", time: single(&Options::default()) },
        Row { what: "lint: lint_source, 1 thread, digiusher profile", time: single(&options) },
        Row {
            what: "lint: lint::stream, all cores, from disk",
            time: measure(
                budget,
                || (),
                |()| {
                    black_box(stream_all(&inputs, &options));
                },
            ),
        },
    ]
}

/// Syntax findings of the full lint, to show the corpus is read as intended.
fn syntax_findings(corpus: &Corpus, profile: &Profile) -> usize {
    let options = options(profile);
    corpus
        .sources
        .iter()
        .map(|source| {
            let report = lint::lint_source(source.clone(), &options);
            report.diagnostics().filter(|(_, d)| matches!(d.rule.code, "OCI001" | "AWS001")).count()
        })
        .sum()
}

/// `lint::stream` into the JSON renderer, as `grantlint check --format json` runs; the document
/// goes to a sink.
fn stream_all(inputs: &[input::Input], options: &Options) -> usize {
    let render_options = render::Options { color: false, verbose: false, quiet: false };
    let mut out = std::io::sink();
    let mut renderer = render::Renderer::new(render::Format::Json, render_options, &mut out);
    let errors = lint::stream(inputs, options, &mut |files| renderer.files(&files.iter().collect::<Vec<_>>()))
        .expect("a sink accepts everything");
    renderer.finish(&errors).expect("a sink accepts everything").errors
}

// ---------- peak memory, measured in child processes ----------

/// The child's side: lint `paths` one way, then print this process's peak resident set in kB.
fn child(mode: &str, paths: &[String]) {
    let profile = digiusher();
    let options = options(&profile);
    let inputs = input::collect(paths, &Config::default(), false).expect("the corpus can be listed");
    match mode {
        // As `grantlint check --format json` does: files streamed to the renderer in path order.
        "run" => {
            black_box(stream_all(&inputs, &options));
        }
        // A file at a time, each dropped before the next: memory bounded by the largest file.
        "stream" => {
            for input in &inputs {
                if let Ok(Loaded::Text(source)) = input::load(input) {
                    drop(black_box(lint::lint_source(source, &options)));
                }
            }
        }
        // The fixed footprint: the binary, the catalogs and the profile, and nothing to lint.
        "idle" => {
            for (path, text) in [("a.policy", "Allow group A to read buckets in tenancy"), ("a.json", AWS_SAMPLE)] {
                drop(black_box(lint::lint_source(SourceFile::new(path, text), &options)));
            }
        }
        other => panic!("unknown child mode {other}"),
    }
    println!("{}", peak_kb().expect("/proc/self/status has VmHWM"));
}

const AWS_SAMPLE: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

/// This process's peak resident set size, in kB.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn child_peak_kb(mode: &str, root: &Path) -> u64 {
    let exe = std::env::current_exe().expect("the benchmark knows its own path");
    let output = Command::new(exe).args(["--child", mode]).arg(root).output().expect("the child runs");
    assert!(output.status.success(), "child {mode}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("the child prints its peak in kB")
}

struct Memory {
    idle: u64,
    run: u64,
    stream: u64,
}

fn memory(corpus: &Corpus) -> Memory {
    Memory {
        idle: child_peak_kb("idle", &corpus.root),
        run: child_peak_kb("run", &corpus.root),
        stream: child_peak_kb("stream", &corpus.root),
    }
}

// ---------- corpora ----------

fn aws_corpora() -> Vec<Corpus> {
    let Some(dirs) = std::env::var_os("GRANTLINT_BENCH_AWS") else {
        println!(
            "AWS corpus skipped: GRANTLINT_BENCH_AWS is not set. To measure AWS's managed policies:\n  \
             scripts/fetch-managed-policies.sh target/managed-policies\n  \
             scripts/managed_policies.py latest target/managed-policies target/corpora/aws-latest\n  \
             scripts/managed_policies.py all target/managed-policies target/corpora/aws-all\n  \
             GRANTLINT_BENCH_AWS=target/corpora/aws-latest:target/corpora/aws-all cargo bench --bench throughput\n"
        );
        return Vec::new();
    };
    std::env::split_paths(&dirs)
        .filter_map(|dir| {
            let name = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
            Corpus::load(name, Shape::Aws, dir).map_err(|e| println!("AWS corpus skipped: {e}\n")).ok()
        })
        .collect()
}

fn oci_corpora() -> Vec<Corpus> {
    let dir = std::env::var_os("GRANTLINT_BENCH_OCI").map_or_else(|| PathBuf::from(OCI_DEFAULT_DIR), PathBuf::from);
    if !dir.join("manifest.json").is_file() {
        println!("generating the OCI corpus: scripts/gen-oci-corpus.py {OCI_DEFAULT_STATEMENTS} {}", dir.display());
        let status = Command::new("python3")
            .args(["scripts/gen-oci-corpus.py", OCI_DEFAULT_STATEMENTS])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string());
        if !matches!(status, Ok(s) if s.success()) {
            println!(
                "OCI corpus skipped: could not run python3 scripts/gen-oci-corpus.py ({status:?}); run it by hand \
                 and set GRANTLINT_BENCH_OCI\n"
            );
            return Vec::new();
        }
    }
    let invalid = std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| m["invalid"].as_u64())
        .map(|n| n as usize);
    let mut corpora = Vec::new();
    for (name, shape, root) in
        [("oci-text", Shape::OciText, dir.join("policies")), ("oci-json", Shape::OciJson, dir.join("policy-list.json"))]
    {
        match Corpus::load(name.into(), shape, root) {
            Ok(corpus) => corpora.push(Corpus { invalid, ..corpus }),
            Err(e) => println!("OCI corpus {name} skipped: {e}\n"),
        }
    }
    corpora
}

// ---------- reports ----------

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn report(corpus: &Corpus, rows: &[Row], memory: &Memory, syntax: usize) {
    let statements = match corpus.shape {
        Shape::Aws => String::new(),
        _ => {
            let count: usize = corpus.sources.iter().map(statement_count).sum();
            format!(", {count} statements")
        }
    };
    println!(
        "### {} ({} files{statements}, {:.1} MB, largest file {:.2} MB)\n",
        corpus.name,
        corpus.sources.len(),
        mb(corpus.bytes),
        mb(corpus.largest)
    );
    let floor = rows.iter().find(|r| r.what.starts_with("floor")).map_or(Duration::ZERO, |r| r.time);
    println!("| measurement | time | files/s | MB/s | × floor |");
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        let secs = row.time.as_secs_f64();
        println!(
            "| {} | {:.1} ms | {:.0} | {:.1} | {:.2} |",
            row.what,
            secs * 1e3,
            corpus.sources.len() as f64 / secs,
            mb(corpus.bytes) / secs,
            secs / floor.as_secs_f64()
        );
    }
    let expected = corpus.invalid.map(|n| format!(" (the generator made {n} statements invalid)")).unwrap_or_default();
    println!("\nsyntax findings (OCI001/AWS001): {syntax}{expected}");
    println!(
        "peak memory above an idle child ({:.1} MB): lint::run {:.1} MB, one file at a time {:.1} MB\n",
        memory.idle as f64 / 1024.0,
        memory.run.saturating_sub(memory.idle) as f64 / 1024.0,
        memory.stream.saturating_sub(memory.idle) as f64 / 1024.0,
    );
}

fn statement_count(source: &SourceFile) -> usize {
    if source.path.ends_with(".json") {
        let Ok(value) = json::parse(&source.text) else { return 0 };
        oci::read_json(&value, &source.text).into_iter().flatten().map(|p| p.statements.len()).sum()
    } else {
        oci::read_text(&source.text, None).statements.len()
    }
}

fn bench() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("## grantlint throughput ({cpu}, {cores} cores; medians of repeated runs)\n");
    let profile = digiusher();
    for corpus in aws_corpora().into_iter().chain(oci_corpora()) {
        let mut rows = floor_rows(&corpus, &BENCH);
        rows.extend(lint_rows(&corpus, &profile, &BENCH));
        let syntax = syntax_findings(&corpus, &profile);
        report(&corpus, &rows, &memory(&corpus), syntax);
    }
}

/// Every path of the benchmark once, over the repository's own inputs.
fn smoke() {
    let profile = digiusher();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let oci_text = Corpus::load("fixtures".into(), Shape::OciText, PathBuf::from("grammar/examples"))
        .expect("grammar/examples holds OCI policies");
    let statements: Vec<String> = oci_text
        .sources
        .iter()
        .flat_map(|s| oci::read_text(&s.text, None).statements.into_iter().map(|t| t.text.into_owned()))
        .collect();
    let listing = serde_json::json!({"data": [{"name": "examples", "statements": statements}]});
    let json_path = dir.path().join("policy-list.json");
    std::fs::write(&json_path, listing.to_string()).expect("the temporary directory is writable");
    std::fs::write(dir.path().join("sample.json"), AWS_SAMPLE).expect("the temporary directory is writable");
    let corpora = [
        oci_text,
        Corpus::load("json".into(), Shape::OciJson, json_path).expect("the JSON listing loads"),
        Corpus::load("aws".into(), Shape::Aws, dir.path().join("sample.json")).expect("the AWS sample loads"),
    ];
    for corpus in &corpora {
        let rows = floor_rows(corpus, &SMOKE).into_iter().chain(lint_rows(corpus, &profile, &SMOKE));
        assert!(rows.count() >= 4, "{}: every measurement ran", corpus.name);
        assert!(syntax_findings(corpus, &profile) > 0 || corpus.shape == Shape::Aws, "invalid.oci draws OCI001");
        let memory = memory(corpus);
        assert!(memory.idle > 0 && memory.run > 0 && memory.stream > 0);
    }
    println!("throughput: every measurement ran once; `cargo bench --bench throughput` measures them");
}
