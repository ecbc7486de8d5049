//! SARIF 2.1.0 for GitHub code scanning: the subset GitHub reads, as plain serde structs.
//!
//! One run, every rule in the driver (code scanning closes alerts of rules it no longer sees
//! listed), positions counted in characters (`columnKind: unicodeCodePoints`), and a
//! fingerprint per result that survives unrelated edits above the finding.

use super::{Located, repo_path};
use crate::diagnostic::Severity;
use crate::rules::{RULES, RuleMeta};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/grantlint/grantlint";
/// The `partialFingerprints` key; bump the version if the hashed fields ever change.
const FINGERPRINT_KEY: &str = "grantlintSpanHash/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    automation_details: AutomationDetails,
    column_kind: &'static str,
    invocations: [Invocation; 1],
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
    properties: DriverProperties,
}

#[derive(Serialize)]
struct DriverProperties {
    /// The permission catalogs compiled in, by cloud: what "known" meant for this run.
    catalogs: BTreeMap<&'static str, &'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AutomationDetails {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// The results so far, and what numbering them needs: the rules in driver order, and how often
/// each fingerprint has come up.
pub(super) struct Results {
    rules: Vec<&'static RuleMeta>,
    occurrences: HashMap<u64, usize>,
    results: Vec<SarifResult>,
}

impl Results {
    pub(super) fn new() -> Self {
        Self { rules: RULES.iter().map(|rule| rule.meta).collect(), occurrences: HashMap::new(), results: Vec::new() }
    }

    /// One file's findings, sorted.
    pub(super) fn extend(&mut self, items: &[Located]) {
        for item in items {
            let result = result(item, &mut self.rules, &mut self.occurrences);
            self.results.push(result);
        }
    }

    /// The log, with `errors` (files that could not be read) as notifications.
    pub(super) fn render(&mut self, errors: &[String], out: &mut dyn Write) -> io::Result<()> {
        let notifications: Vec<Notification> =
            errors.iter().map(|error| Notification { level: "error", message: Text { text: error.clone() } }).collect();
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "grantlint",
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        information_uri: INFORMATION_URI,
                        rules: self.rules.iter().map(|meta| descriptor(meta)).collect(),
                        properties: DriverProperties { catalogs: catalogs() },
                    },
                },
                // GitHub keys an analysis by this category; the empty run id after `/` is allowed.
                automation_details: AutomationDetails { id: "grantlint/" },
                column_kind: "unicodeCodePoints",
                invocations: [Invocation {
                    execution_successful: notifications.is_empty(),
                    tool_execution_notifications: notifications,
                }],
                results: std::mem::take(&mut self.results),
            }],
        };
        // Buffered here: serde_json writes a few bytes at a time, each through `dyn Write` otherwise.
        let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut buffered, &log)?;
        writeln!(buffered)?;
        buffered.flush()
    }
}

fn catalogs() -> BTreeMap<&'static str, &'static str> {
    use crate::catalog::{aws::AwsCatalog, oci::OciCatalog};
    BTreeMap::from([("aws", AwsCatalog::get().source), ("oci", OciCatalog::get().source)])
}

fn result(item: &Located, rules: &mut Vec<&'static RuleMeta>, occurrences: &mut HashMap<u64, usize>) -> SarifResult {
    let d = item.diagnostic;
    // Every rule comes from RULES; a rule missing there is still described rather than dropped.
    let rule_index = rules.iter().position(|meta| std::ptr::eq(*meta, d.rule)).unwrap_or_else(|| {
        rules.push(d.rule);
        rules.len() - 1
    });
    let path = repo_path(&item.source.path);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\n\nhelp: ");
        text.push_str(help);
    }
    let mut properties = BTreeMap::new();
    if let Some(unit) = &d.unit {
        properties.insert("policy", unit.clone());
    }
    if let Some(origin) = &item.source.origin {
        properties.insert("source", origin.clone());
    }
    SarifResult {
        rule_id: d.rule.code,
        rule_index,
        level: level(d.severity),
        message: Text { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: artifact_uri(&path) },
                region: Region {
                    start_line: item.start.line,
                    start_column: item.start.column,
                    end_line: item.end.line,
                    end_column: item.end.column,
                },
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(item, &path, occurrences))]),
        properties,
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn descriptor(meta: &'static RuleMeta) -> ReportingDescriptor {
    let documentation = meta.documentation();
    // The cloud a rule belongs to is its code's prefix: OCI002 → oci, AWS003 → aws.
    let cloud = meta.code.trim_end_matches(|c: char| c.is_ascii_digit()).to_ascii_lowercase();
    let (precision, security_severity) = match meta.severity {
        Severity::Error => ("very-high", "8.0"),
        // Warnings lean on catalog knowledge or judgement (data reads, unknown types).
        Severity::Warning => ("high", "5.0"),
    };
    ReportingDescriptor {
        id: meta.code,
        name: meta.name,
        short_description: Text { text: meta.summary() },
        full_description: Text { text: description(&documentation) },
        help: Help { text: documentation.clone(), markdown: documentation },
        default_configuration: Configuration { level: level(meta.severity) },
        properties: RuleProperties { tags: vec!["security".into(), cloud], precision, security_severity },
    }
}

/// The prose of a rule's documentation: the paragraphs before the first heading or code block,
/// each joined into one line, since viewers show `fullDescription` as plain text.
fn description(documentation: &str) -> String {
    documentation
        .split("\n\n")
        .map(str::trim)
        .take_while(|para| !para.starts_with('#') && !para.starts_with("```"))
        .filter(|para| !para.is_empty())
        .map(|para| para.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A [`repo_path`] as a URI reference, percent-encoded outside the characters a path segment may
/// hold as they are; a path outside the repository becomes a `file://` URI.
fn artifact_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    if path.starts_with('/') {
        uri.push_str("file://");
    } else if Path::new(path).is_absolute() {
        uri.push_str("file:///");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            uri.push(byte as char);
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

/// `HASH:N`: a hash of the rule, the file, the lines the finding touches and the flagged text,
/// whitespace normalised, and which occurrence of that combination this is in the file. Line
/// numbers stay out, so adding a statement above a finding does not turn it into a new alert;
/// the lines tell apart two findings whose flagged text alone is the same word (`manage`), and
/// the occurrence count keeps identical findings apart.
fn fingerprint(item: &Located, path: &str, occurrences: &mut HashMap<u64, usize>) -> String {
    let d = item.diagnostic;
    // Bytes, not str slicing: a span may start inside a multi-byte character (a bad-UTF-8 finding).
    let text = item.source.text.as_bytes();
    let (start, end) = (d.span.start.min(text.len()), d.span.end.min(text.len()));
    let line_start = text.iter().take(start).rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line_end = text.iter().skip(end).position(|&b| b == b'\n').map_or(text.len(), |i| end + i);
    let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let lines = normalise(item.source.text.get(line_start..line_end).unwrap_or(""));
    let flagged = normalise(item.source.slice(d.span));
    let hash = fnv1a64(&[d.rule.code, path, &lines, &flagged]);
    let occurrence = occurrences.entry(hash).or_insert(0);
    *occurrence += 1;
    format!("{hash:016x}:{occurrence}")
}

/// FNV-1a, 64 bit: tiny and fixed forever, unlike std's `DefaultHasher`, whose output may change
/// between Rust releases and would then reopen every alert. Fields are separated by 0xFF, a byte
/// UTF-8 text never holds, so `("ab", "c")` and `("a", "bc")` differ.
fn fnv1a64(fields: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for (i, field) in fields.iter().enumerate() {
        let separator: &[u8] = if i == 0 { &[] } else { &[0xff] };
        for &byte in separator.iter().chain(field.as_bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_reference_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&["foobar"]), 0x8594_4171_f739_67e8);
        assert_ne!(fnv1a64(&["ab", "c"]), fnv1a64(&["a", "bc"]));
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(artifact_uri("policies/cost.policy"), "policies/cost.policy");
        assert_eq!(artifact_uri("my policies/100%.json"), "my%20policies/100%25.json");
        assert_eq!(artifact_uri("/elsewhere/a b.policy"), "file:///elsewhere/a%20b.policy");
    }

    #[test]
    fn unreadable_files_fail_the_invocation() {
        let mut out = Vec::new();
        Results::new()
            .render(&["policies/x.policy: permission denied".into()], &mut out)
            .expect("rendering to memory succeeds");
        let log: serde_json::Value = serde_json::from_slice(&out).expect("SARIF is JSON");
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(invocation["toolExecutionNotifications"][0]["level"], "error");
        assert_eq!(
            invocation["toolExecutionNotifications"][0]["message"]["text"],
            "policies/x.policy: permission denied"
        );
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    }

    #[test]
    fn description_stops_at_the_first_heading() {
        let doc = "One line.\n\nA wrapped\nparagraph.\n\n## Example\n```text\nx\n```\n";
        assert_eq!(description(doc), "One line.\n\nA wrapped paragraph.");
    }
}
