//! grantlint's integration tests: the binary run as a user runs it, output snapshotted with insta.

mod oci;
mod support;
