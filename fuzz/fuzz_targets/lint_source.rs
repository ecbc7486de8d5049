//! The whole pipeline on one file, as `grantlint check` runs it: format detection, every rule
//! (with and without the built-in profile), suppressions, and every output format.
#![no_main]

use grantlint::lint::{self, Options};
use grantlint::profile::Profile;
use grantlint::render::{self, Format};
use grantlint::source::SourceFile;
use grantlint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static PROFILE: LazyLock<Profile> = LazyLock::new(|| Profile::load("digiusher").expect("the built-in profile"));

/// The file name decides how the text is read. The first byte picks one (its low three bits),
/// the profile (bit 7), colour (bit 6) and whether SARIF is rendered too (bit 5: writing every
/// rule's documentation into each log costs more than the rest of a run together);
/// `scripts/fuzz-seed.sh` writes seeds that way.
const PATHS: [&str; 5] = ["p.policy", "p.json", "p.txt", "-", "p.oci"];
const FORMATS: [Format; 4] = [Format::Human, Format::Concise, Format::Json, Format::Github];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let path = PATHS[usize::from(selector & 0x07) % PATHS.len()];
    let profile = (selector & 0x80 != 0).then(|| &*PROFILE);
    let options = Options { profile, ..Options::default() };
    let report = lint::lint_source(SourceFile::new(path, text), &options);
    for (_, diagnostic) in report.diagnostics() {
        check_span(text, diagnostic.span, &diagnostic.message);
    }
    let render_options = render::Options { color: selector & 0x40 != 0, verbose: true, quiet: false };
    let sarif = (selector & 0x20 != 0).then_some(Format::Sarif);
    for format in FORMATS.into_iter().chain(sarif) {
        render::render(&report, format, &render_options, &mut std::io::sink()).expect("a sink accepts everything");
    }
});
