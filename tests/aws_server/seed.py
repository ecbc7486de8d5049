#!/usr/bin/env python3
"""Seeds a moto IAM server with the account grantlint's `audit aws` tests audit.

    seed.py ENDPOINT SHARED_DATA_DIR

Waits for the server at ENDPOINT (moto_server, started by the tests) to answer, then creates,
through the IAM API with boto3, DigiUsher's role as its CloudFormation template builds it (the
trust policy and inline policies of SHARED_DATA_DIR/digiusher-iac/), broken variants of it, the
legacy onboarding's IAM user with an access key and a console password
(SHARED_DATA_DIR/onboarding-guides/), and roles of the customer's own that trust no vendor.

Every role is its own scenario, so one server serves every test: an audit names the role (or
user) it looks at. Prints `seeded` when done.
"""

import json
import os
import sys
import time
import urllib.request

import boto3

VENDOR = "058264546051"
EXTERNAL_ID = "11111111-2222-4333-8444-555555555555"
READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def wait_until_ready(endpoint, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"moto did not answer at {endpoint} within {seconds} s")
            time.sleep(0.1)


def load(data, *path):
    with open(os.path.join(data, *path), encoding="utf-8") as f:
        return json.load(f)


def text(document):
    return json.dumps(document, indent=2)


def main():
    endpoint, data = sys.argv[1], sys.argv[2]
    wait_until_ready(endpoint)
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    iam.create_account_alias(AccountAlias="acme")
    trust = load(data, "digiusher-iac", "aws-trust-policy.json")
    core = load(data, "digiusher-iac", "aws-core-permissions.json")
    cur = load(data, "digiusher-iac", "aws-s3-cur-access.json")

    def role(name, trust_policy, inline, managed=(), tags=()):
        iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=text(trust_policy),
            Description=f"{name} (grantlint test)",
            MaxSessionDuration=3600,
            Tags=[{"Key": k, "Value": v} for k, v in tags],
        )
        for policy_name, document in inline:
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=text(document))
        for arn in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)

    def digiusher(name, trust_policy=trust, core_policy=core, managed=(), extra_inline=()):
        inline = [("DigiUsherCorePermissions", core_policy), ("DigiUsherS3CURAccess", cur), *extra_inline]
        role(name, trust_policy, inline, managed, tags=[("vendor", "DigiUsher")])

    def changed(document, change):
        copy = json.loads(json.dumps(document))
        change(copy)
        return copy

    def principal(account):
        return lambda t: t["Statement"][0].update(Principal={"AWS": f"arn:aws:iam::{account}:root"})

    def statement(document, sid):
        return next(s for s in document["Statement"] if s.get("Sid") == sid)

    # As DigiUsher's CloudFormation template creates it.
    digiusher("DigiUsher-ReadAccess")
    # Trusts an account that is not DigiUsher's.
    digiusher("DigiUsher-WrongAccount", trust_policy=changed(trust, principal("999988887777")))
    # The trust policy without its ExternalId condition.
    digiusher("DigiUsher-NoExternalId", trust_policy=changed(trust, lambda t: t["Statement"][0].pop("Condition")))
    # One write action added to the compute statement.
    extra_write = changed(
        core, lambda c: statement(c, "DigiUsherComputePermissions")["Action"].append("ec2:StopInstances")
    )
    digiusher("DigiUsher-ExtraWrite", core_policy=extra_write)
    # AWS's ReadOnlyAccess attached beside the inline policies.
    digiusher("DigiUsher-ReadOnlyAccess", managed=[READ_ONLY_ACCESS])

    # Edited by hand after onboarding: an action removed, a statement added, the CUR policy gone.
    def drift(c):
        statement(c, "DigiUsherCostAndBillingPermissions")["Action"].remove("pricing:GetProducts")
        c["Statement"].append(
            {"Sid": "SupportDebugging", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
        )

    role(
        "DigiUsher-Drifted",
        trust,
        [("DigiUsherCorePermissions", changed(core, drift))],
        tags=[("vendor", "DigiUsher")],
    )
    # The inline policies filling 95 % of a role's 10,240-character quota: a third policy
    # listing the customer's 85 CUR archive buckets.
    archives = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DigiUsherCURArchives",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": [f"arn:aws:s3:::my-org-digiusher-cur-archive-{i:03d}" for i in range(85)],
            }
        ],
    }
    digiusher("DigiUsher-NearQuota", extra_inline=[("DigiUsherCURArchives", archives)])

    # The customer's own roles, which trust no vendor.
    role(
        "ci-deployer",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
            ],
        },
        [("deploy", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})],
    )
    role(
        "ec2-app",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        },
        [],
        managed=[READ_ONLY_ACCESS],
    )

    # The legacy onboarding: an IAM user with an access key, its two policies from the guide, and
    # (against the guide) a console password.
    guides = os.path.join(data, "onboarding-guides")
    iam.create_user(UserName="digiusher", Tags=[{"Key": "vendor", "Value": "DigiUsher"}])
    for policy_name, file in [
        ("DigiUsherRead", "aws-legacy-root-user-read-policy.json"),
        ("DigiUsherDiscover", "aws-legacy-root-user-discover-policy.json"),
    ]:
        with open(os.path.join(guides, file), encoding="utf-8") as f:
            iam.put_user_policy(UserName="digiusher", PolicyName=policy_name, PolicyDocument=f.read())
    iam.create_access_key(UserName="digiusher")
    iam.create_login_profile(UserName="digiusher", Password="Grantlint-Test-Password-1")

    # Two of everything a list call returns, for the paging test (the proxy pages one at a time):
    # a role and a user of the customer's own, trusting no vendor.
    two_statements = [
        ("first", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}),
        ("second", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"}]}),
    ]
    two_managed = [READ_ONLY_ACCESS, "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]
    role("paging-role", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }, two_statements, managed=two_managed)
    iam.create_user(UserName="paging-user")
    for policy_name, document in two_statements:
        iam.put_user_policy(UserName="paging-user", PolicyName=policy_name, PolicyDocument=text(document))
    for arn in two_managed:
        iam.attach_user_policy(UserName="paging-user", PolicyArn=arn)
    iam.create_access_key(UserName="paging-user")
    iam.create_access_key(UserName="paging-user")
    print("seeded", flush=True)


if __name__ == "__main__":
    main()
