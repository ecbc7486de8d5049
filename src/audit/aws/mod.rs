//! The AWS audit: the read-only IAM [`client`] over the AWS SDK, and [`fetch`], which turns the
//! vendor's role (or legacy user) into a [`snapshot`]; [`organization`] does so in every account of
//! an organisation.
//!
//! The snapshot side is always built, so `grantlint check` reads an AWS snapshot even when the
//! `audit-aws` feature (the SDK) is compiled out.

#[cfg(feature = "audit-aws")]
pub mod client;
pub mod snapshot;

#[cfg(feature = "audit-aws")]
pub use fetch::{Target, decode_document, fetch, read_expected, role_name};

#[cfg(feature = "audit-aws")]
mod fetch;
#[cfg(feature = "audit-aws")]
pub mod organization;
