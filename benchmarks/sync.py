"""Benchmark: the sync of all 30 tables, first load and unchanged rerun, against one-thread batch_writer.

Two targets, each printed as its own table:
  - the embedded default: a moto server on 127.0.0.1, as `make run` uses it;
  - AWS-like: dynalite creating and updating tables in 5 s, as AWS roughly
    does, behind a proxy adding 20 ms to every request, as a network round
    trip to AWS would (`--skip-aws-like` leaves it out; it needs `npm ci`).
On each: the first sync (plan, then create every table with its GSIs and write
every item), an unchanged rerun (plan, nothing to write), and the baseline
most upload scripts are: boto3's `batch_writer`, one thread, creating and
filling the same tables one after another. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from boto3.dynamodb.types import TypeDeserializer  # noqa: E402

from benchmarks.latency_proxy import LatencyProxy  # noqa: E402
from contracts.registry import SAMPLE, load_registry  # noqa: E402
from loaders.dynamodb.client import FAKE_CREDENTIALS  # noqa: E402
from loaders.dynamodb.schema import create_table_request  # noqa: E402
from loaders.dynamodb.tables import wait_until_active  # noqa: E402
from pipeline import Settings, apply, checked_items, connect, gate, plan, read  # noqa: E402
from plugin.servers import DynaliteServer, MotoServer  # noqa: E402

REGISTRY = load_registry(SAMPLE, ROOT)

AWS_LIKE_TABLE_MS = 5000
AWS_LIKE_DELAY = 0.02
TARGETS = {"first load": 30.0, "unchanged rerun": 10.0}  # seconds, AWS-like (issue 11)


def sync_once(settings: Settings, endpoint: str, expected: dict) -> tuple[float, int]:
    """Seconds for plan + apply, and the items written."""
    client = connect(settings, endpoint)
    start = time.perf_counter()
    the_plan = plan(client, settings, expected)
    apply(client, settings, the_plan)
    return time.perf_counter() - start, sum(p.writes for p in the_plan.tables)


def batch_writer_baseline(endpoint: str, expected: dict, prefix: str) -> float:
    """Each table created (GSIs included) and filled in turn, one thread, as a plain upload script does."""
    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", **FAKE_CREDENTIALS)
    client = resource.meta.client
    plain = TypeDeserializer().deserialize
    start = time.perf_counter()
    for table in REGISTRY.tables:
        name = prefix + table.name
        client.create_table(**create_table_request(table, name))
        wait_until_active(client, name)
        with resource.Table(name).batch_writer() as writer:
            for item in expected[table.name]:
                writer.put_item(Item={k: plain(v) for k, v in item.items()})
    return time.perf_counter() - start


def measure(label: str, endpoint: str, out_dir: Path, expected: dict, data_settings: Settings) -> None:
    settings = Settings(
        data_dir=data_settings.data_dir, out_dir=out_dir, registry=REGISTRY, endpoint_url=endpoint, table_prefix="sync-"
    )
    first, written = sync_once(settings, endpoint, expected)
    rerun, rewritten = sync_once(
        Settings(
            data_dir=settings.data_dir, out_dir=out_dir, registry=REGISTRY, endpoint_url=endpoint, table_prefix="sync-"
        ),
        endpoint,
        expected,
    )
    baseline = batch_writer_baseline(endpoint, expected, "writer-")
    print(f"\n{label}")
    print(f"  {'what':<52} {'seconds':>8} {'items written':>14} {'x baseline':>11}")
    for what, seconds, items in (
        ("first sync of 30 tables (plan + apply)", first, written),
        ("unchanged rerun (plan, nothing to write)", rerun, rewritten),
        ("baseline: batch_writer, 1 thread, table after table", baseline, written),
    ):
        print(f"  {what:<52} {seconds:>8.1f} {items:>14,} {baseline / seconds:>10.1f}x", flush=True)
    if label.startswith("AWS-like"):
        for what, seconds in (("first load", first), ("unchanged rerun", rerun)):
            print(f"  target: {what} under {TARGETS[what]:.0f} s: {'met' if seconds < TARGETS[what] else 'NOT MET'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-aws-like", action="store_true", help="only the moto server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=ROOT / "data" / "raw", out_dir=Path(tmp) / "gate", registry=REGISTRY)
        dataset = read(settings)
        expected = checked_items(settings, dataset, gate(settings, dataset))
        print(f"{sum(len(v) for v in expected.values()):,} items in {len(expected)} tables")
        with MotoServer(Path(tmp) / "moto.log") as endpoint:
            measure(f"moto server, {endpoint}", endpoint, Path(tmp) / "moto", expected, settings)
        if not args.skip_aws_like:
            server = DynaliteServer(
                Path(tmp) / "dynalite.log",
                create_table_ms=AWS_LIKE_TABLE_MS,
                update_table_ms=AWS_LIKE_TABLE_MS,
                delete_table_ms=AWS_LIKE_TABLE_MS,
            )
            with server as upstream, LatencyProxy(upstream, delay=AWS_LIKE_DELAY) as endpoint:
                measure(
                    f"AWS-like: dynalite (tables {AWS_LIKE_TABLE_MS / 1000:.0f} s) behind a "
                    f"{AWS_LIKE_DELAY * 1000:.0f} ms proxy",
                    endpoint,
                    Path(tmp) / "aws-like",
                    expected,
                    settings,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
