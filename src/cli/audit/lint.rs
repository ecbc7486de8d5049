//! How every audit lints what it read: with the configuration and vendor profile in force, from
//! exactly the snapshot text it saves.

use super::{SnapshotArgs, VendorArgs};
use crate::audit::snapshot::Document;
use crate::cli::usage_error;
use crate::config::Config;
use crate::lint::{self, Options};
use crate::profile::Profile;
use crate::source::SourceFile;
use serde::Serialize;
use std::io;

impl VendorArgs {
    /// The configuration in force and the vendor profile (`--profile`, else the configuration's).
    pub(super) fn setup(&self) -> io::Result<(Config, Option<Profile>)> {
        let config = Config::discover(None, &std::env::current_dir()?).map_err(usage_error)?;
        let profile = self
            .profile
            .as_deref()
            .or(config.profile.as_deref())
            .map(Profile::load)
            .transpose()
            .map_err(usage_error)?;
        Ok((config, profile))
    }
}

impl SnapshotArgs {
    /// Saves the snapshot's text when asked, lints exactly that text (so `grantlint check` of the
    /// saved file gives the same findings) and renders the report.
    pub(super) fn lint_snapshot<B: Serialize>(
        &self,
        document: &Document<B>,
        profile: Option<&Profile>,
        config: &Config,
        color: bool,
    ) -> io::Result<u8> {
        let text = document.to_text();
        let path = match &self.save {
            Some(path) => {
                std::fs::write(path, &text).map_err(|e| usage_error(format!("cannot save {}: {e}", path.display())))?;
                path.to_string_lossy().into_owned()
            }
            None => format!("live:{}://{}", document.cloud, document.account.id),
        };
        let options = Options { profile, kind: None, config: Some(config) };
        let report = lint::lint_source(SourceFile::new(path, text), &options);
        self.output.emit(&report, config.fail_on, color)
    }
}
