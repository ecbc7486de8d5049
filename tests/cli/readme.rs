//! The README's first screen does what it says on a clone with nothing beside it: the bundled
//! examples (DigiUsher's OCI and AWS onboarding) check with the exit code the README states.

use crate::support::{grantlint, repo_root};

#[test]
fn first_screen_command_exits_as_stated() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let block = readme.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("the first sh block");
    let line = block.lines().find(|l| l.starts_with("cargo install")).expect("the install command");
    assert_eq!(line, "cargo install --locked --path . && grantlint check --profile digiusher examples/digiusher");
    let stated: i32 = block
        .split("(exits ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .expect("the README states the exit code as `(exits N`");
    let check = line.split(" && grantlint ").nth(1).expect("the check command");
    let args: Vec<&str> = check.split(' ').collect();
    let run = grantlint(&args);
    assert_eq!(run.code, stated, "{run}");
    assert!(run.stdout.contains("examples/digiusher/aws/"), "the AWS onboarding is checked too:\n{run}");
    assert!(run.stdout.contains("examples/digiusher/oci-docs-variant.policy"), "{run}");
}

/// The bundled AWS onboarding is DigiUsher's grant as the profile describes it: nothing beyond
/// read-only but one error, `cloudwatch:Get*`, whose expansion includes CloudWatch's
/// `GetSpaceCredentials` reads (they return temporary AWS credentials); the warnings are about the
/// vendor's own policy (actions the catalog does not know, reads that return data), as
/// `tests/cli/aws.rs` details.
#[test]
fn bundled_aws_onboarding_is_within_the_profile() {
    let run = grantlint(&["check", "--format", "concise", "--profile", "digiusher", "examples/digiusher/aws"]);
    assert_eq!(run.code, 1, "{run}");
    let errors: Vec<&str> = run.stdout.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(errors.len(), 1, "{run}");
    assert!(errors[0].contains("error[AWS006] `cloudwatch:Get*`"), "{run}");
    assert!(errors[0].contains("cloudwatch:GetSpaceCredentials"), "{run}");
    assert!(run.stdout.contains("Found 1 error and 15 warnings in 4 files."), "{run}");
}
