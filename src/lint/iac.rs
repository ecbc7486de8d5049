//! Linting the policies of a Terraform or CloudFormation template through the OCI and AWS
//! pipelines, with every finding placed in the template and named by its policy.

use super::{FileResult, Options, Outcome, aws_diagnostics, lint_json, lint_oci};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::rules::aws::{
    syntax_error as aws_syntax, trust_missing_external_id, trust_weak_external_id, trust_wrong_principal,
    unknown_action,
};
use crate::rules::iac::{syntax_error, unresolved_reference};
use crate::rules::oci::{broad_subject, malformed_ocid, syntax_error as oci_syntax, unknown_resource_type};
use crate::rules::{Check, Context, RULES};
use crate::source::{LineIndex, SourceFile};
use crate::span::Span;
use crate::suppress;
use crate::syntax::aws;
use crate::syntax::iac::{Audience, Body, Embedded, JsonText, Open, cloudformation, delegates_to_account, terraform};
use crate::syntax::oci::ast::Domain;
use std::path::{Path, PathBuf};

/// The kinds of template grantlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavor {
    Terraform,
    CloudFormation,
}

/// Rules whose verdict on a value needs the value itself: how it is spelled (an ARN's shape, an
/// action's name, an OCID's shape), which account a principal is, which group an OCI grant goes
/// to, what an ExternalId is. A placeholder stands for a value given when the template is
/// deployed (a parameter without a default, a data source, a custom resource's output, a
/// compartment's `${var.…}` OCID), so their findings on one are not reported: IAC002 reports the
/// placeholder where a verdict depends on it, and an ExternalId entered at deploy time is the
/// right way to give each customer its own.
fn needs_the_value(code: &str) -> bool {
    [
        aws_syntax::RULE.code,
        unknown_action::RULE.code,
        oci_syntax::RULE.code,
        malformed_ocid::RULE.code,
        unknown_resource_type::RULE.code,
        broad_subject::RULE.code,
        trust_weak_external_id::RULE.code,
        trust_wrong_principal::RULE.code,
    ]
    .contains(&code)
}

pub(super) fn lint(flavor: Flavor, options: &Options, file: &mut FileResult) {
    let template = match flavor {
        Flavor::Terraform => {
            let siblings = module_files(&file.source.path);
            let texts: Vec<(&str, &str)> = siblings.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            let dir = directory(&file.source.path);
            let load = |relative: &str| std::fs::read_to_string(dir.join(relative)).ok();
            terraform::read_module(&file.source.text, &texts, &load)
        }
        Flavor::CloudFormation => match cloudformation::read(&file.source.text) {
            Some(template) => template,
            // Mentions `Resources` and `AWS::` but is no template: a policy file, perhaps.
            None if has_extension(&file.source, "json") || file.source.path == "-" => return lint_json(options, file),
            None => {
                file.outcome = Outcome::Skipped("not a policy: YAML, but not a CloudFormation template".into());
                return;
            }
        },
    };
    let empty = template.policies.is_empty()
        && template.errors.is_empty()
        && template.unresolved.is_empty()
        && template.managed.is_empty();
    if empty {
        file.outcome = Outcome::Skipped("a template with no policies".into());
        return;
    }
    let before = file.diagnostics.len();
    file.diagnostics.extend(template.errors.iter().cloned().map(syntax_error::diagnostic));
    // Whether a grant is the vendor's group or tenancy is judged only against a vendor profile.
    let open = template.unresolved.iter().filter(|u| u.open == Open::Any || options.profile.is_some());
    file.diagnostics.extend(open.map(unresolved_reference::diagnostic));
    let mut scopes = Vec::with_capacity(template.policies.len());
    for policy in &template.policies {
        scopes.push(policy.span);
        match &policy.body {
            Body::Oci(source) => {
                scopes.extend(source.statements.iter().map(|s| s.map.map(0, s.text.len())));
                let start = file.diagnostics.len();
                lint_oci(std::slice::from_ref(source), Domain::Any, options, file);
                // Statements a `formatlist` makes share the template text of their format: a
                // finding there is reported once, where the template writes it.
                let mut seen: Vec<(&str, Span, String)> = Vec::new();
                let mut index = start;
                while let Some(diagnostic) = file.diagnostics.get_mut(index) {
                    let key = (diagnostic.rule.code, diagnostic.span, diagnostic.message.clone());
                    if seen.contains(&key) {
                        file.diagnostics.remove(index);
                        continue;
                    }
                    seen.push(key);
                    diagnostic.unit = Some(policy.unit.clone());
                    index += 1;
                }
            }
            Body::Aws { kind, attachment, variants } => {
                let placeholder = |span| template.touches_placeholder(span);
                let found = aws_variants(variants, (*kind, *attachment), options, &placeholder);
                file.diagnostics.extend(named(for_audience(found, &policy.audience, options), &policy.unit));
            }
            Body::File { kind, attachment, path } => {
                let found = external(&file.source, policy, path, (*kind, *attachment), options);
                file.diagnostics.extend(named(for_audience(found, &policy.audience, options), &policy.unit));
            }
        }
    }
    let mut cx = Context::new(options.profile, options.accepted());
    for rule in RULES {
        if let Check::Iac(check) = rule.check {
            check(&template, &mut cx);
        }
    }
    for mut diagnostic in cx.into_diagnostics() {
        // A managed policy on roles only services or the account assume is not the vendor's grant.
        let on =
            template.managed.iter().find(|m| m.span == diagnostic.span && diagnostic.unit.as_ref() == Some(&m.unit));
        if let Some(Audience::Internal(who)) = on.map(|m| &m.audience) {
            not_the_vendors(&mut diagnostic, who, options);
        }
        file.diagnostics.push(diagnostic);
    }
    let text = &file.source.text;
    let mut index = before;
    while let Some(diagnostic) = file.diagnostics.get_mut(index) {
        // Where the finding is written decides whether it stands on a placeholder: before one
        // in another file is placed at the reference to that file.
        if needs_the_value(diagnostic.rule.code) && template.touches_placeholder(diagnostic.span) {
            match short_input(&template, diagnostic) {
                Some(message) => diagnostic.message = message,
                None => {
                    file.diagnostics.remove(index);
                    continue;
                }
            }
        }
        if let Some((call, place)) = template.rendered_at(diagnostic.span) {
            diagnostic.span = call;
            diagnostic.message.push_str(&place);
        }
        // Positions pass through two parsers and a map; whatever they say, a span stays in the text.
        diagnostic.span = within(text, diagnostic.span);
        if let Some(conditions) = template.conditions(diagnostic.span) {
            diagnostic.message = format!("{} (when {conditions})", diagnostic.message);
        }
        index += 1;
    }
    file.outcome = Outcome::Linted(template.policies.len());
    scopes.sort_by_key(|s| (s.start, s.end));
    file.suppressions = suppress::scope_directives(suppress::directives(&file.source.text), &scopes);
}

/// Findings on a policy of roles only AWS services or the account itself can assume: not the
/// vendor's grant, so they name the role and are warnings, unless the configuration's
/// `internal-roles` says otherwise. A policy that does not parse stays an error. The trust rules
/// judge how the vendor gets in (which principal, which ExternalId); such a role's trust policy
/// lets no vendor in, which is what makes it internal, so they have nothing to say about it.
fn for_audience(mut found: Vec<Diagnostic>, audience: &Audience, options: &Options) -> Vec<Diagnostic> {
    let Audience::Internal(who) = audience else { return found };
    let about_the_vendor =
        [trust_wrong_principal::RULE.code, trust_missing_external_id::RULE.code, trust_weak_external_id::RULE.code];
    found.retain(|d| !about_the_vendor.contains(&d.rule.code));
    for diagnostic in &mut found {
        not_the_vendors(diagnostic, who, options);
    }
    found
}

/// Names what a finding is about (`role X, which only lambda.amazonaws.com can assume`) and caps
/// it at the configured `internal-roles` severity (a warning by default).
fn not_the_vendors(diagnostic: &mut Diagnostic, who: &str, options: &Options) {
    if diagnostic.rule.code == aws_syntax::RULE.code {
        return;
    }
    let ceiling = options.config.and_then(|c| c.internal_roles).unwrap_or(Severity::Warning);
    if diagnostic.severity == Severity::Error {
        diagnostic.severity = ceiling;
    }
    diagnostic.message = format!("{} (on {who}, not the vendor's)", diagnostic.message);
}

/// What can be known about an ExternalId given at deploy time: the shortest value the template
/// lets through (`MinLength`, an `AllowedPattern` that asks for a length, a `length(…) >=`
/// validation), when that is under 16 characters.
fn short_input(template: &crate::syntax::iac::Template, diagnostic: &Diagnostic) -> Option<String> {
    if diagnostic.rule.code != trust_weak_external_id::RULE.code || !diagnostic.message.starts_with("ExternalId ") {
        return None;
    }
    let span = diagnostic.span;
    let input =
        template.inputs.iter().find(|i| i.span.start < span.end.max(span.start + 1) && span.start < i.span.end)?;
    let shortest = input.min_length.filter(|&min| min < trust_weak_external_id::MIN_STRONG_LEN)?;
    Some(format!(
        "ExternalId `{}` is given at deploy time, and the template lets it be as short as {shortest} characters, under 16",
        input.name
    ))
}

/// `span`, cut to the text and to character boundaries.
fn within(text: &str, span: Span) -> Span {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(span.start);
    Span::new(start, floor(span.end).max(start))
}

fn named(diagnostics: Vec<Diagnostic>, unit: &str) -> impl Iterator<Item = Diagnostic> + '_ {
    diagnostics.into_iter().map(move |mut d| {
        d.unit = Some(unit.to_string());
        d
    })
}

/// An AWS policy's findings over every combination of its conditions, placed in the template;
/// a rule's finding at one place is reported once, from the first combination that draws it.
/// An ExternalId guards against a vendor being tricked into assuming your role; whether a
/// principal given at deploy time (`placeholder`) is a vendor's is not known, so AWS008 is not
/// reported on it (IAC002 reports the principal where it decides who can assume the role).
fn aws_variants(
    variants: &[JsonText],
    (kind, attachment): (Option<aws::Kind>, aws::Attachment),
    options: &Options,
    placeholder: &dyn Fn(Span) -> bool,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for variant in variants {
        let before = out.len();
        let document = parse(&variant.text, kind, attachment);
        for mut diagnostic in aws_diagnostics(&document, options) {
            if diagnostic.rule.code == trust_missing_external_id::RULE.code
                && trusts_an_input(&document, diagnostic.span, &|s| placeholder(variant.map.map(s.start, s.end)))
            {
                continue;
            }
            if kind == Some(aws::Kind::Resource)
                && statement_at(&document, diagnostic.span).is_some_and(delegates_to_account)
            {
                not_the_vendors(
                    &mut diagnostic,
                    "a statement that lets this account's own IAM policies grant access",
                    options,
                );
            }
            diagnostic.span = variant.map.map(diagnostic.span.start, diagnostic.span.end);
            // The same rule at the same place in another combination says the same thing again.
            let seen = out
                .iter()
                .take(before)
                .any(|d| d.rule.code == diagnostic.rule.code && d.span == diagnostic.span)
                || out.iter().skip(before).any(|d| {
                    d.rule.code == diagnostic.rule.code && d.span == diagnostic.span && d.message == diagnostic.message
                });
            if !seen {
                out.push(diagnostic);
            }
        }
    }
    out
}

/// A policy of the template read as the kind the template gives it, attached as it says.
fn parse(text: &str, kind: Option<aws::Kind>, attachment: aws::Attachment) -> aws::Document<'_> {
    let mut document = aws::parse(text, kind);
    if let Some(policy) = &mut document.policy {
        policy.attachment = attachment;
    }
    document
}

/// Whether the statement holding `at` trusts a principal given at deploy time: one of its
/// principals, or the condition values that narrow a `*` principal, is a placeholder.
fn trusts_an_input(document: &aws::Document, at: Span, placeholder: &dyn Fn(Span) -> bool) -> bool {
    let Some(statement) = statement_at(document, at) else { return false };
    let principals = statement.principal.iter().flat_map(|p| &p.entries).map(|e| e.value.span);
    let narrowing = trust_wrong_principal::narrowing(statement).into_iter().map(|v| v.span);
    principals.chain(narrowing).any(placeholder)
}

/// The statement of a document that holds `at`.
fn statement_at<'d>(document: &'d aws::Document, at: Span) -> Option<&'d aws::Statement<'d>> {
    let policy = document.policy.as_ref()?;
    policy.statements.iter().find(|s| s.span.start <= at.start && at.end <= s.span.end)
}

/// A policy the template reads from another file (`file("trust.json")`): linted as the kind the
/// template gives it, each finding placed at the `file(…)` call and naming its line in the file.
fn external(
    template: &SourceFile,
    policy: &Embedded,
    path: &str,
    (kind, attachment): (Option<aws::Kind>, aws::Attachment),
    options: &Options,
) -> Vec<Diagnostic> {
    let full = directory(&template.path).join(path);
    let text = match std::fs::read_to_string(&full) {
        Ok(text) => text,
        Err(e) => {
            let unresolved = crate::syntax::iac::Unresolved {
                span: policy.span,
                message: format!("the policy file `{path}` cannot be read ({e}), so it is not checked"),
                unit: Some(policy.unit.clone()),
                open: Open::Any,
            };
            return vec![unresolved_reference::diagnostic(&unresolved)];
        }
    };
    let lines = LineIndex::new(&text);
    let document = parse(&text, kind, attachment);
    aws_diagnostics(&document, options)
        .into_iter()
        .map(|mut d| {
            let at = lines.position(&text, d.span.start);
            let shown = path.trim_start_matches("./");
            d.message = format!("{} (in {shown}:{}:{})", d.message, at.line, at.column);
            d.span = policy.span;
            d
        })
        .collect()
}

/// The directory a template's relative paths start from.
fn directory(path: &str) -> PathBuf {
    match Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() && path != "-" => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The other `.tf` files of a Terraform file's module (its directory), in name order. Files that
/// cannot be read are left out: their own check reports them. Each with its name.
fn module_files(path: &str) -> Vec<(String, String)> {
    if path == "-" {
        return Vec::new();
    }
    let own = Path::new(path).file_name();
    let Ok(entries) = std::fs::read_dir(directory(path)) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.file_name() != own && p.is_file())
        .collect();
    paths.sort();
    let name = |p: &Path| p.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
    paths.iter().filter_map(|p| Some((name(p), std::fs::read_to_string(p).ok()?))).collect()
}

fn has_extension(source: &SourceFile, ext: &str) -> bool {
    Path::new(&source.path).extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// How a file's name and content select a template reader.
pub(super) fn detect(source: &SourceFile) -> Option<Flavor> {
    if has_extension(source, "tf") {
        return Some(Flavor::Terraform);
    }
    // Standard input has no name; a template there is known by its content.
    let template_name =
        source.path == "-" || ["json", "yaml", "yml", "template"].iter().any(|e| has_extension(source, e));
    (template_name && cloudformation::sniff(&source.text)).then_some(Flavor::CloudFormation)
}

/// A template that is not UTF-8: one IAC001 finding at the first bad byte.
pub(super) fn not_utf8(offset: usize) -> Diagnostic {
    syntax_error::diagnostic(crate::syntax::oci::parser::SyntaxError {
        span: Span::new(offset, offset + char::REPLACEMENT_CHARACTER.len_utf8()),
        message: "the template is not UTF-8 text".into(),
        help: Some("save the file as UTF-8"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_source;

    /// Each finding of `text` linted as `path`: code, the template text it points at, unit.
    fn findings(path: &str, text: &str) -> Vec<(&'static str, String, Option<String>)> {
        let report = lint_source(SourceFile::new(path, text), &Options::default());
        report.diagnostics().map(|(s, d)| (d.rule.code, s.slice(d.span).to_string(), d.unit.clone())).collect()
    }

    #[test]
    fn findings_point_into_the_template() {
        let yaml = concat!(
            "Resources:\n",
            "  Role:\n",
            "    Type: AWS::IAM::Role\n",
            "    Properties:\n",
            "      Policies:\n",
            "        - PolicyName: reads\n",
            "          PolicyDocument:\n",
            "            Version: '2012-10-17'\n",
            "            Statement:\n",
            "              - Effect: Allow\n",
            "                Action: [\"s3:GetObject\", 's3:*']\n",
            "                Resource: !Sub 'arn:${AWS::Partition}:s3:::${Unnamed}/*'\n",
        );
        let unit = Some("Role.Policies[reads]".to_string());
        assert_eq!(
            findings("stack.yaml", yaml),
            [("AWS006", "s3:GetObject".into(), unit.clone()), ("AWS003", "s3:*".into(), unit),]
        );
        let tf = concat!(
            "variable \"verb\" {\n",
            "  default = \"Delete\"\n",
            "}\n",
            "resource \"aws_iam_policy\" \"p\" {\n",
            "  policy = jsonencode({\n",
            "    Version = \"2012-10-17\"\n",
            "    Statement = [{ Effect = \"Allow\", Action = \"s3:${var.verb}Bucket\", Resource = \"*\" }]\n",
            "  })\n",
            "}\n",
        );
        assert_eq!(
            findings("main.tf", tf),
            [("AWS002", "s3:${var.verb}Bucket".into(), Some("aws_iam_policy.p".to_string()))]
        );
    }

    #[test]
    fn an_external_id_given_at_deploy_time_is_right() {
        let template = |parameter: &str| {
            let head =
                format!("Parameters:\n  ExternalId: {parameter}\nResources:\n  Role:\n    Type: AWS::IAM::Role\n");
            let trust = concat!(
                "    Properties:\n",
                "      AssumeRolePolicyDocument:\n",
                "        Version: '2012-10-17'\n",
                "        Statement:\n",
                "          - Effect: Allow\n",
                "            Principal: {AWS: 'arn:aws:iam::058264546051:root'}\n",
                "            Action: sts:AssumeRole\n",
                "            Condition: {StringEquals: {'sts:ExternalId': !Ref ExternalId}}\n",
            );
            format!("{head}{trust}")
        };
        let codes = |text: &str| findings("stack.yaml", text).into_iter().map(|(code, ..)| code).collect::<Vec<_>>();
        assert_eq!(codes(&template("{Type: String}")), Vec::<&str>::new());
        assert_eq!(codes(&template("{Type: String, MinLength: 32}")), Vec::<&str>::new());
        // What the template does say about the input is judged.
        let short = findings("stack.yaml", &template("{Type: String, MinLength: 6}"));
        assert_eq!(short.iter().map(|(code, ..)| *code).collect::<Vec<_>>(), ["AWS009"]);
        // An AllowedPattern is judged like MinLength: the longer bound of the two holds.
        assert_eq!(codes(&template(r"{Type: String, AllowedPattern: '[A-Za-z0-9-]{16,}'}")), Vec::<&str>::new());
        let uuid = "'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'";
        assert_eq!(
            codes(&template(&format!("{{Type: String, MinLength: 6, AllowedPattern: {uuid}}}"))),
            Vec::<&str>::new()
        );
        let text = template(r"{Type: String, AllowedPattern: '[a-z]{8}'}");
        let report = lint_source(SourceFile::new("stack.yaml", &text), &Options::default());
        let eight: Vec<_> = report.diagnostics().map(|(_, d)| (d.rule.code, d.message.clone())).collect();
        let [(code, message)] = eight.as_slice() else { panic!("{eight:?}") };
        assert_eq!(*code, "AWS009");
        assert!(message.contains("as short as 8 characters"), "{message}");
        // A pattern that only names characters leaves MinLength's verdict, and says nothing alone.
        let chars = r"AllowedPattern: '[\w+=,.@:\/-]*'";
        assert_eq!(codes(&template(&format!("{{Type: String, MinLength: 6, {chars}}}"))), ["AWS009"]);
        assert_eq!(codes(&template(&format!("{{Type: String, {chars}}}"))), Vec::<&str>::new());
        assert_eq!(codes(&template("{Type: String, AllowedPattern: '.+'}")), Vec::<&str>::new());
        // A pattern outside the subset read is unknown, as an input without constraints.
        assert_eq!(codes(&template(r"{Type: String, AllowedPattern: '(a)\1{3}'}")), Vec::<&str>::new());
        // A literal default is what the role gets unless someone enters another: it is judged.
        assert_eq!(codes(&template("{Type: String, Default: abc}")), ["AWS009"]);
    }

    #[test]
    fn roles_only_services_assume_are_not_the_vendors() {
        let yaml = concat!(
            "Resources:\n",
            "  Fn:\n",
            "    Type: AWS::IAM::Role\n",
            "    Properties:\n",
            "      AssumeRolePolicyDocument:\n",
            "        Version: '2012-10-17'\n        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]\n",
            "      Policies:\n",
            "        - PolicyName: writes\n",
            "          PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:PutObject', Resource: '*'}]}\n",
        );
        let report = lint_source(SourceFile::new("stack.yaml", yaml), &Options::default());
        let found: Vec<(&str, Severity, String)> =
            report.diagnostics().map(|(_, d)| (d.rule.code, d.severity, d.message.clone())).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        let (code, severity, message) = &found[0];
        assert_eq!((*code, *severity), ("AWS002", Severity::Warning));
        assert!(
            message.ends_with("(on role Fn, which only lambda.amazonaws.com can assume, not the vendor's)"),
            "{message}"
        );
        let config = crate::config::Config { internal_roles: Some(Severity::Error), ..Default::default() };
        let options = Options { config: Some(&config), ..Options::default() };
        let report = lint_source(SourceFile::new("stack.yaml", yaml), &options);
        assert!(report.diagnostics().all(|(_, d)| d.severity == Severity::Error));
        // With a vendor profile, the Lambda's trust policy is still not judged as the vendor's:
        // it trusts no vendor, and that is what makes the role internal.
        let profile = crate::profile::Profile::load("digiusher").expect("the built-in profile");
        let options = Options { profile: Some(&profile), ..Options::default() };
        let report = lint_source(SourceFile::new("stack.yaml", yaml), &options);
        let codes: Vec<&str> = report.diagnostics().map(|(_, d)| d.rule.code).collect();
        assert_eq!(codes, ["AWS002"]);
    }

    #[test]
    fn an_oci_subject_given_at_deploy_time_matters_only_to_a_profile() {
        let tf = concat!(
            "variable \"group\" {}\n",
            "variable \"compartment\" {}\n",
            "resource \"oci_identity_policy\" \"p\" {\n",
            "  statements = [\"Allow group ${var.group} to read metrics in compartment id ${var.compartment}\"]\n",
            "}\n",
        );
        let iac002 = |options: &Options| {
            let report = lint_source(SourceFile::new("main.tf", tf), options);
            report
                .diagnostics()
                .filter(|(_, d)| d.rule.code == unresolved_reference::RULE.code)
                .map(|(s, d)| s.slice(d.span).to_string())
                .collect::<Vec<_>>()
        };
        // The compartment is where the grant applies: no verdict hangs on it, with a profile or not.
        assert_eq!(iac002(&Options::default()), Vec::<String>::new());
        let profile = crate::profile::Profile::load("digiusher").expect("the built-in profile");
        let options = Options { profile: Some(&profile), ..Options::default() };
        assert_eq!(iac002(&options), ["${var.group}"]);
    }

    #[test]
    fn suppressions_cover_the_policy_below() {
        let yaml = concat!(
            "Resources:\n",
            "  Role:\n",
            "    Type: AWS::IAM::Role\n",
            "    Properties:\n",
            "      # grantlint: ignore[AWS003] the vendor reviewed this\n",
            "      Policies:\n",
            "        - PolicyName: all\n",
            "          PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}\n",
        );
        assert_eq!(findings("stack.yaml", yaml), []);
    }

    /// Every fixture template, cut short and damaged with text that breaks lexers: never a
    /// panic, and every span slices the text.
    #[test]
    fn damaged_templates_never_panic() {
        const TRICKY: &[&str] = &[
            "\"", "'", "{", "}", "[", "]", "${", "%{", "!Ref ", "*alias", "&a ", "<<EOF\n", "\\", "é", "\n", "\t", ":",
            "#", "!If [", "Fn::Sub",
        ];
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/iac");
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.expect("a readable fixture directory");
            let path = entry.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let Ok(text) = std::fs::read_to_string(path) else { continue };
            if !entry.file_type().is_file() || detect(&SourceFile::new(name.as_str(), text.as_str())).is_none() {
                continue;
            }
            let step = (text.len() / 60).max(1);
            let mut mutants: Vec<String> =
                (0..text.len()).step_by(step).filter_map(|cut| text.get(..cut)).map(str::to_string).collect();
            for (i, at) in (0..text.len()).step_by(step).enumerate() {
                if let (Some(head), Some(tail)) = (text.get(..at), text.get(at..)) {
                    mutants.push(format!("{head}{}{tail}", TRICKY[i % TRICKY.len()]));
                }
            }
            for mutant in mutants {
                let report = lint_source(SourceFile::new(name.as_str(), mutant.as_str()), &Options::default());
                for (source, d) in report.diagnostics() {
                    let text = &source.text;
                    assert!(
                        d.span.start <= d.span.end
                            && d.span.end <= text.len()
                            && text.is_char_boundary(d.span.start)
                            && text.is_char_boundary(d.span.end),
                        "{name}: {} {:?} outside the text: {mutant:?}",
                        d.rule.code,
                        d.span
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} mutants");
    }

    #[test]
    fn templates_are_recognised_by_name_and_content() {
        let source = |path: &str, text: &str| SourceFile::new(path, text);
        assert_eq!(detect(&source("main.tf", "")), Some(Flavor::Terraform));
        let cfn = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";
        assert_eq!(detect(&source("stack.yaml", cfn)), Some(Flavor::CloudFormation));
        assert_eq!(detect(&source("stack.template", cfn)), Some(Flavor::CloudFormation));
        let json = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role"}}}"#;
        assert_eq!(detect(&source("stack.json", json)), Some(Flavor::CloudFormation));
        assert_eq!(detect(&source("policy.json", r#"{"Statement": []}"#)), None);
        assert_eq!(detect(&source("ci.yml", "on: push\njobs: {}\n")), None);
        assert_eq!(detect(&source("notes.txt", cfn)), None);
        assert_eq!(detect(&source("-", cfn)), Some(Flavor::CloudFormation));
    }

    #[test]
    fn relative_paths_start_at_the_template() {
        assert_eq!(directory("infra/main.tf"), PathBuf::from("infra"));
        assert_eq!(directory("main.tf"), PathBuf::from("."));
        assert_eq!(directory("-"), PathBuf::from("."));
    }
}
