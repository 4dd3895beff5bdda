"""The S3 place an import reads its items from: a client for it, its bucket on a local server, and the items staged
there as gzipped DynamoDB JSON."""

from __future__ import annotations

import gzip
import json
import random
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from botocore.config import Config
from botocore.exceptions import ClientError

from loaders.dynamodb.client import client_config, configured_region, endpoint_client, profile_session
from loaders.dynamodb.items import Item
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
        return "3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit"
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


# "For items under 1 KB, consider placing 4,000,000 items into each S3 object" ("Best practices for
# importing from Amazon S3 into DynamoDB"): objects are read in parallel, so a bigger source is split.
OBJECT_BYTES = 4_000_000 * 1024


@dataclass(frozen=True)
class Staged:
    """Items written to S3 for one import: every object under `prefix`, and only those."""

    bucket: str
    prefix: str
    keys: tuple[str, ...]
    items: int
    # Uncompressed DynamoDB JSON: what AWS bills the import by.
    bytes: int

    @property
    def source(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def stage_items(
    s3, items: Sequence[Item], bucket: str, prefix: str, *, object_bytes: int = OBJECT_BYTES, seed: int = 0
) -> Staged:
    """Write `items` as gzipped DynamoDB JSON (one `{"Item": ...}` per line) under `prefix` in `bucket`.

    The order is shuffled (AWS: "Randomize sorted data", or one partition after
    another runs hot) and a new object starts after `object_bytes` of
    uncompressed lines. Each object is compressed into a temporary file first,
    so memory holds the items and not their JSON.
    """
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    keys, total, position = [], 0, 0
    try:
        while position < len(order) or not keys:
            key = f"{prefix}part-{len(keys):05d}.json.gz"
            with tempfile.TemporaryFile() as spool:
                size = 0
                with gzip.GzipFile(fileobj=spool, mode="wb", compresslevel=6) as archive:
                    while position < len(order) and size < object_bytes:
                        line = json.dumps({"Item": items[order[position]]}, ensure_ascii=False, separators=(",", ":"))
                        data = (line + "\n").encode("utf-8")
                        archive.write(data)
                        size += len(data)
                        position += 1
                spool.seek(0)
                s3.upload_fileobj(spool, bucket, key)
            keys.append(key)
            total += size
    except BaseException:
        if keys:  # the objects staged so far hold personal data too, and no import will read them
            remove_staged(s3, Staged(bucket, prefix, tuple(keys), 0, total))
        raise
    return Staged(bucket, prefix, tuple(keys), len(items), total)


def remove_staged(s3, staged: Staged) -> None:
    """Delete the objects of one staging (DeleteObjects takes at most 1,000 keys per call)."""
    keys = list(staged.keys)
    for start in range(0, len(keys), 1000):
        s3.delete_objects(
            Bucket=staged.bucket, Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True}
        )
