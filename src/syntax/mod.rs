//! Parsing only: text in, models with spans out. Nothing here judges a policy.

pub mod aws;
pub mod iac;
pub mod json;
pub mod oci;
pub mod snapshot;
