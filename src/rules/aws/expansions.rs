//! Each action pattern of a policy looked up in the catalog once, for every rule that judges
//! actions (AWS002, AWS005, AWS006): a managed-policy corpus holds hundreds of thousands of
//! action names, and each lookup is a few cache misses into a 22,000-action catalog.

use super::is_full_wildcard;
use crate::catalog::aws::{Action, AwsCatalog, Expansion};
use crate::syntax::aws::{Policy, Statement, Str};

/// What every action pattern of one policy names, in document order.
pub struct Expansions {
    resolved: Vec<Resolved>,
}

/// What one action pattern names in the catalog.
pub enum Resolved {
    /// The part before `:` is no service the catalog knows.
    UnknownPrefix,
    /// `*` or a whole service (`s3:*`): AWS003's business, so it is not expanded.
    Everything,
    /// The actions the pattern names, in catalog order; none when it matches nothing.
    Actions(Found),
}

/// Matching actions, without an allocation for the usual case of an exact name.
pub enum Found {
    One(&'static Action),
    Many(Vec<&'static Action>),
}

impl Found {
    pub fn as_slice(&self) -> &[&'static Action] {
        match self {
            Found::One(action) => std::slice::from_ref(action),
            Found::Many(actions) => actions,
        }
    }
}

impl Expansions {
    pub fn new(policy: &Policy, catalog: &'static AwsCatalog) -> Self {
        let resolved = policy.statements.iter().flat_map(patterns).map(|p| resolve(catalog, p.as_str())).collect();
        Self { resolved }
    }

    /// Every action pattern of `policy` (`Action` and `NotAction`, Allow and Deny) with its
    /// statement and what it names. `policy` must be the one the expansions were made from.
    pub fn patterns<'e, 'a, 't>(
        &'e self,
        policy: &'a Policy<'t>,
    ) -> impl Iterator<Item = (&'a Statement<'t>, &'a Str<'t>, &'e Resolved)> {
        let pairs = policy.statements.iter().flat_map(|s| patterns(s).map(move |p| (s, p)));
        pairs.zip(&self.resolved).map(|((statement, pattern), resolved)| (statement, pattern, resolved))
    }
}

fn patterns<'a, 't>(statement: &'a Statement<'t>) -> impl Iterator<Item = &'a Str<'t>> {
    statement.action.iter().flat_map(|a| &a.values)
}

fn resolve(catalog: &'static AwsCatalog, pattern: &str) -> Resolved {
    let Expansion::Actions(mut matches) = catalog.expand(pattern) else { return Resolved::UnknownPrefix };
    if is_full_wildcard(pattern) {
        return Resolved::Everything;
    }
    if pattern.contains(['*', '?']) {
        return Resolved::Actions(Found::Many(matches.collect()));
    }
    Resolved::Actions(matches.next().map_or(Found::Many(Vec::new()), Found::One))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::aws::parse;

    #[test]
    fn every_pattern_is_resolved_in_document_order() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*", "s3:*", "*"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["nope:Thing", "s3:NoSuchAction"], "Resource": "*"}]}"#;
        let policy = parse(text, None).policy.unwrap();
        let expansions = Expansions::new(&policy, AwsCatalog::get());
        let seen: Vec<(String, String)> = expansions
            .patterns(&policy)
            .map(|(_, pattern, resolved)| {
                let what = match resolved {
                    Resolved::UnknownPrefix => "unknown prefix".to_string(),
                    Resolved::Everything => "everything".to_string(),
                    Resolved::Actions(found) => format!("{} actions", found.as_slice().len()),
                };
                (pattern.value.to_string(), what)
            })
            .collect();
        let describe = seen[1].1.split(' ').next().unwrap().parse::<usize>().unwrap();
        assert!(describe > 100, "ec2:Describe* names the Describe actions: {describe}");
        let expected = [
            ("s3:GetObject", "1 actions"),
            ("s3:*", "everything"),
            ("*", "everything"),
            ("nope:Thing", "unknown prefix"),
            ("s3:NoSuchAction", "0 actions"),
        ];
        let without_describe: Vec<(&str, &str)> =
            seen.iter().filter(|(p, _)| p != "ec2:Describe*").map(|(p, w)| (p.as_str(), w.as_str())).collect();
        assert_eq!(without_describe, expected);
    }
}
