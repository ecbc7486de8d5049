//! OCI resource types, families and the permissions each verb adds, from `rules/oci/`.
//!
//! `catalog.tsv` is generated (`scripts/regen-oci-catalog.sh`) from Oracle's published permission
//! mapping merged with `doc-catalog.tsv`, the types and families Oracle's documentation adds, each
//! with its source; `data-exposing.tsv` is curated.

use std::collections::HashMap;
use std::sync::OnceLock;

const CATALOG: &str = include_str!("../../rules/oci/catalog.tsv");
const DATA_EXPOSING: &str = include_str!("../../rules/oci/data-exposing.tsv");

/// What a resource-type word in a statement names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource<'c> {
    AllResources,
    Family(&'c [&'static str]),
    Type,
}

/// Whether a permission only reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PermissionLevel {
    /// Added by `inspect` or `read`, and by no other verb anywhere.
    Read,
    /// Added by `use` or `manage` somewhere.
    Write,
}

pub struct OciCatalog {
    /// The generated table's `# source:` line.
    pub source: &'static str,
    families: HashMap<&'static str, Vec<&'static str>>,
    types: HashMap<&'static str, ()>,
    /// Whether `use` and `manage` add permissions to a type's `read` (`None`: not listed).
    beyond_read: HashMap<&'static str, [Option<bool>; 2]>,
    aliases: HashMap<&'static str, &'static str>,
    permissions: HashMap<&'static str, PermissionLevel>,
    data_exposing: HashMap<&'static str, &'static str>,
}

impl OciCatalog {
    /// The catalog compiled into this binary, parsed on first use.
    pub fn get() -> &'static OciCatalog {
        static CATALOG_CELL: OnceLock<OciCatalog> = OnceLock::new();
        CATALOG_CELL.get_or_init(|| OciCatalog::parse(CATALOG, DATA_EXPOSING))
    }

    fn parse(catalog: &'static str, exposing: &'static str) -> Self {
        let mut this = OciCatalog {
            source: catalog.lines().next().and_then(|l| l.strip_prefix("# source: ")).unwrap_or("unknown"),
            families: HashMap::new(),
            types: HashMap::new(),
            beyond_read: HashMap::new(),
            aliases: HashMap::new(),
            permissions: HashMap::new(),
            data_exposing: HashMap::new(),
        };
        for line in data_lines(catalog) {
            let cols: Vec<&str> = line.split('\t').collect();
            match cols.as_slice() {
                // A trailing column, where present, is the row's documentation source.
                ["family", name, members, ..] => {
                    this.families.insert(name, members.split(',').filter(|m| !m.is_empty()).collect());
                }
                ["type", name, inspect, read, use_, manage, ..] => {
                    this.types.insert(name, ());
                    let adds = |column: &str| match column {
                        "?" => None,
                        "-" | "" => Some(false),
                        _ => Some(true),
                    };
                    // A row with no permission at all lists nothing, rather than "no extra".
                    let listed = [inspect, read, use_, manage].iter().any(|c| **c != "-");
                    let verdict = if listed { [adds(use_), adds(manage)] } else { [None, None] };
                    this.beyond_read.insert(name, verdict);
                    for (column, level) in [
                        (inspect, PermissionLevel::Read),
                        (read, PermissionLevel::Read),
                        (use_, PermissionLevel::Write),
                        (manage, PermissionLevel::Write),
                    ] {
                        // `-`: the verb adds nothing; `?`: the documentation lists nothing.
                        for perm in column.split(',').filter(|p| !p.is_empty() && *p != "-" && *p != "?") {
                            // A permission any verb beyond read adds is not read-only anywhere.
                            let entry = this.permissions.entry(perm).or_insert(level);
                            if level == PermissionLevel::Write {
                                *entry = PermissionLevel::Write;
                            }
                        }
                    }
                }
                ["alias", alias, canonical] => {
                    this.aliases.insert(alias, canonical);
                }
                _ => {}
            }
        }
        for line in data_lines(exposing) {
            if let Some((name, reason)) = line.split_once('\t') {
                this.data_exposing.insert(name, reason);
            }
        }
        this
    }

    /// What `word` names as a resource type, or `None` when grantlint does not know it.
    pub fn resource(&self, word: &str) -> Option<Resource<'_>> {
        let lower = word.to_ascii_lowercase();
        if lower == "all-resources" {
            return Some(Resource::AllResources);
        }
        if let Some(members) = self.families.get(lower.as_str()) {
            return Some(Resource::Family(members));
        }
        let canonical = self.aliases.get(lower.as_str()).copied().unwrap_or(lower.as_str());
        self.types.contains_key(canonical).then_some(Resource::Type)
    }

    /// Whether a grant on `container` includes the type or family `member`.
    pub fn covers(&self, container: &str, member: &str) -> bool {
        let canon = |w: &str| {
            let lower = w.to_ascii_lowercase();
            self.aliases.get(lower.as_str()).map_or(lower, |c| (*c).to_string())
        };
        let (container, member) = (canon(container), canon(member));
        if container == member || container == "all-resources" {
            return true;
        }
        let Some(outer) = self.families.get(container.as_str()) else { return false };
        match self.families.get(member.as_str()) {
            Some(inner) => inner.iter().all(|m| outer.contains(m)),
            None => outer.contains(&member.as_str()),
        }
    }

    /// The known type or family `word` most likely stands for: its plural (`drg-attachment`), its
    /// singular, or a name one or two edits away. `None` when nothing is close.
    pub fn suggest(&self, word: &str) -> Option<&'static str> {
        let lower = word.to_ascii_lowercase();
        let known = |candidate: &str| {
            let family = || self.families.get_key_value(candidate).map(|(k, _)| *k);
            self.types.get_key_value(candidate).map(|(k, _)| *k).or_else(family)
        };
        let y_plural = lower.strip_suffix('y').map(|stem| format!("{stem}ies")).unwrap_or_default();
        let plurals = [format!("{lower}s"), format!("{lower}es"), y_plural];
        if let Some(found) = plurals.iter().find_map(|p| known(p.as_str())) {
            return Some(found);
        }
        if let Some(found) = lower.strip_suffix('s').and_then(known) {
            return Some(found);
        }
        let max = if lower.len() > 6 { 2 } else { 1 };
        self.types
            .keys()
            .chain(self.families.keys())
            .map(|name| (edit_distance(&lower, name, max), *name))
            .filter(|(d, _)| *d <= max)
            .min()
            .map(|(_, name)| name)
    }

    /// Whether `use` (or, with `manage`, `manage`) on the type or family `word` adds any
    /// permission to what `read` gives, where Oracle's reference says so ("no extra" cells are
    /// `-` in the catalog). `None` when a member's lists are not known: such a grant fails closed.
    pub fn adds_beyond_read(&self, word: &str, manage: bool) -> Option<bool> {
        let one = |name: &str| -> Option<bool> {
            let canonical = self.aliases.get(name).copied().unwrap_or(name);
            let [use_, manage_] = *self.beyond_read.get(canonical)?;
            match (use_, manage_) {
                (Some(true), _) => Some(true),
                _ if !manage => use_,
                (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
        };
        let lower = word.to_ascii_lowercase();
        match self.resource(&lower)? {
            Resource::AllResources => Some(true),
            Resource::Type => one(&lower),
            Resource::Family(members) => {
                let verdicts: Vec<Option<bool>> = members.iter().map(|m| one(m)).collect();
                if verdicts.contains(&Some(true)) {
                    Some(true)
                } else {
                    // A family whose members are not known adds what they add: not known.
                    (!verdicts.is_empty() && verdicts.iter().all(|v| *v == Some(false))).then_some(false)
                }
            }
        }
    }

    pub fn permission(&self, name: &str) -> Option<PermissionLevel> {
        self.permissions.get(name.to_ascii_uppercase().as_str()).copied()
    }

    /// Why reading `name` (a type, family or permission) returns content, if it does.
    pub fn data_exposure(&self, name: &str) -> Option<&'static str> {
        let key = if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            name.to_ascii_uppercase()
        } else {
            let lower = name.to_ascii_lowercase();
            self.aliases.get(lower.as_str()).map_or(lower, |c| (*c).to_string())
        };
        self.data_exposing.get(key.as_str()).copied()
    }
}

/// Levenshtein distance between ASCII names, or `max + 1` once it exceeds `max`.
fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        let mut left = i + 1;
        // `pair` is (previous[j], previous[j + 1]): substitution and deletion costs.
        for (pair, &cb) in previous.windows(2).zip(b) {
            let (diagonal, up) = (pair.first().copied().unwrap_or(0), pair.get(1).copied().unwrap_or(0));
            left = (diagonal + usize::from(ca != cb)).min(up + 1).min(left + 1);
            current.push(left);
        }
        if current.iter().min().is_some_and(|&m| m > max) {
            return max + 1;
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(max + 1)
}

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_types_families_and_aliases() {
        let c = OciCatalog::get();
        assert!(c.source.contains("oci-policy-analysis"));
        assert_eq!(c.resource("buckets"), Some(Resource::Type));
        assert_eq!(c.resource("Bucket"), Some(Resource::Type));
        assert_eq!(c.resource("usage-report"), Some(Resource::Type));
        assert!(matches!(c.resource("object-family"), Some(Resource::Family(m)) if m.contains(&"objects")));
        assert_eq!(c.resource("ALL-RESOURCES"), Some(Resource::AllResources));
        assert_eq!(c.resource("bukkets"), None);
        assert_eq!(c.resource("identity-family"), None);
        // from Oracle's documentation, not the package mapping
        assert_eq!(c.resource("usage-reports"), Some(Resource::Type));
        assert!(matches!(c.resource("opsi-family"), Some(Resource::Family(m)) if m.contains(&"opsi-host-insights")));
        assert!(matches!(c.resource("database-family"), Some(Resource::Family(m)) if m.contains(&"vmclusters")));
        assert!(matches!(c.resource("ai-service-vision-family"), Some(Resource::Family(_))));
    }

    #[test]
    fn knows_which_verbs_add_nothing_to_read() {
        let c = OciCatalog::get();
        // Oracle's Functions reference: `use fn-app`/`fn-function` are "no extra"; `use fn-invocation` invokes.
        assert_eq!(c.adds_beyond_read("fn-function", false), Some(false));
        assert_eq!(c.adds_beyond_read("fn-function", true), Some(true));
        assert_eq!(c.adds_beyond_read("fn-invocation", false), Some(true));
        assert_eq!(c.adds_beyond_read("audit-events", true), Some(false));
        assert_eq!(c.adds_beyond_read("functions-family", false), Some(true));
        assert_eq!(c.adds_beyond_read("all-resources", false), Some(true));
        // Types known by name only, and unknown words, are not known to add nothing.
        assert_eq!(c.adds_beyond_read("usage-reports", false), None);
        assert_eq!(c.adds_beyond_read("bukkets", false), None);
        // A family without known members, and a row that lists no permission at all.
        assert_eq!(c.adds_beyond_read("desktop-pool-family", true), None);
        assert_eq!(c.adds_beyond_read("cloud-shell", false), None);
    }

    /// Every row of `doc-catalog.tsv` is in the compiled catalog: the regeneration merged it.
    #[test]
    fn documented_entries_are_merged() {
        let c = OciCatalog::get();
        let doc = include_str!("../../rules/oci/doc-catalog.tsv");
        let mut rows = 0;
        for line in data_lines(doc) {
            let cols: Vec<&str> = line.split('\t').collect();
            let source = cols.last().copied().unwrap_or("");
            assert!(source.starts_with("https://"), "{line}");
            match cols.as_slice() {
                ["family", name, members, _] => {
                    let Some(Resource::Family(merged)) = c.resource(name) else { panic!("{name} is not a family") };
                    for member in members.split(',').filter(|m| !m.is_empty()) {
                        assert!(merged.contains(&member) && c.resource(member).is_some(), "{name}: {member}");
                    }
                }
                ["type", name, ..] => assert_eq!(c.resource(name), Some(Resource::Type), "{name}"),
                ["correct", name, verbs @ .., _] => {
                    let prefix = format!("type\t{name}\t");
                    let row = data_lines(CATALOG).find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("{name}"));
                    let merged: Vec<&str> = row.split('\t').skip(2).take(4).collect();
                    assert_eq!(merged, verbs, "{name}");
                }
                _ => panic!("malformed row: {line}"),
            }
            rows += 1;
        }
        assert!(rows > 20, "{rows}");
    }

    /// The README's catalog paragraph states the counts; regenerating the catalog must update it.
    #[test]
    fn readme_states_the_catalog_counts() {
        let rows: Vec<Vec<&str>> = data_lines(CATALOG).map(|l| l.split('\t').collect()).collect();
        let types: Vec<_> = rows.iter().filter(|r| r.first() == Some(&"type")).collect();
        let name_only = types.iter().filter(|r| r.get(2) == Some(&"?")).count();
        let families = rows.iter().filter(|r| r.first() == Some(&"family")).count();
        let readme = include_str!("../../README.md").split_whitespace().collect::<Vec<_>>().join(" ");
        let stated = format!(
            "holds {} resource types and {families} families; {} types carry the permissions each verb adds, and the other {name_only} are known by name only",
            types.len(),
            types.len() - name_only
        );
        assert!(readme.contains(&stated), "README should say: {stated}");
    }

    #[test]
    fn suggestions_for_unknown_names() {
        let c = OciCatalog::get();
        assert_eq!(c.suggest("drg-attachment"), Some("drg-attachments"));
        assert_eq!(c.suggest("drg-route-distribution"), Some("drg-route-distributions"));
        assert_eq!(c.suggest("Tag-Namespace"), Some("tag-namespaces"));
        assert_eq!(c.suggest("certificate-authority-bundle"), Some("certificate-authority-bundles"));
        assert_eq!(c.suggest("instance-familly"), Some("instance-family"));
        assert_eq!(c.suggest("virtual-network-familys"), Some("virtual-network-family"));
        assert_eq!(c.suggest("integration-instances"), Some("integration-instance"));
        assert_eq!(c.suggest("completely-unrelated-words"), None);
    }

    #[test]
    fn permission_levels_fail_closed() {
        let c = OciCatalog::get();
        assert_eq!(c.permission("POLICY_READ"), Some(PermissionLevel::Read));
        assert_eq!(c.permission("BUCKET_INSPECT"), Some(PermissionLevel::Read));
        assert_eq!(c.permission("OBJECT_CREATE"), Some(PermissionLevel::Write));
        // listed under both read and use of one type: not read-only
        assert_eq!(c.permission("MGMT_AGENT_NAMED_CREDENTIAL_APPLY"), Some(PermissionLevel::Write));
        assert_eq!(c.permission("NOT_A_PERMISSION"), None);
        // listed by Oracle's documentation (doc-catalog.tsv), not the package mapping
        assert_eq!(c.permission("NOSQL_TABLE_READ"), Some(PermissionLevel::Read));
        assert_eq!(c.permission("NOSQL_TABLE_ALTER"), Some(PermissionLevel::Write));
        assert_eq!(c.permission("ODMS_MIGRATION_READ"), Some(PermissionLevel::Read));
        assert_eq!(c.permission("ODMS_JOB_ABORT"), Some(PermissionLevel::Write));
        // per-verb tables of Content/Identity reference pages
        assert_eq!(c.permission("OPSI_DATABASE_INSIGHT_SQL_TEXTS_READ"), Some(PermissionLevel::Read));
        assert_eq!(c.permission("OPSI_DATABASE_INSIGHT_SQL_STATS_INGEST"), Some(PermissionLevel::Write));
        assert_eq!(c.permission("SDDC_READ"), Some(PermissionLevel::Read));
        assert_eq!(c.permission("SDDC_UPDATE_ESXI_HOST"), Some(PermissionLevel::Write));
        assert_eq!(c.permission("VANTAGE_POINTS_INSPECT"), Some(PermissionLevel::Read));
        // corrected: the mapping lists it under read, Oracle's reference under use
        assert_eq!(c.permission("LOG_ANALYTICS_QUERYJOB_WORK_REQUEST_DELETE"), Some(PermissionLevel::Write));
        // Search's reference names a type and its inspect permission, not the type's per-verb list
        assert_eq!(c.resource("dbServers"), Some(Resource::Type));
        assert_eq!(c.permission("DATAFLOW_RUN_INSPECT"), None);
        // a documented type without a permission list adds no permission at all
        assert_eq!(c.permission("?"), None);
    }

    #[test]
    fn coverage_follows_families() {
        let c = OciCatalog::get();
        assert!(c.covers("all-resources", "metrics"));
        assert!(c.covers("object-family", "objects"));
        assert!(c.covers("objects", "object"));
        assert!(!c.covers("objects", "object-family"));
        assert!(!c.covers("buckets", "objects"));
        // Logging's page documents `logs` as standing for its individual types
        assert!(c.covers("logs", "log-content"));
        assert!(!c.covers("logs", "loganalytics-query"));
        assert!(c.covers("health-check-family", "vantage-points"));
        assert!(c.covers("opsi-family", "opsi-database-insights"));
    }

    #[test]
    fn data_exposure_is_curated() {
        let c = OciCatalog::get();
        assert!(c.data_exposure("objects").is_some());
        assert!(c.data_exposure("all-resources").is_some());
        assert!(c.data_exposure("OBJECT_READ").is_some());
        assert!(c.data_exposure("nosql-rows").is_some());
        assert!(c.data_exposure("queues").is_some());
        assert!(c.data_exposure("queue-pull").is_some());
        assert!(c.data_exposure("queue-push").is_none());
        assert!(c.data_exposure("logs").is_some());
        assert!(c.data_exposure("opsi-family").is_some());
        assert!(c.data_exposure("OPSI_DATABASE_INSIGHT_SQL_TEXTS_READ").is_some());
        assert!(c.data_exposure("opsi-warehouses").is_none());
        assert!(c.data_exposure("buckets").is_none());
        assert!(c.data_exposure("metrics").is_none());
    }
}
