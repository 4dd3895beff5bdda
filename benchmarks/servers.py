"""Benchmark: the local servers the project can start, at a real table's size (issue #20's "a default that keeps up").

For each server (moto, the default today, is the baseline of the same run;
dynalite in memory; dynalite keeping its data on disk with `--path`) it
creates one table with a GSI on a key few values share (as flights by
destination), then measures through the tool's own client and guard:
  - write: every item by the loader (BatchWriteItem from its worker threads);
  - full read: a parallel consistent Scan, the read-back of plan and checks,
    with the loader's segment count for the table's size;
  - GSI query: every item of one index key value, paged;
  - the server's resident memory (VmHWM of its process) at the end.
A full read that passes `--phase-limit` seconds, or one of whose Scan pages
outlasts the client's read timeout, is stopped and reported with how far it got.
Prints figures; asserts nothing.

    python benchmarks/servers.py --items 300000 [--servers moto,dynalite,dynalite-disk] [--phase-limit 600]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.exceptions import ReadTimeoutError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders.deploy.batch import write_items  # noqa: E402
from loaders.dynamodb.client import endpoint_client  # noqa: E402
from loaders.dynamodb.readback import query_index, segments_for  # noqa: E402
from loaders.dynamodb.tables import wait_until_active  # noqa: E402
from loaders.rules.guard import install_guard  # noqa: E402
from plugin.servers import DynaliteServer, LocalServer, MotoServer  # noqa: E402

TABLE, INDEX, KEY_VALUES = "bench-flights", "dest-index", 100


def items(count: int) -> list[dict]:
    """Flight-like items: a unique key, a destination shared by count / KEY_VALUES items, a few attributes."""
    return [
        {
            "flight_key": {"S": f"UA#{n % 9000}#2013-{n % 12 + 1:02d}-{n % 28 + 1:02d}T{n % 24:02d}:00:00Z#{n}"},
            "dest": {"S": f"D{n % KEY_VALUES:03d}"},
            "dep_delay": {"N": str(n % 300 - 20)},
            "distance": {"N": str(200 + n % 4000)},
            "tailnum": {"S": f"N{n % 4000:04d}X"},
        }
        for n in range(count)
    ]


def create(client) -> None:
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "flight_key", "AttributeType": "S"},
            {"AttributeName": "dest", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "flight_key", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX,
                "KeySchema": [{"AttributeName": "dest", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    wait_until_active(client, TABLE)


def full_read(client, expected: int, limit: float) -> tuple[int, float, bool]:
    """Items read by a parallel consistent Scan, the seconds taken, and whether it finished within `limit`."""
    segments, started = segments_for(expected), time.monotonic()

    def segment(number: int) -> tuple[int, bool]:
        request = {"TableName": TABLE, "ConsistentRead": True, "Segment": number, "TotalSegments": segments}
        read = 0
        while True:
            try:
                page = client.scan(**request)
            except ReadTimeoutError:
                # moto sorts the whole table for every page: past some size one page outlasts the client's read timeout.
                return read, False
            read += page["Count"]
            if "LastEvaluatedKey" not in page:
                return read, True
            if time.monotonic() - started > limit:
                return read, False
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    with ThreadPoolExecutor(max_workers=segments) as pool:
        parts = list(pool.map(segment, range(segments)))
    return sum(n for n, _ in parts), time.monotonic() - started, all(done for _, done in parts)


def peak_rss_mb(server: LocalServer) -> float:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


def measure(server: LocalServer, batch: list[dict], limit: float) -> dict:
    with server as endpoint:
        client = endpoint_client(endpoint)
        install_guard(client)
        create(client)
        started = time.monotonic()
        write_items(client, TABLE, batch, ("flight_key",))
        written = time.monotonic() - started
        read, read_seconds, finished = full_read(client, len(batch), limit)
        started = time.monotonic()
        answer = query_index(client, TABLE, INDEX, {"dest": {"S": "D007"}})
        queried = time.monotonic() - started
        return {
            "write": written,
            "read": read,
            "read_seconds": read_seconds,
            "finished": finished,
            "query_ms": queried * 1000,
            "query_count": answer.count,
            "rss_mb": peak_rss_mb(server),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--servers", default="moto,dynalite,dynalite-disk")
    parser.add_argument("--phase-limit", type=float, default=600.0, help="seconds after which a full read is stopped")
    args = parser.parse_args()
    batch = items(args.items)
    with tempfile.TemporaryDirectory() as scratch:
        servers = {
            "moto": MotoServer(Path(scratch, "moto.log")),
            "dynalite": DynaliteServer(Path(scratch, "dynalite.log")),
            "dynalite-disk": DynaliteServer(Path(scratch, "disk.log"), path=Path(scratch, "leveldb")),
        }
        print(
            f"{args.items:,} items, one GSI whose key {KEY_VALUES} values share; full read stopped after {args.phase_limit:.0f} s"
        )
        print(f"{'server':<14} {'write (vs first)':>18} {'full read':>32} {'GSI query':>22} {'server RSS':>11}")
        baseline = None
        for name in args.servers.split(","):
            figures = measure(servers[name], batch, args.phase_limit)
            rate = figures["read"] / figures["read_seconds"]
            baseline = baseline or figures
            read = (
                f"{figures['read_seconds']:7.1f} s {rate:8,.0f}/s"
                if figures["finished"]
                else f"stopped: {figures['read']:,} in {figures['read_seconds']:.0f} s"
            )
            vs = f" x{baseline['write'] / figures['write']:.1f}" if figures is not baseline else ""
            print(
                f"{name:<14} {figures['write']:7.1f} s{vs:>9} {read:>32} "
                f"{figures['query_ms']:8.0f} ms {figures['query_count']:>7,} {figures['rss_mb']:8,.0f} MB"
            )


if __name__ == "__main__":
    main()
