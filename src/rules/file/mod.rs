//! Rules about the files themselves, before any policy is read.

pub mod not_a_policy;
