"""Fixtures of the loader self-tests: one moto server per session, small test-only contracts, fault injection.

Every test works on tables named with its own prefix and removes only those.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable

import pandera.pandas as pa
import pytest
from botocore.awsrequest import AWSResponse
from pandera.typing import Series

from contracts.table import Index, MergeIntoSet, Table
from loaders.deploy.staging import s3_client
from loaders.dynamodb.backoff import Backoff
from loaders.dynamodb.client import endpoint_client
from loaders.dynamodb.schema import create_table_request
from loaders.dynamodb.tables import delete_table, wait_until_active
from loaders.dynamodb.waiters import Wait
from loaders.rules.guard import install_guard
from plugin.servers import DynaliteServer, MotoServer


class Readings(pa.DataFrameModel):
    reading_id: Series[str] = pa.Field(str_matches=r"^R\d{4}$")
    sensor: Series[str]
    # Text with leading zeros, and a sparse GSI: rows without a code stay out of code-index.
    code: Series[str] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    # `count` is a DynamoDB reserved word, and a number-typed GSI range key.
    count: Series[int] = pa.Field(nullable=True)
    tags: Series[str] = pa.Field(nullable=True)


class Stations(pa.DataFrameModel):
    sensor: Series[str]
    site: Series[str]
    installed: Series[str]


READINGS = Table(
    name="readings",
    file="readings.csv",
    model=Readings,
    key=("reading_id",),
    indexes=(Index("sensor-count-index", "sensor", "count"), Index("code-index", "code", projection="KEYS_ONLY")),
    duplicates=MergeIntoSet(column="tag", into="tags"),
)
STATIONS = Table(name="stations", file="stations.csv", model=Stations, key=("sensor", "site"))

FAST_BACKOFF = Backoff(base=0.001, cap=0.01, attempts=10)
FAST_WAIT = Wait(timeout=10.0, delay=0.01, busy=Backoff(base=0.001, cap=0.01, attempts=5))


def reading_rows(count: int) -> list[dict]:
    """Rows as the fixed CSV has them: text cells, None where the attribute is left out."""
    rows = []
    for i in range(count):
        rows.append(
            {
                "reading_id": f"R{i:04d}",
                "sensor": f"S{i % 7}",
                "code": f"{i:06d}" if i % 5 else None,
                "value": "3.14159265358979323846264338327950288" if i == 0 else (f"{i}.50" if i % 4 else None),
                "count": str(i % 11),
                "tags": json.dumps(sorted({f"T{i % 3}", f"T{i % 2 + 3}"})) if i % 6 else None,
            }
        )
    return rows


def create_table(client, table: Table, name: str, wait: Wait) -> dict:
    """Create `table` as its contract declares it (as a sync does) and wait until it is ACTIVE."""
    client.create_table(**create_table_request(table, name))
    return wait_until_active(client, name, wait)


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory) -> str:
    with MotoServer(tmp_path_factory.mktemp("moto") / "moto_server.log") as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="session")
def admin(moto_endpoint):
    """A plain client (no guard, no injected faults) to set up, read back and clean up."""
    return endpoint_client(moto_endpoint)


@pytest.fixture
def prefix(admin) -> str:
    """A table prefix of this test's own; the tables it names are deleted afterwards."""
    mine = f"t{uuid.uuid4().hex[:8]}-"
    yield mine
    for page in admin.get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            if name.startswith(mine):
                delete_table(admin, name, wait=FAST_WAIT)


@pytest.fixture(scope="session")
def s3(moto_endpoint):
    """An S3 client on the moto server (it serves S3 and DynamoDB on one port)."""
    return s3_client(moto_endpoint)


@pytest.fixture
def bucket(s3) -> str:
    """A bucket of this test's own, emptied and deleted afterwards."""
    name = f"stage-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for entry in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=entry["Key"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def client(moto_endpoint):
    """A client as the live suite uses it: guarded, botocore's standard retries."""
    made = endpoint_client(moto_endpoint)
    install_guard(made)
    return made


def scan_all(client, name: str) -> list[dict]:
    items = []
    for page in client.get_paginator("scan").paginate(TableName=name, ConsistentRead=True):
        items += page["Items"]
    return items


class _Body:
    """Just enough of urllib3's response for botocore to read a fabricated body."""

    def __init__(self, payload: dict):
        self._data = json.dumps(payload).encode()

    def stream(self, **_):
        yield self._data


def fabricated(request, status: int, payload: dict) -> AWSResponse:
    return AWSResponse(
        request.url,
        status,
        {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"},
        _Body(payload),
    )


class Faults:
    """Answers BatchWriteItem calls of a client in place of the server, by call number.

    `answer(n, request_items)` returns None to let call n through, or a
    (status, payload) to answer it. Counting is thread-safe.
    """

    THROTTLED = (
        400,
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "message": "injected: the level of configured provisioned throughput was exceeded",
        },
    )

    def __init__(self, client, answer: Callable[[int, dict], tuple[int, dict] | None]):
        self.calls, self.answered = 0, 0
        self._answer, self._lock = answer, threading.Lock()
        client.meta.events.register("before-send.dynamodb.BatchWriteItem", self._before_send)

    def _before_send(self, request, **_):
        with self._lock:
            self.calls += 1
            number = self.calls
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        outcome = self._answer(number, json.loads(body)["RequestItems"])
        if outcome is None:
            return None
        with self._lock:
            self.answered += 1
        return fabricated(request, *outcome)


@pytest.fixture
def readings(client, prefix, readings_table, fast_wait) -> str:
    """An empty readings table of this test's own."""
    name = f"{prefix}readings"
    create_table(client, readings_table, name, fast_wait)
    return name


@pytest.fixture
def readings_table() -> Table:
    return READINGS


@pytest.fixture
def stations_table() -> Table:
    return STATIONS


@pytest.fixture
def make_rows() -> Callable[[int], list[dict]]:
    return reading_rows


@pytest.fixture
def fast_backoff() -> Backoff:
    return FAST_BACKOFF


@pytest.fixture
def fast_wait() -> Wait:
    return FAST_WAIT


@pytest.fixture
def scan(admin) -> Callable[[str], list[dict]]:
    """`scan(name)`: every item of a table, read back through the plain client."""
    return lambda name: scan_all(admin, name)


@pytest.fixture
def fabricate() -> Callable[..., AWSResponse]:
    """`fabricate(request, status, payload)`: a response for a before-send handler to answer in the server's place."""
    return fabricated


@pytest.fixture
def faults() -> type[Faults]:
    """`faults(client, answer)` answers that client's BatchWriteItem calls; `faults.THROTTLED` is a throttling answer."""
    return Faults


@pytest.fixture(scope="session")
def dynalite_endpoint(tmp_path_factory) -> str:
    """A dynalite server (strict, like DynamoDB) for the session; skipped, naming `npm ci`, where it is not installed."""
    server = DynaliteServer(tmp_path_factory.mktemp("dynalite") / "dynalite.log")
    if server.missing():
        pytest.skip(f"dynalite cannot run here: {server.missing()}")
    with server as endpoint_url:
        yield endpoint_url
