//! grantlint: lint and audit the permissions a company grants to a cloud vendor.
//!
//! The pipeline runs in one direction: [`source`] → [`syntax`] → model with spans → [`rules`] →
//! [`diagnostic`]s → [`render`]. See `ARCHITECTURE.md`.

#![forbid(unsafe_code)]
// A linter runs on every commit over untrusted input: it must not fall over. Outside tests, each
// remaining `expect` says in place why it cannot fail.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

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
pub mod text;
