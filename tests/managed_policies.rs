//! Every AWS managed policy parses without a syntax finding, nothing panics, and grantlint's
//! compiled table of managed policies allows exactly what each document allows.
//!
//! The corpus is not committed: `scripts/managed-policy-sweep.sh` fetches it, writes one file per
//! policy and runs this test with `GRANTLINT_MANAGED_POLICIES` naming that directory. Without the
//! variable the test says so and passes.

use grantlint::catalog::aws::{Action, AwsCatalog, Expansion, matches_action};
use grantlint::catalog::managed::ManagedPolicies;
use grantlint::lint::{self, Options};
use grantlint::source::SourceFile;
use grantlint::syntax::aws::{self, Statement};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// The corpus's policy files, sorted, or `None` when `GRANTLINT_MANAGED_POLICIES` is not set.
fn corpus() -> Option<Vec<PathBuf>> {
    let Some(dir) = std::env::var_os("GRANTLINT_MANAGED_POLICIES") else {
        println!("GRANTLINT_MANAGED_POLICIES is not set; skipping (scripts/managed-policy-sweep.sh sets it)");
        return None;
    };
    let dir = PathBuf::from(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() > 1000, "{} holds only {} policies: not the managed-policy corpus", dir.display(), paths.len());
    Some(paths)
}

#[test]
fn every_managed_policy_parses() {
    let Some(paths) = corpus() else { return };
    let options = Options::default();
    let mut problems = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let source = SourceFile::new(path.to_string_lossy(), text);
        match catch_unwind(AssertUnwindSafe(|| lint::lint_source(source, &options))) {
            Err(_) => problems.push(format!("{}: panicked", path.display())),
            Ok(report) => problems.extend(
                report
                    .diagnostics()
                    .filter(|(_, d)| d.rule.code == "AWS001")
                    .map(|(source, d)| format!("{}: AWS001 {}", source.path, d.message)),
            ),
        }
    }
    println!("{} managed policies read", paths.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// For each policy of the corpus (the latest versions, named `<PolicyName>.json`) that the table
/// holds with its statements, the actions the table allows are the ones the document allows,
/// worked out here from the document itself.
#[test]
fn the_compiled_table_allows_what_each_document_allows() {
    let Some(paths) = corpus() else { return };
    if paths.iter().any(|p| p.to_string_lossy().contains('@')) {
        println!("the corpus holds every version; the table holds the latest: skipping");
        return;
    }
    let (catalog, table) = (AwsCatalog::get(), ManagedPolicies::get());
    let mut compared = 0;
    let mut problems = Vec::new();
    for path in &paths {
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a policy name");
        let Some(managed) = table.by_name(name) else {
            problems.push(format!("{name}: not in the table ({})", table.source));
            continue;
        };
        if managed.service_linked() {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let document = aws::parse(&text, None);
        let policy = document.policy.expect("a policy");
        let from_document = allowed(&policy.statements, catalog);
        let from_table: Vec<String> = managed.allowed(catalog).iter().map(|a| a.to_string()).collect();
        if from_document != from_table {
            problems.push(format!(
                "{name}: the table allows {} actions, the document {}",
                from_table.len(),
                from_document.len()
            ));
        }
        compared += 1;
    }
    println!("{compared} managed policies compared with the table ({})", table.source);
    assert!(compared > 1000, "{compared}");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// What the statements allow: each Allow statement's actions (every other action for
/// `NotAction`), less those a Deny statement on `Resource: "*"` without a condition takes away.
fn allowed(statements: &[Statement], catalog: &'static AwsCatalog) -> Vec<String> {
    let everything = || match catalog.expand("*") {
        Expansion::Actions(all) => all.collect::<Vec<&Action>>(),
        Expansion::UnknownPrefix => Vec::new(),
    };
    let names = |statement: &Statement| -> Vec<&'static Action> {
        let Some(action) = &statement.action else { return Vec::new() };
        if action.negated {
            return everything()
                .into_iter()
                .filter(|a| !action.values.iter().any(|p| matches_action(p.as_str(), a)))
                .collect();
        }
        action
            .values
            .iter()
            .filter_map(|p| match catalog.expand(p.as_str()) {
                Expansion::Actions(found) => Some(found.collect::<Vec<_>>()),
                Expansion::UnknownPrefix => None,
            })
            .flatten()
            .collect()
    };
    let every_request = |s: &Statement| {
        s.condition.is_none()
            && s.resource.as_ref().is_some_and(|r| !r.negated && r.values.len() == 1 && r.values[0].as_str() == "*")
    };
    let mut denied: Vec<u32> =
        statements.iter().filter(|s| !s.allows() && every_request(s)).flat_map(names).map(|a| a.id).collect();
    denied.sort_unstable();
    let mut allowed: Vec<&Action> = statements.iter().filter(|s| s.allows()).flat_map(names).collect();
    allowed.sort_unstable_by_key(|a| a.id);
    allowed.dedup_by_key(|a| a.id);
    allowed.retain(|a| denied.binary_search(&a.id).is_err());
    allowed.iter().map(|a| a.to_string()).collect()
}
