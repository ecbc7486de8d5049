//! Finding the files to lint: explicit paths, directory walks and standard input.

use crate::config::Config;
use crate::source::SourceFile;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions a directory walk considers. Files named explicitly are always considered.
/// Terraform and CloudFormation templates (`tf`, `yaml`, `yml`, `template`) hold policies too.
const WALKED_EXTENSIONS: &[&str] = &["policy", "oci", "json", "txt", "tf", "yaml", "yml", "template"];

/// Directories a walk never enters: build output and vendored dependencies hold no grants.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line, rather than found by a walk.
    pub explicit: bool,
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

/// Expands the command line's paths into the files to lint, in a stable order. A walk takes the
/// files the configuration considers; a file named explicitly is always taken, unless
/// `force_exclude` applies the configuration's exclusions to it too.
pub fn collect(paths: &[String], config: &Config, force_exclude: bool) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path == "-" {
            inputs.push(Input { path: PathBuf::from("-"), explicit: true });
            continue;
        }
        let root = Path::new(path);
        let meta = std::fs::metadata(root).map_err(|e| format!("{path}: {e}"))?;
        if !meta.is_dir() {
            if !(force_exclude && config.excluded(root)) {
                inputs.push(Input { path: root.to_path_buf(), explicit: true });
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|e| {
            e.depth() == 0 || {
                let name = e.file_name().to_string_lossy();
                let skipped_dir = e.file_type().is_dir() && SKIPPED_DIRS.contains(&name.as_ref());
                !name.starts_with('.') && !skipped_dir
            }
        });
        for entry in walker {
            let entry = entry.map_err(|e| format!("{path}: {e}"))?;
            let by_extension =
                entry.path().extension().and_then(|e| e.to_str()).is_some_and(|e| WALKED_EXTENSIONS.contains(&e));
            if entry.file_type().is_file() && config.considered(entry.path(), by_extension) {
                // `check .` reports `a.policy`, not `./a.policy`.
                let path = entry.path().strip_prefix(".").unwrap_or(entry.path()).to_path_buf();
                inputs.push(Input { path, explicit: false });
            }
        }
    }
    Ok(inputs)
}

/// Reads one input. An unreadable file is an error, never "no findings".
pub fn load(input: &Input) -> Result<Loaded, String> {
    let display = input.path.to_string_lossy().into_owned();
    let bytes = if display == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("standard input: {e}"))?;
        buf
    } else {
        std::fs::read(&input.path).map_err(|e| format!("{display}: {e}"))?
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
