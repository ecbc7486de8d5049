//! Rules about suppressions themselves.

pub mod suppression_without_reason;
pub mod unused_suppression;
