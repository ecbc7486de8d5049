//! Finding the files to lint: explicit paths, directory walks and standard input.

use crate::config::Config;
use crate::source::SourceFile;
use crate::text::io_error;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions a directory walk considers. Files named explicitly are always considered.
/// Terraform and CloudFormation templates (`tf`, `yaml`, `yml`, `template`) hold policies too.
const WALKED_EXTENSIONS: &[&str] = &["policy", "oci", "json", "txt", "tf", "yaml", "yml", "template"];

/// Directories a walk never enters, ignore files or not: build output and vendored dependencies
/// hold no grants.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line, rather than found by a walk.
    pub explicit: bool,
    /// Why the path cannot be read, when that was known while collecting (a missing path, a
    /// directory the walk could not enter): `load` reports it, so the run goes on and records it.
    pub problem: Option<String>,
    /// The name standard input is known by (`--stdin-filename`): the format is detected from it and
    /// findings carry it.
    pub stdin_name: Option<String>,
}

impl Input {
    pub fn file(path: PathBuf, explicit: bool) -> Input {
        Input { path, explicit, problem: None, stdin_name: None }
    }

    fn unreadable(path: PathBuf, problem: String) -> Input {
        Input { path, explicit: true, problem: Some(problem), stdin_name: None }
    }
}

/// A file's text, or why it has none.
pub enum Loaded {
    Text(SourceFile),
    /// Bytes that are not UTF-8 text, with the offset of the first bad byte.
    NotText {
        source: SourceFile,
        offset: usize,
    },
}

/// Expands the command line's paths into the files to lint, in a stable order, stopping at the
/// first path that cannot be read (for options such as `--expect`, which need every file).
pub fn collect(paths: &[String], config: &Config, force_exclude: bool) -> Result<Vec<Input>, String> {
    let inputs = gather(paths, config, force_exclude, None);
    match inputs.iter().find_map(|i| i.problem.as_ref().map(|p| (i, p))) {
        Some((input, problem)) => Err(format!("{}: {problem}", input.path.display())),
        None => Ok(inputs),
    }
}

/// Expands the command line's paths into the files to lint, in a stable order. A walk takes the
/// files the configuration considers, honouring `.gitignore`, `.ignore` and git's exclude files
/// the way ripgrep does; a file named explicitly is always taken, unless `force_exclude` applies
/// the configuration's exclusions to it too. A path that cannot be read becomes an input that
/// fails to load, so the rest of the run goes on and the failure is reported in order.
pub fn gather(paths: &[String], config: &Config, force_exclude: bool, stdin_name: Option<&str>) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path == "-" {
            if force_exclude && stdin_name.is_some_and(|name| config.excluded(Path::new(name))) {
                continue;
            }
            let name = stdin_name.map(str::to_string);
            inputs.push(Input { stdin_name: name, ..Input::file(PathBuf::from("-"), true) });
            continue;
        }
        let root = Path::new(path);
        let meta = match std::fs::metadata(root) {
            Ok(meta) => meta,
            Err(e) => {
                inputs.push(Input::unreadable(root.to_path_buf(), io_error(&e)));
                continue;
            }
        };
        if !meta.is_dir() {
            if !(force_exclude && config.excluded(root)) {
                inputs.push(Input::file(root.to_path_buf(), true));
            }
            continue;
        }
        walk(root, config, &mut inputs);
    }
    inputs
}

fn walk(root: &Path, config: &Config, inputs: &mut Vec<Input>) {
    let walker = ignore::WalkBuilder::new(root)
        .sort_by_file_name(|a, b| a.cmp(b))
        // Ignore files count even outside a git repository (a copy, an unpacked archive), as in ruff.
        .require_git(false)
        .filter_entry(|e| {
            let skipped_dir = e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref());
            e.depth() == 0 || !skipped_dir
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let (path, message) = walk_error(&e, root);
                inputs.push(Input::unreadable(path, message));
                continue;
            }
        };
        let by_extension =
            entry.path().extension().and_then(|e| e.to_str()).is_some_and(|e| WALKED_EXTENSIONS.contains(&e));
        if entry.file_type().is_some_and(|t| t.is_file()) && config.considered(entry.path(), by_extension) {
            // `check .` reports `a.policy`, not `./a.policy`.
            let path = entry.path().strip_prefix(".").unwrap_or(entry.path()).to_path_buf();
            inputs.push(Input::file(path, false));
        }
    }
}

/// Where a walk failed and why, in words.
fn walk_error(error: &ignore::Error, root: &Path) -> (PathBuf, String) {
    let mut error = error;
    let mut path = root.to_path_buf();
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path = p.clone();
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error = err,
            ignore::Error::Io(e) => return (path, io_error(e)),
            ignore::Error::Loop { child, .. } => {
                return (child.clone(), "a symbolic link loops back to its parent".into());
            }
            other => return (path, other.to_string()),
        }
    }
}

/// Reads one input. An unreadable file is an error, never "no findings".
pub fn load(input: &Input) -> Result<Loaded, String> {
    let display = match &input.stdin_name {
        Some(name) => name.clone(),
        None => input.path.to_string_lossy().into_owned(),
    };
    if let Some(problem) = &input.problem {
        return Err(format!("{display}: {problem}"));
    }
    let bytes = if input.path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("standard input: {}", io_error(&e)))?;
        buf
    } else {
        std::fs::read(&input.path).map_err(|e| format!("{display}: {}", io_error(&e)))?
    };
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Loaded::Text(SourceFile::new(display, text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Loaded::NotText { source: SourceFile::new(display, text), offset }
        }
    })
}
