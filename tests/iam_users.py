"""IAM users on a moto server that enforces IAM, each holding one generated policy.

moto enforces a policy's actions but not its resources (for DynamoDB it
authorises every request against the resource "*"), so a user gets the
generated actions on "*"; the scoping to the declared tables is checked
separately, by a policy evaluator (tests/loaders/deploy/test_iam.py). For
CloudWatch moto checks `monitoring:` actions and cannot evaluate the
namespace condition (`_on_moto`).
"""

from __future__ import annotations

import json

import boto3

from loaders.deploy.iam import policy
from loaders.dynamodb.client import FAKE_CREDENTIALS
from tests.sample import TABLES

# The requests that make one user (user, policy, attachment, key): moto lets the first
# INITIAL_NO_AUTH_ACTION_COUNT requests through unauthorised, then checks every one.
REQUESTS_PER_USER = 4


def _on_moto(statement: dict) -> dict:
    """moto names CloudWatch's actions by its endpoint, `monitoring:` (AWS's IAM prefix is `cloudwatch:`), and
    supplies no `cloudwatch:namespace` to a condition; the statement keeps its actions under both names and
    loses that condition, which the policy evaluator checks instead (tests/loaders/deploy/test_iam.py)."""
    cloudwatch = [a for a in statement["Action"] if a.startswith("cloudwatch:")]
    if not cloudwatch:
        return {**statement, "Resource": "*"}
    moto = {k: v for k, v in statement.items() if k != "Condition"}
    return {
        **moto,
        "Action": statement["Action"] + [a.replace("cloudwatch:", "monitoring:", 1) for a in cloudwatch],
        "Resource": "*",
    }


def on_moto(document: dict) -> dict:
    return {**document, "Statement": [_on_moto(s) for s in document["Statement"]]}


def make_users(
    endpoint_url: str,
    roles: tuple[str, ...],
    prefix: str,
    region: str,
    account: str,
    staging: tuple[str, str] | None = None,
) -> dict[str, dict]:
    """One user per role holding only that role's policy (with the import's rights on `staging`, if given);
    {role: its access key (AccessKeyId, SecretAccessKey)}."""
    iam = boto3.client("iam", endpoint_url=endpoint_url, region_name=region, **FAKE_CREDENTIALS)
    keys = {}
    for role in roles:
        iam.create_user(UserName=role)
        document = json.dumps(on_moto(policy(role, prefix, region, account, TABLES, staging=staging)))
        policy_arn = iam.create_policy(PolicyName=role, PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_user_policy(UserName=role, PolicyArn=policy_arn)
        keys[role] = iam.create_access_key(UserName=role)["AccessKey"]
    return keys
