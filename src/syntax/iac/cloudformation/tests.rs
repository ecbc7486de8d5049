use super::*;
use crate::syntax::iac::Body;
use crate::syntax::iac::testing::{self, origin, policy, variants};

#[test]
fn finds_every_policy_of_the_digiusher_shape() {
    let source = include_str!("../../../../fixtures/iac/cloudformation/digiusher/DigiUsher.yaml");
    let template = read(source).unwrap();
    let units: Vec<&str> = template.policies.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(
        units,
        [
            "DigiusherIAMRole.AssumeRolePolicyDocument",
            "DigiusherIAMRole.Policies[DigiUsherCorePermissions]",
            "DigiusherIAMRole.Policies[DigiUsherS3CURAccess]",
            "DigiusherIAMRole.Policies[DigiUsherEC2StartStopPolicy]",
            "DigiusherIAMRole.Policies[DigiUsherCommitmentPurchasePolicy]",
            "DigiusherIAMRole.Policies[DigiUsherTagManagementPolicy]",
            "DigiusherIAMRole.Policies[DigiUsherAutomationPolicy]",
            "DigiusherS3BucketPolicy (bucket DigiusherS3Bucket)",
        ]
    );
    assert!(template.errors.is_empty() && template.unresolved.is_empty(), "{template:?}");
    let trust = policy(&template, "DigiusherIAMRole.AssumeRolePolicyDocument");
    assert!(matches!(trust.body, Body::Aws { kind: Some(Kind::Trust), .. }));
    // The ExternalId is the parameter's default, found at the `!Ref`.
    assert_eq!(origin(source, trust, "11111111-2222-4333-8444-555555555555"), "!Ref ExternalId");
    let bucket = policy(&template, "DigiusherS3BucketPolicy (bucket DigiusherS3Bucket)");
    assert!(variants(bucket)[0].text.contains("\"arn:aws:s3:::my-org-digiusher-cur/*\""));
}

#[test]
fn findings_inside_a_sub_string_map_into_it() {
    let source = concat!(
        "Parameters:\n",
        "  Bucket: {Type: String, Default: cur}\n",
        "Resources:\n",
        "  P:\n",
        "    Type: AWS::IAM::ManagedPolicy\n",
        "    Properties:\n",
        "      PolicyDocument:\n",
        "        Statement:\n",
        "          - Effect: Allow\n",
        "            Action: s3:GetObject\n",
        "            Resource: !Sub \"arn:${AWS::Partition}:s3:::${Bucket}/reports/*\"\n",
    );
    let template = read(source).unwrap();
    let p = policy(&template, "P");
    assert_eq!(origin(source, p, "/reports/*"), "/reports/*");
    assert_eq!(origin(source, p, "arn:aws:s3:::cur/reports/*"), "arn:${AWS::Partition}:s3:::${Bucket}/reports/*");
    assert_eq!(origin(source, p, "cur/"), "${Bucket}/");
    assert_eq!(origin(source, p, "s3:GetObject"), "s3:GetObject");
}

#[test]
fn findings_inside_an_alias_point_at_the_anchor() {
    let source = include_str!("../../../../fixtures/iac/cloudformation/anchors/stack.yaml");
    let template = read(source).unwrap();
    let audit = policy(&template, "AuditorRole.Policies[Audit]");
    let anchor = source.find("lambda:GetFunction").unwrap();
    let json = &variants(audit)[0];
    let at = json.text.find("lambda:GetFunction").unwrap();
    assert_eq!(json.map.map(at, at + 18), Span::new(anchor, anchor + 18));
    // The merge key keeps the anchor's entries the merging mapping does not set.
    let compact = json.text.replace('\n', "");
    assert!(compact.contains(r#""Sid":"Logs","Action":"logs:GetLogEvents","Effect":"Allow""#), "{compact}");
}

#[test]
fn conditions_are_linted_both_ways_and_named() {
    let source = concat!(
        "Resources:\n",
        "  R:\n",
        "    Type: AWS::IAM::Role\n",
        "    Condition: Wanted\n",
        "    Properties:\n",
        "      Policies:\n",
        "        - !If\n",
        "          - Extra\n",
        "          - PolicyName: extra\n",
        "            PolicyDocument: {Statement: [{Effect: Allow, Action: !If [Wide, 's3:*', 's3:List*'], Resource: '*'}]}\n",
        "          - !Ref AWS::NoValue\n",
    );
    let template = read(source).unwrap();
    let extra = policy(&template, "R.Policies[extra]");
    let texts: Vec<&str> = variants(extra).iter().map(|v| v.text.trim_start()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("\"s3:*\"")) && texts.iter().any(|t| t.contains("\"s3:List*\"")));
    let wide = source.find("'s3:*'").unwrap() + 1;
    assert_eq!(template.conditions(Span::new(wide, wide + 4)).as_deref(), Some("Wanted and Extra and Wide"));
    let narrow = source.find("'s3:List*'").unwrap() + 1;
    assert_eq!(template.conditions(Span::new(narrow, narrow + 8)).as_deref(), Some("Wanted and Extra and not Wide"));
}

#[test]
fn json_templates_use_the_long_forms() {
    let source = include_str!("../../../../fixtures/iac/cloudformation/json-form/stack.json");
    let template = read(source).unwrap();
    let trust = policy(&template, "VendorRole.AssumeRolePolicyDocument");
    assert_eq!(origin(source, trust, "058264546051"), "${VendorAccount}");
    assert_eq!(origin(source, trust, "a1b2c3d4-e5f6-4711-8899-aabbccddeeff"), r#"{"Ref": "ExternalId"}"#);
    policy(&template, "VendorManagedPolicy (attached to VendorRole)");
    policy(&template, "VendorPolicy (attached to VendorRole)");
    let arns: Vec<&str> = template.managed.iter().map(|m| m.arn.as_str()).collect();
    assert_eq!(arns, ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
}

#[test]
fn unknown_values_stay_placeholders() {
    let source = include_str!("../../../../fixtures/iac/cloudformation/unresolved/stack.yaml");
    let template = read(source).unwrap();
    let trust = policy(&template, "VendorRole.AssumeRolePolicyDocument");
    assert!(variants(trust)[0].text.contains(r#""sts:ExternalId":"${ExternalId}""#));
    assert!(variants(trust)[0].text.contains(r#""AWS":"arn:aws:iam::${VendorAccount}:root""#));
    // The principal and the actions decide verdicts; the ExternalId (an input, rightly) and the
    // resource do not, and are not reported.
    let messages: Vec<&str> = template.unresolved.iter().map(|u| u.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "parameter `VendorAccount` has no Default: its value is given when the stack is deployed, so grantlint cannot tell who can assume the role",
            "`ReadActions` is not a parameter, resource or pseudo parameter of this template, so grantlint cannot tell which actions the statement allows",
        ]
    );
    assert!(template.unresolved.iter().all(|u| u.unit.is_some()));
    assert_eq!(template.placeholders.len(), 4);
}

#[test]
fn intrinsics_evaluate() {
    let source = include_str!("../../../../fixtures/iac/cloudformation/intrinsics/stack.yaml");
    let template = read(source).unwrap();
    let trust = policy(&template, "Role.AssumeRolePolicyDocument");
    assert!(variants(trust)[0].text.contains(r#""AWS":"arn:aws:iam::058264546051:root""#));
    let reads = policy(&template, "Role.Policies[prod-reads]");
    let text = &variants(reads)[0].text;
    for resource in [
        "\"arn:aws:s3:::cur-reports\"",
        "\"arn:aws:s3:::cur-reports/*\"",
        "\"arn:aws:s3:::cur-archive/${aws:username}/*\"",
        "\"${Unnamed.Arn}/*\"",
    ] {
        assert!(text.contains(resource), "{resource} in {text}");
    }
    // Ten nested conditions on one key: eleven ways to decide them, all linted.
    assert_eq!(variants(reads).len(), 2);
    assert!(template.unresolved.iter().all(|u| u.message.contains("ImportValue")), "{:?}", template.unresolved);
}

#[test]
fn malformed_templates_are_errors_not_panics() {
    for bad in [
        "Resources: [1, 2]",
        "AWSTemplateFormatVersion: x\nResources:\n  R: {Type: AWS::IAM::Role, Properties: {Policies: !If [C]}}",
        "Resources:\n  R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: !Sub [1, 2, 3]}}",
        "Resources:\n  R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: [{Action: !GetAtt [A]}]}}}",
        "Resources:\n  R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {? [a]: b}}}",
        "Resources: {R: {Type: AWS::IAM::Role, Properties: {Policies: [{PolicyName: !Join [x], PolicyDocument: 1}]}}}",
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {ManagedPolicyArns: !Ref Arns}\n",
        "Resources: {R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: !FindInMap [M, !Ref X, Y]}}}",
        "Resources: {R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {S: !Select [9, [a]]}}}}",
        "Resources: {R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {S: !Split [',', !Ref AWS::Region]}}}}",
        // A bucket named after itself: the reference cycle is cut, not followed forever.
        "Resources: {B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '${B}-x'}}, P: {Type: AWS::S3::BucketPolicy, Properties: {PolicyDocument: {R: !GetAtt B.Arn}}}}",
    ] {
        let template = read(bad).unwrap_or_default();
        assert!(
            !template.errors.is_empty() || !template.unresolved.is_empty() || !template.policies.is_empty(),
            "{bad}: {template:?}"
        );
    }
    assert!(read("a: b").is_none(), "not a template");
    assert_eq!(read("Resources: {").unwrap().errors.len(), 1);
}

#[test]
fn plain_scalars_convert_as_cloudformation_does() {
    let text = |s: &str| Text::anchored(s, Span::default());
    for literal in ["true", "false", "null", "", "~", "0", "12", "-1.5e3"] {
        assert!(matches!(plain(&text(literal)), Value::Literal(_)), "{literal}");
    }
    for string in ["058264546051", "2012-10-17", "yes", "True", "1.", "1e", "s3:GetObject"] {
        assert!(matches!(plain(&text(string)), Value::Str(_)), "{string}");
    }
}

#[test]
fn each_form_says_how_its_policy_is_attached() {
    let source = include_str!("../../../../fixtures/iac/cloudformation/size-quotas/stack.yaml");
    let template = read(source).unwrap();
    let attachment = |unit: &str| testing::attachment(policy(&template, unit));
    let inline = Attachment::Inline;
    assert_eq!(attachment("ReaderRole.Policies[within-the-role-quota]"), inline(Holder::Role));
    assert_eq!(attachment("ArchiverPolicy (on ArchiverRole)"), inline(Holder::Role));
    assert_eq!(attachment("ExportUser.Policies[over-the-user-quota]"), inline(Holder::User));
    // On a role and a user: the user's quota is the tighter.
    assert_eq!(attachment("SharedPolicy (attached to ArchiverRole, ExportUser)"), inline(Holder::User));
    assert_eq!(attachment("ArchiveManagedPolicy (attached to ReaderRole)"), Attachment::Managed);
}
