//! What a set of allowed actions gives beyond metadata reads: actions that are not read-only,
//! and reads that return data, secrets or credentials. Judges what a managed policy allows where
//! its statements are not in the file being linted (IAC003, LIVE011).

use super::{accepted_for, exposed_classes, name_list};
use crate::catalog::aws::{Action, Sensitivity};
use crate::diagnostic::Severity;
use crate::rules::Context;

/// The actions of a grant a vendor should not have, less those the profile or the configuration
/// accepts.
#[derive(Debug, Default)]
pub struct Exposure {
    /// Not read-only (AWS002's business in a policy of the customer's own).
    pub writes: Vec<&'static Action>,
    /// Reads that return data, secrets or credentials (AWS006's).
    pub reads: Vec<&'static Action>,
}

impl Exposure {
    /// Sorts `actions` into writes and sensitive reads. The statements they come from are not
    /// known here, so an acceptance that holds only on named resources does not apply.
    pub fn of(actions: &[&'static Action], cx: &Context) -> Self {
        let mut exposure = Exposure::default();
        for &action in actions {
            if !action.level().is_read_only() {
                if !accepted_for(cx, action, "AWS002", || false) {
                    exposure.writes.push(action);
                }
            } else if action.sensitive().is_some() && !accepted_for(cx, action, "AWS006", || false) {
                exposure.reads.push(action);
            }
        }
        // Credentials first, so a capped list names the worst.
        exposure.reads.sort_by_key(|a| a.sensitive().map(|s| s.class != Sensitivity::Credential));
        exposure
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.reads.is_empty()
    }

    /// An error for writes or reads of credentials, a warning for other sensitive reads.
    pub fn severity(&self) -> Option<Severity> {
        let credential = self.reads.iter().any(|a| a.sensitive().is_some_and(|s| s.class == Sensitivity::Credential));
        if !self.writes.is_empty() || credential {
            Some(Severity::Error)
        } else if self.reads.is_empty() {
            None
        } else {
            Some(Severity::Warning)
        }
    }

    /// `3 reads that return data (logs:FilterLogEvents, …) and 2 actions that are not read-only
    /// (…)`, reads first; `None` when there is nothing to say.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.reads.is_empty() {
            let count = self.reads.len();
            let (s, verb) = if count == 1 { ("", "returns") } else { ("s", "return") };
            parts.push(format!(
                "{count} read{s} that {verb} {} ({})",
                exposed_classes(&self.reads),
                name_list(self.reads.iter().map(|a| a.to_string()))
            ));
        }
        if !self.writes.is_empty() {
            let count = self.writes.len();
            let (s, are) = if count == 1 { ("", "is") } else { ("s", "are") };
            parts.push(format!(
                "{count} action{s} that {are} not read-only ({})",
                name_list(self.writes.iter().map(|a| a.to_string()))
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}
