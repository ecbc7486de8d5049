//! grantlint: lint and audit the permissions a company grants to a cloud vendor.
//!
//! The pipeline runs in one direction: [`source`] → [`syntax`] → model with spans → [`rules`] →
//! [`diagnostic`]s → [`render`]. See `ARCHITECTURE.md`.

pub mod audit;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod input;
pub mod lint;
pub mod profile;
pub mod render;
pub mod rules;
pub mod source;
pub mod span;
pub mod suppress;
pub mod syntax;
