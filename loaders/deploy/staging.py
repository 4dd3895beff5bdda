"""The S3 place an import reads its items from: a client for it, and its bucket on a local server."""
from __future__ import annotations

import re

from botocore.config import Config
from botocore.exceptions import ClientError

from loaders.dynamodb.client import client_config, configured_region, endpoint_client, profile_session
from loaders.dynamodb.stop import stops_when_asked

# "General purpose bucket naming rules" (Amazon S3 user guide): 3 to 63 characters; lowercase letters, digits, dots
# and hyphens; a letter or digit first and last; no two adjacent dots; not an IP address; none of the reserved
# prefixes and suffixes.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(bucket: str) -> str | None:
    """Why S3 would refuse `bucket` as a general purpose bucket's name, or None."""
    if not BUCKET_NAME.fullmatch(bucket):
        return ("3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit")
    if ".." in bucket:
        return "no two adjacent dots"
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", bucket):
        return "not formatted as an IP address"
    if bucket.startswith(BUCKET_RESERVED_PREFIXES) or bucket.endswith(BUCKET_RESERVED_SUFFIXES):
        return f"none of the reserved prefixes {', '.join(BUCKET_RESERVED_PREFIXES)} or suffixes {', '.join(BUCKET_RESERVED_SUFFIXES)}"
    return None


def s3_client(endpoint_url: str | None = None, *, profile: str | None = None):
    """An S3 client for staging: AWS through the standard chain, or an S3-compatible endpoint (moto serves S3
    and DynamoDB on one port).

    An endpoint gets path-style addresses (`http://127.0.0.1:PORT/bucket/key`:
    a local server has no DNS name per bucket), and credentials as
    `loaders.dynamodb.client.endpoint_client` gives them: the fake `testing` ones for a
    loopback endpoint unless a profile is named.
    """
    if endpoint_url is None:
        session = profile_session(profile)
        return stops_when_asked(session.client("s3", region_name=configured_region(session), config=client_config()))
    return endpoint_client(endpoint_url, profile=profile, service="s3", config=Config(s3={"addressing_style": "path"}))


def ensure_bucket(s3, bucket: str) -> None:
    """Create `bucket` if it is missing.

    The run calls it for a server on this machine only (`pipeline.stages.apply`):
    in an AWS account the staging bucket is given and must exist, since
    creating buckets there is not this tool's business.
    """
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
        s3.create_bucket(Bucket=bucket)
