#!/usr/bin/env python3
"""Seeds a moto server with an AWS organisation for grantlint's organisation audit tests and
benchmark.

    seed_org.py ENDPOINT SHARED_DATA_DIR MEMBERS [OTHER_ROLES]

Creates an organisation whose management account is moto's default (123456789012), then
MEMBERS member accounts (Organizations CreateAccount), and in each, through the member role
(sts:AssumeRole of OrganizationAccountAccessRole, which moto creates with the account), and in
the management account too, DigiUsher's role as its CloudFormation template builds it (SHARED_DATA_DIR/digiusher-iac/) plus OTHER_ROLES
roles of the customer's own (default 2). The second member account's vendor role is edited by
hand: one write action added. One more account is created and then closed (SUSPENDED), so an audit
must skip it. Prints one JSON line: {"accounts": [member IDs, created order], "edited": ID,
"closed": ID}.
"""

import json
import os
import sys

import boto3

from seed import load, text, wait_until_ready

ROLE = "DigiUsher-ReadAccess"
MEMBER_ROLE = "OrganizationAccountAccessRole"
MANAGEMENT = "123456789012"


def client(service, endpoint, credentials=None):
    credentials = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", **credentials)


def main():
    endpoint, data, members = sys.argv[1], sys.argv[2], int(sys.argv[3])
    others = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    wait_until_ready(endpoint)
    org = client("organizations", endpoint)
    org.create_organization(FeatureSet="ALL")
    trust = load(data, "digiusher-iac", "aws-trust-policy.json")
    core = load(data, "digiusher-iac", "aws-core-permissions.json")
    cur = load(data, "digiusher-iac", "aws-s3-cur-access.json")
    sts = client("sts", endpoint)
    accounts = []
    for i in range(members + 1):
        status = org.create_account(Email=f"member{i}@example.com", AccountName=f"member-{i:03d}")
        accounts.append(status["CreateAccountStatus"]["AccountId"])
    closed = accounts.pop()
    org.close_account(AccountId=closed)
    for i, account in enumerate([MANAGEMENT] + accounts):
        if account == MANAGEMENT:
            iam = client("iam", endpoint)
        else:
            assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{MEMBER_ROLE}", RoleSessionName="seed")
            c = assumed["Credentials"]
            iam = client("iam", endpoint, {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            })
        policy = json.loads(json.dumps(core))
        if i == 2:
            compute = next(s for s in policy["Statement"] if s.get("Sid") == "DigiUsherComputePermissions")
            compute["Action"].append("ec2:StopInstances")
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=text(trust), MaxSessionDuration=3600,
                        Tags=[{"Key": "vendor", "Value": "DigiUsher"}])
        iam.put_role_policy(RoleName=ROLE, PolicyName="DigiUsherCorePermissions", PolicyDocument=text(policy))
        iam.put_role_policy(RoleName=ROLE, PolicyName="DigiUsherS3CURAccess", PolicyDocument=text(cur))
        for n in range(others):
            iam.create_role(RoleName=f"app-{n:03d}", AssumeRolePolicyDocument=text({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }))
    print(json.dumps({"accounts": accounts, "edited": accounts[1] if len(accounts) > 1 else None, "closed": closed}), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()
