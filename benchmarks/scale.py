"""Benchmark: the whole job at scale on one local server (issue #20): a first load, an unchanged rerun and a changed
export, against boto3's `batch_writer` plus a plain parallel Scan of the same tables in the same run.

For each scale the sample is generated (passengers, bookings and baggage
scaled; 30x is about a million items), a server is started for that scale
alone, and `dynamodb-contracts run` is run three times against it as a user
would: the first load, the same export again (it must write nothing), and
the export with some bags changed (100 weighed again, 50 withdrawn, 10
added). Then the baseline writes the first run's fixed tables into tables of
their own with `batch_writer` and reads them back with a parallel Scan: no
checks, no plan, the least a load can do. Each line gives the wall time,
items per second and the peak memory of the whole process tree (the server
excluded: it is measured by `benchmarks/servers.py`), with the run's plan and
verdict. Prints figures; asserts nothing.

    python benchmarks/scale.py [--scales 10 30] [--server dynalite|moto]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fix_and_check import export, measured  # noqa: E402
from plugin.servers import DynaliteServer, MotoServer  # noqa: E402

CHANGED_TABLE, UPDATED, WITHDRAWN, ADDED = "baggage.csv", 100, 50, 10


def change(raw: Path, into: Path) -> Path:
    """A copy of the export with bags weighed again, withdrawn and added (every row of a bag, so the fixers' merge of
    a bag's events stays one item)."""
    shutil.copytree(raw, into)
    path = into / CHANGED_TABLE
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    bags = list(dict.fromkeys(row["baggage_id"] for row in rows))
    updated, withdrawn = set(bags[:UPDATED]), set(bags[UPDATED : UPDATED + WITHDRAWN])
    copied = {bag: f"BG9{n:06d}" for n, bag in enumerate(bags[UPDATED + WITHDRAWN : UPDATED + WITHDRAWN + ADDED], 1)}
    out = []
    for row in rows:
        if row["baggage_id"] in withdrawn:
            continue
        if row["baggage_id"] in updated:
            weight = float(row["weight_kg"])
            row = dict(row, weight_kg=f"{weight + 0.5 if weight < 99 else weight - 0.5:.1f}")
        out.append(row)
        if row["baggage_id"] in copied:
            out.append(dict(row, baggage_id=copied[row["baggage_id"]]))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(out)
    return into


def run_job(data_dir: Path, out_dir: Path, endpoint: str) -> tuple[float, float, str]:
    """One `dynamodb-contracts run` of the whole job against `endpoint`; its figures and a line from its run.json."""
    command = [
        str(Path(sys.executable).with_name("dynamodb-contracts")),
        "run",
        f"--data-dir={data_dir}",
        f"--out-dir={out_dir}",
        f"--endpoint-url={endpoint}",
        f"--html={out_dir / 'report.html'}",
        "-q",
    ]
    seconds, peak, code = measured(command)
    try:
        record = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return seconds, peak, f"exit {code}, no run.json"
    totals = (
        json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))["totals"]
        if (out_dir / "plan.json").exists()
        else {}
    )
    plan = ", ".join(f"{k} {v}" for k, v in totals.items() if k != "unchanged")
    verdict = "DEPLOY" if record.get("verdict", {}).get("deploy") else "DO NOT DEPLOY"
    return seconds, peak, f"exit {code}, {verdict}; plan: {plan}"


def items_of(out_dir: Path) -> int:
    record = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    return sum((record.get("found") or {}).values())


def baseline(fixed: Path, endpoint: str) -> None:
    """In a child process: every fixed table into a table of its own by `batch_writer`, then read back whole by a
    parallel Scan of 8 segments."""
    import boto3
    from boto3.dynamodb.types import TypeDeserializer

    from contracts.registry import SAMPLE, load_registry
    from contracts.source import read_table
    from loaders.dynamodb.client import FAKE_CREDENTIALS
    from loaders.dynamodb.items import FrameItems
    from loaders.dynamodb.schema import attribute_definitions, key_schema

    dynamodb = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", **FAKE_CREDENTIALS)
    python = TypeDeserializer()
    for table in load_registry(SAMPLE, ROOT).tables:
        path = fixed / table.file
        if not path.exists():
            continue
        made = dynamodb.create_table(
            TableName=f"baseline-{table.name}",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=key_schema(table.key),
            AttributeDefinitions=attribute_definitions(table, table.key),
        )
        made.wait_until_exists()
        with made.batch_writer() as writer:
            for item in FrameItems(read_table(path, table, fixed=True), table):
                writer.put_item(Item={name: python.deserialize(value) for name, value in item.items()})

        def segment(number: int, name: str = made.name) -> int:
            request, read = {"TableName": name, "Segment": number, "TotalSegments": 8, "ConsistentRead": True}, 0
            while True:
                page = dynamodb.meta.client.scan(**request)
                read += page["Count"]
                if "LastEvaluatedKey" not in page:
                    return read
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

        with ThreadPoolExecutor(max_workers=8) as pool:
            sum(pool.map(segment, range(8)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--server", choices=("dynalite", "moto"), default="moto")
    parser.add_argument("--exports", type=Path, default=ROOT / "build" / "benchmark-exports")
    parser.add_argument("--baseline-of", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_of:
        baseline(args.baseline_of, args.endpoint)
        return 0
    print(f"{'scale':>5} {'run':<10} {'items':>9} {'seconds':>8} {'items/s':>8} {'peak MB':>8}  result", flush=True)
    for scale in args.scales:
        raw = export(scale, args.exports)
        with tempfile.TemporaryDirectory(prefix=f"scale{scale}-") as tmp:
            work = Path(tmp)
            server = (
                DynaliteServer(work / "server.log") if args.server == "dynalite" else MotoServer(work / "server.log")
            )
            with server as endpoint:
                changed = change(raw, work / "changed-export")
                runs = (("first", raw), ("unchanged", raw), ("changed", changed))
                first = None
                for label, data_dir in runs:
                    out_dir = work / label
                    seconds, peak, result = run_job(data_dir, out_dir, endpoint)
                    first = first or out_dir
                    items = items_of(out_dir) if (out_dir / "run.json").exists() else 0
                    print(
                        f"{scale:>5}x {label:<10} {items:>9,} {seconds:>8.1f} {items / seconds:>8.0f} {peak:>8.0f}  {result}",
                        flush=True,
                    )
                seconds, peak, code = measured(
                    [sys.executable, __file__, f"--baseline-of={first / 'fixed'}", f"--endpoint={endpoint}"]
                )
                items = items_of(first)
                print(
                    f"{scale:>5}x {'baseline':<10} {items:>9,} {seconds:>8.1f} {items / seconds:>8.0f} {peak:>8.0f}  "
                    f"exit {code}: batch_writer and a parallel Scan, nothing checked",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
