"""Benchmark: the loader against boto3's batch_writer and the server's ceiling, on one moto server.

All three write the same items (the fixed bookings, passengers and baggage)
into fresh tables on a moto server in its own process:
  - the loader (loaders.deploy.batch.write_items, its default workers, through the guard and
    botocore's own pipeline, parameter validation on: the one transport it has);
  - boto3's `Table.batch_writer`, one thread: what most upload scripts do;
  - the ceiling: pre-built BatchWriteItem requests posted from 8 threads over
    plain HTTP connections, no SDK, no checks: what the server can take.
moto gets slower as it holds more items, so each method's tables are deleted
after it ran, and the methods take turns going first over several rounds; the
figures are the median of the rounds. Then it runs `make run` and
prints its stage times from build/run.json.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from boto3.dynamodb.types import TypeDeserializer  # noqa: E402

from contracts.registry import SAMPLE, load_registry  # noqa: E402
from contracts.source import read_table  # noqa: E402
from fixers.run import fix_export  # noqa: E402
from loaders.deploy.batch import split_batches, write_items  # noqa: E402
from loaders.dynamodb.client import FAKE_CREDENTIALS, endpoint_client  # noqa: E402
from loaders.dynamodb.items import frame_to_items  # noqa: E402
from loaders.dynamodb.schema import create_table_request  # noqa: E402
from loaders.dynamodb.tables import delete_table, wait_until_active  # noqa: E402
from loaders.rules.guard import install_guard  # noqa: E402
from plugin.servers import MotoServer  # noqa: E402

TABLES_BY_NAME = load_registry(SAMPLE, ROOT).by_name
TABLES = ("bookings", "passengers", "Baggage")
CEILING_THREADS = 8
ROUNDS = 3


def prepare(client, prefix: str) -> None:
    for name in TABLES:
        client.create_table(**create_table_request(TABLES_BY_NAME[name], prefix + name))
        wait_until_active(client, prefix + name)


def remove(client, prefix: str) -> None:
    for name in TABLES:
        delete_table(client, prefix + name)


def with_loader(client, items: dict) -> float:
    start = time.perf_counter()
    for name, table_items in items.items():
        write_items(client, "loader-" + name, table_items, TABLES_BY_NAME[name].key)
    return time.perf_counter() - start


def with_batch_writer(endpoint: str, items: dict) -> float:
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", **FAKE_CREDENTIALS)
    deserialize = TypeDeserializer().deserialize
    plain = {
        name: [{k: deserialize(v) for k, v in item.items()} for item in table_items]
        for name, table_items in items.items()
    }
    start = time.perf_counter()
    for name, table_items in plain.items():
        with resource.Table("writer-" + name).batch_writer() as writer:
            for item in table_items:
                writer.put_item(Item=item)
    return time.perf_counter() - start


def with_raw_requests(endpoint: str, items: dict) -> float:
    bodies = [
        json.dumps({"RequestItems": {"ceiling-" + name: [{"PutRequest": {"Item": i}} for i in batch]}}).encode()
        for name, table_items in items.items()
        for batch in split_batches(table_items)
    ]
    url = urlsplit(endpoint)
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260314/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0",
    }

    def post(share: list[bytes]) -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port)
        for body in share:
            connection.request("POST", "/", body, headers)
            answer = connection.getresponse()
            reply = json.loads(answer.read())
            if answer.status != 200 or reply.get("UnprocessedItems"):
                raise RuntimeError(f"ceiling request refused: {answer.status} {reply}")
        connection.close()

    shares = [bodies[n::CEILING_THREADS] for n in range(CEILING_THREADS)]
    start = time.perf_counter()
    with ThreadPoolExecutor(CEILING_THREADS) as pool:
        list(pool.map(post, shares))
    return time.perf_counter() - start


def stages_of_make_run(out_dir: Path) -> tuple[float, dict]:
    """`make run` itself (set up already), its output in `out_dir`: wall seconds and the stage times of its run.json."""
    command = ["make", "-s", "run", f"REPORT={out_dir / 'report.html'}", f"RUN_ARGS=--out-dir={out_dir}"]
    start = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "CI": "true"}
    )
    wall = time.perf_counter() - start
    return wall, json.loads((out_dir / "run.json").read_text())["stages"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        fix_export(ROOT / "data" / "raw", build)
        items = {
            name: frame_to_items(
                read_table(build / "fixed" / TABLES_BY_NAME[name].file, TABLES_BY_NAME[name], fixed=True),
                TABLES_BY_NAME[name],
            )
            for name in TABLES
        }
        total = sum(len(v) for v in items.values())
        with MotoServer(Path(tmp) / "moto.log") as endpoint:
            client = endpoint_client(endpoint)
            install_guard(client)
            methods = {
                "loader": ("loader (8 workers, guarded)", lambda: with_loader(client, items)),
                "writer": ("boto3 Table.batch_writer, 1 thread", lambda: with_batch_writer(endpoint, items)),
                "ceiling": (
                    f"ceiling: raw BatchWriteItem, {CEILING_THREADS} threads",
                    lambda: with_raw_requests(endpoint, items),
                ),
            }
            print(
                f"writing {total:,} items ({', '.join(TABLES)}) into {endpoint}, moto_server in its own process, "
                f"{ROUNDS} rounds",
                flush=True,
            )
            rates: dict[str, list[float]] = {prefix: [] for prefix in methods}
            order = list(methods)
            for round_number in range(1, ROUNDS + 1):
                for prefix in order:
                    prepare(client, prefix + "-")
                    rates[prefix].append(total / methods[prefix][1]())
                    remove(client, prefix + "-")
                print(f"  round {round_number}: " + ", ".join(f"{p} {rates[p][-1]:,.0f}/s" for p in order), flush=True)
                order = order[1:] + order[:1]
        loader, writer, ceiling = (statistics.median(rates[p]) for p in ("loader", "writer", "ceiling"))
        print(f"{'method (median of the rounds)':<42} {'items/s':>8} {'x batch_writer':>15} {'of ceiling':>11}")
        for prefix, rate in (("loader", loader), ("writer", writer), ("ceiling", ceiling)):
            print(f"{methods[prefix][0]:<42} {rate:>8,.0f} {rate / writer:>15.2f} {rate / ceiling:>10.0%}")
        print(
            f"target: loader at least 1.3x batch_writer: {'met' if loader >= 1.3 * writer else 'NOT MET'}", flush=True
        )
        wall, stages = stages_of_make_run(Path(tmp) / "run")
        print(f"\nmake run: {wall:.1f} s wall (target under 30 s: {'met' if wall < 30 else 'NOT MET'})")
        for stage, seconds in stages.items():
            print(f"  {stage:<20} {seconds:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
