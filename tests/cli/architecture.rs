//! The import table of `ARCHITECTURE.md`, enforced: a module of `src/` that imports one it may
//! not (`use crate::audit` outside `cli` and `audit`, a rule importing the driver, …) fails here.

use crate::support::repo_root;
use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module of `src/`, and the modules it must not import. `cli` may import all.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("span", ABOVE_SOURCE),
    ("source", ABOVE_SOURCE),
    ("text", ABOVE_SOURCE),
    ("diagnostic", ABOVE_SOURCE),
    ("syntax", &["catalog", "rules", "profile", "config", "suppress", "input", "lint", "render", "audit", "cli"]),
    ("catalog", &["rules", "profile", "config", "suppress", "input", "lint", "render", "audit", "cli"]),
    ("profile", &["input", "lint", "render", "audit", "cli"]),
    ("config", &["input", "lint", "render", "audit", "cli"]),
    ("suppress", &["input", "lint", "render", "audit", "cli"]),
    ("rules", &["input", "lint", "render", "audit", "cli"]),
    ("input", &["rules", "lint", "render", "audit", "cli"]),
    ("lint", &["render", "audit", "cli"]),
    ("render", &["audit", "cli"]),
    ("audit", &["rules", "lint", "render", "cli"]),
];

/// What the lowest layer (spans, source files, findings) may not import: any other module.
const ABOVE_SOURCE: &[&str] =
    &["syntax", "catalog", "rules", "profile", "config", "suppress", "input", "lint", "render", "audit", "cli"];

/// The top-level modules a file names as `crate::NAME`, comments left out.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            // `crate::{lint, render}` names several.
            let names = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').map(str::trim).collect(),
                None => vec![rest],
            };
            for name in names {
                let module: String = name.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !module.is_empty() {
                    found.insert(module);
                }
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_only_point_down_the_pipeline() {
    let src = repo_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.iter().next().unwrap().to_string_lossy();
        let module = first.trim_end_matches(".rs");
        let Some((_, forbidden)) = FORBIDDEN.iter().find(|(name, _)| *name == module) else { continue };
        for import in imports(&std::fs::read_to_string(file).unwrap()) {
            if forbidden.contains(&import.as_str()) {
                broken.push(format!("src/{} imports crate::{import}", relative.display()));
            }
        }
    }
    assert!(broken.is_empty(), "imports against the table in ARCHITECTURE.md:\n{}", broken.join("\n"));
}

#[test]
fn every_module_has_a_row() {
    let mut modules: Vec<String> = std::fs::read_dir(repo_root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .filter(|name| !["main", "lib", "cli"].contains(&name.as_str()))
        .collect();
    modules.sort();
    modules.dedup();
    for module in modules {
        assert!(FORBIDDEN.iter().any(|(name, _)| *name == module), "src/{module} has no row in the import table");
    }
}

#[test]
fn the_scan_sees_grouped_and_nested_imports() {
    let found = imports(
        "use crate::{lint, render::Format};\n// crate::audit in a comment\nlet x = crate::audit::Secret::new(s);",
    );
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["audit", "lint", "render"]);
}
