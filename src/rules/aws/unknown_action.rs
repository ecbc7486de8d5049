use super::expansions::Resolved;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, declare_rule};
use crate::syntax::aws::Policy;

declare_rule! {
    /// An action, or an action wildcard, matches nothing in grantlint's catalog of AWS actions.
    ///
    /// IAM accepts any action name, so a typo or a wrong service prefix fails silently: the
    /// vendor's feature breaks (an Allow grants nothing) or a Deny protects nothing. Common
    /// causes are a prefix that is not the service's IAM prefix (`docdb:` and `neptune:` are
    /// managed through `rds:`; Resource Groups is `resource-groups:`, not `resourcegroups:`) and
    /// an API operation name that is not an IAM action. The finding names the catalog's version:
    /// AWS adds actions daily and retires services, so a recent action may need a newer catalog
    /// (`scripts/regen-aws-catalog.sh`). Every action of every statement is checked, Allow and
    /// Deny, `Action` and `NotAction`.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["resourcegroups:ListGroups", "docdb:Describe*"], "Resource": "*"}
    /// ```
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Action": ["resource-groups:ListGroups", "rds:DescribeDBClusters"], "Resource": "*"}
    /// ```
    pub static RULE = { code: "AWS005", name: "aws-unknown-action", severity: Warning };
}

pub fn check(policy: &Policy, cx: &mut Context) {
    let catalog = cx.aws();
    let mut found = Vec::new();
    for (_, pattern, resolved) in cx.aws_expansions(policy).patterns(policy) {
        // A value without a valid `prefix:` is AWS001's.
        let Some((prefix, name)) = pattern.as_str().split_once(':') else { continue };
        if prefix.is_empty() || name.is_empty() || !prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        let (message, help) = match resolved {
            Resolved::Everything => continue,
            Resolved::Actions(actions) if !actions.as_slice().is_empty() => continue,
            Resolved::UnknownPrefix => (
                format!("unknown service prefix `{prefix}` (catalog {})", catalog.label()),
                catalog.prefix_hint(prefix),
            ),
            Resolved::Actions(_) => {
                let what = if name.contains(['*', '?']) { "matches no action" } else { "is not an action" };
                let suggestion = catalog.suggest_action(prefix, name).filter(|_| !name.contains(['*', '?']));
                (
                    format!("`{}` {what} of `{prefix}` (catalog {})", pattern.value, catalog.label()),
                    suggestion.map(|a| format!("did you mean `{a}`?")),
                )
            }
        };
        let help = help.unwrap_or_else(|| "check the spelling in AWS's Service Authorization Reference".into());
        found.push(Diagnostic::new(&RULE, pattern.span, message).with_help(help));
    }
    for diagnostic in found {
        cx.report(diagnostic);
    }
}
