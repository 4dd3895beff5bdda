"""boto3 DynamoDB clients: for an endpoint URL (a local or compatible server) or for AWS itself."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from loaders.dynamodb.endpoint import parse_endpoint
from loaders.dynamodb.stop import stops_when_asked
from loaders.errors import ClientSetupError, WriteRefused

DEFAULT_REGION = "us-east-1"
# What moto and DynamoDB Local accept; never a real key, so nothing real goes to a local server.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
DEFAULT_WORKERS = 8
# Tries in all per request, the first included: botocore's legacy mode gave DynamoDB 10, standard mode gives
# every service 3; a bulk load meets throttling often enough to want more than 3.
DEFAULT_MAX_ATTEMPTS = 8


def configured_region(session: boto3.Session) -> str | None:
    """The session's region (AWS_DEFAULT_REGION, the profile), else AWS_REGION as the other SDKs and CLI v2 read it."""
    return session.region_name or os.environ.get("AWS_REGION") or None


def client_config(
    workers: int = DEFAULT_WORKERS, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, local: bool = False
) -> Config:
    """Standard retries, `max_attempts` tries in all (botocore backs off throttling and transient errors itself),
    and a connection pool for every worker.

    A local endpoint gets short timeouts and no proxy (a proxy from the
    environment must never see requests meant for 127.0.0.1).
    """
    return Config(
        # total_max_attempts counts the first try; botocore's own `max_attempts` would count only retries.
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        # One connection per worker plus room for the waits and describes of the main thread.
        max_pool_connections=workers + 4,
        connect_timeout=5 if local else 10,
        read_timeout=30 if local else 60,
        proxies={} if local else None,
    )


def profile_session(profile: str | None = None) -> boto3.Session:
    """A boto3 session for the named profile of ~/.aws/config and ~/.aws/credentials (None: the default chain)."""
    try:
        return boto3.Session(profile_name=profile)
    except ProfileNotFound:
        raise ClientSetupError(
            f"no AWS profile named {profile!r}: add it to ~/.aws/credentials or ~/.aws/config "
            "(or the files AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE name), or drop --aws-profile"
        ) from None


def endpoint_client(
    endpoint_url: str,
    *,
    workers: int = DEFAULT_WORKERS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    profile: str | None = None,
    service: str = "dynamodb",
    config: Config | None = None,
):
    """A client for a DynamoDB-compatible endpoint (or, with `service`, another service on it: moto serves S3 too).

    A loopback endpoint gets the fake credentials `testing` unless a profile
    is named: real credentials are never sent to a local server by accident,
    only when asked (a local server that enforces IAM, say). Another endpoint
    uses the profile, or the standard credential chain, when it finds
    credentials, else the fake ones. The region is the configured one, or
    us-east-1. `config` is merged over the defaults.
    """
    session = profile_session(profile)
    endpoint = parse_endpoint(endpoint_url)
    local = endpoint.is_loopback
    chosen = profile is not None or not local
    credentials = {} if chosen and session.get_credentials() is not None else FAKE_CREDENTIALS
    defaults = client_config(workers, max_attempts=max_attempts, local=local)
    return stops_when_asked(
        session.client(
            service,
            endpoint_url=endpoint.url,
            region_name=configured_region(session) or DEFAULT_REGION,
            config=defaults.merge(config) if config else defaults,
            **credentials,
        )
    )


def aws_client(
    *,
    workers: int = DEFAULT_WORKERS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    profile: str | None = None,
    config: Config | None = None,
    service: str = "dynamodb",
):
    """A client for AWS DynamoDB through the named profile, or the standard credential chain, and region settings;
    `config` is merged over the defaults."""
    session = profile_session(profile)
    region = configured_region(session)
    if region is None:
        raise ClientSetupError(
            "no AWS region is configured for --aws. Set AWS_REGION (or AWS_DEFAULT_REGION), "
            "or a region in the profile of ~/.aws/config."
        )
    if session.get_credentials() is None:
        raise ClientSetupError(
            "no AWS credentials found for --aws. Configure them as for the AWS CLI "
            "(environment, ~/.aws/credentials, SSO, or an instance role)."
        )
    defaults = client_config(workers, max_attempts=max_attempts)
    return stops_when_asked(
        session.client(service, region_name=region, config=defaults.merge(config) if config else defaults)
    )


def make_client(
    endpoint_url: str | None = None,
    *,
    aws: bool = False,
    workers: int = DEFAULT_WORKERS,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    profile: str | None = None,
    config: Config | None = None,
):
    """`endpoint_client(endpoint_url)` or, with `aws=True`, `aws_client()`; one of the two must be asked for."""
    if aws and endpoint_url:
        raise ClientSetupError("both an endpoint URL and AWS were asked for; choose --endpoint-url or --aws")
    if aws:
        return aws_client(workers=workers, max_attempts=max_attempts, profile=profile, config=config)
    if not endpoint_url:
        raise ClientSetupError("no endpoint URL: pass --endpoint-url, or --aws to use AWS itself")
    return endpoint_client(endpoint_url, workers=workers, max_attempts=max_attempts, profile=profile, config=config)


def cloudwatch_client(endpoint_url: str | None = None, *, aws: bool = False, profile: str | None = None):
    """A CloudWatch client for the deployment `make_client` reaches: the endpoint's (moto serves CloudWatch and
    DynamoDB on one port), or with `aws=True` AWS's, with the same credentials and region."""
    if aws and endpoint_url:
        raise ClientSetupError("both an endpoint URL and AWS were asked for; choose --endpoint-url or --aws")
    # botocore gzips PutMetricData bodies over 10 KiB, which moto 5.1's server cannot read (HTTP 500). A run's
    # figures are a few tens of KiB, so they go uncompressed to every endpoint, AWS's included: one code path.
    config = Config(disable_request_compression=True)
    if aws:
        return aws_client(profile=profile, service="cloudwatch", config=config)
    if not endpoint_url:
        raise ClientSetupError("no endpoint URL: pass --endpoint-url, or --aws to use AWS itself")
    return endpoint_client(endpoint_url, profile=profile, service="cloudwatch", config=config)


# Every DynamoDB operation that only reads; anything else changes the deployment. ExportTableToPointInTime
# changes no table: it reads one whole (for a plan or a check of a big table) into files under the staging prefix.
READ_OPERATIONS = frozenset(
    {
        "BatchGetItem",
        "DescribeBackup",
        "DescribeContinuousBackups",
        "DescribeEndpoints",
        "DescribeExport",
        "DescribeGlobalTable",
        "DescribeImport",
        "DescribeLimits",
        "DescribeTable",
        "DescribeTimeToLive",
        "ExportTableToPointInTime",
        "GetItem",
        "ListBackups",
        "ListExports",
        "ListGlobalTables",
        "ListImports",
        "ListTables",
        "ListTagsOfResource",
        "Query",
        "Scan",
        "TransactGetItems",
    }
)


@contextmanager
def read_only(client) -> Iterator[None]:
    """While inside, any request of `client` that is not a read raises `WriteRefused` before it is sent."""

    def refuse(model, **_) -> None:
        if model.name not in READ_OPERATIONS:
            raise WriteRefused(model.name)

    unique_id = f"read-only-{id(client)}"
    client.meta.events.register_first("before-parameter-build.dynamodb", refuse, unique_id=unique_id)
    try:
        yield
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb", unique_id=unique_id)


def is_aws(client) -> bool:
    """Whether the client talks to AWS's own endpoint (botocore fills endpoint_url in either case)."""
    return client.meta.endpoint_url.endswith(".amazonaws.com") or client.meta.endpoint_url.endswith(".amazonaws.com.cn")
