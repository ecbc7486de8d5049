use super::{flagged_actions, name_list, names_exactly};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::Policy;

declare_rule! {
    /// An allowed action is not read-only: AWS labels it Write, Permissions management or
    /// Tagging.
    ///
    /// A read-only vendor needs List and Read actions. Each action in an Allow statement is looked
    /// up in grantlint's catalog of AWS actions, wildcards expanded to every action they match, and
    /// the finding names the expanded actions that are not reads, with their level. Wildcards such
    /// as `svc:Get*` can match actions AWS labels Write, and start matching new ones when AWS adds
    /// actions. A few actions AWS labels Write only read; `rules/aws/level-overrides.tsv` corrects
    /// them, each with its reason.
    ///
    /// A vendor profile lists the non-read actions the vendor documents (DigiUsher's
    /// `compute-optimizer:UpdateEnrollmentStatus`, which opts the account in to Compute
    /// Optimizer) and optional permission packs, whose actions pass only when the pack is enabled
    /// (`--enable-pack`). `*` and `service:*` are reported by AWS003, and unknown actions by
    /// AWS005. Trust policies are not judged (`sts:AssumeRole` is Write, and is their purpose),
    /// nor resource-policy statements for AWS service principals.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["ec2:Describe*", "ec2:StopInstances"], "Resource": "*"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}
    /// ```
    pub static RULE = { code: "AWS002", name: "aws-grant-not-read-only", severity: Error };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    for (pattern, writes) in flagged_actions(policy, cx, RULE.code, |_, a| !a.level().is_read_only()) {
        let Some(&first) = writes.first() else { continue };
        let message = if names_exactly(pattern, &writes) {
            format!("`{}` is a {} action, not read-only", pattern.value, first.level().as_str())
        } else {
            let listed = name_list(writes.iter().map(|a| format!("{a} ({})", a.level().as_str())));
            let count = writes.len();
            let (s, are) = if count == 1 { ("", "is") } else { ("s", "are") };
            format!("`{}` matches {count} action{s} that {are} not read-only: {listed}", pattern.value)
        };
        let pack = cx.profile.and_then(|p| p.aws.as_ref()).and_then(|aws| aws.disabled_pack_for(first));
        let help = match pack {
            Some(pack) => format!(
                "`{first}` belongs to the optional pack `{}` ({}); pass `--enable-pack {}` if you chose it",
                pack.spec.name, pack.spec.capability, pack.spec.name
            ),
            None => {
                "grant only List and Read actions, unless the vendor documents why it must change resources".to_string()
            }
        };
        cx.report(Diagnostic::new(&RULE, pattern.span, message).with_help(help));
    }
}
