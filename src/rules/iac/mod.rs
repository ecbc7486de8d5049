//! Rules about policies inside Terraform and CloudFormation templates, one file each. The
//! policies themselves are judged by the OCI and AWS rules.

pub mod managed_policy;
pub mod syntax_error;
pub mod unresolved_reference;
