//! What grantlint knows about each cloud's permissions, compiled in from data under `rules/`.

pub mod aws;
pub mod managed;
pub mod oci;
