"""`dynamodb-contracts server`: a local dynalite that keeps its tables in a folder between runs, stopped alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from loaders.dynamodb.client import endpoint_client
from plugin.servers import DynaliteServer, free_port
from tests.pytest_run import ROOT

pytestmark = pytest.mark.skipif(DynaliteServer("unused.log").missing() is not None, reason="dynalite is not installed")


def server(action: str, folder, port: int) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-c",
        "import sys; from plugin.cli import main; sys.exit(main(sys.argv[1:]))",
        "server",
        action,
        f"--path={folder}",
        f"--port={port}",
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_tables_outlive_a_stop_and_a_start_and_stop_leaves_no_process(tmp_path):
    folder, port = tmp_path / "deployment", free_port()
    started = server("start", folder, port)
    assert started.returncode == 0, started.stdout + started.stderr
    assert f"--endpoint-url=http://127.0.0.1:{port}" in started.stdout
    first = json.loads((folder / "server.json").read_text())["pid"]
    try:
        client = endpoint_client(f"http://127.0.0.1:{port}")
        client.create_table(
            TableName="kept",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.get_waiter("table_exists").wait(TableName="kept")
        for n in range(3):
            client.put_item(TableName="kept", Item={"id": {"S": f"item-{n}"}})
        assert server("status", folder, port).returncode == 0
        stopped = server("stop", folder, port)
        assert stopped.returncode == 0 and not alive(first), stopped.stdout
        assert server("status", folder, port).returncode == 3

        assert server("start", folder, port).returncode == 0
        second = json.loads((folder / "server.json").read_text())["pid"]
        assert second != first
        assert client.scan(TableName="kept", Select="COUNT", ConsistentRead=True)["Count"] == 3
    finally:
        server("stop", folder, port)
    assert not alive(second)


def test_stop_leaves_a_server_it_did_not_start_alone(tmp_path):
    port = free_port()
    with DynaliteServer(tmp_path / "other.log", port=port) as endpoint_url:
        other = endpoint_client(endpoint_url)
        taken = server("start", tmp_path / "deployment", port)
        assert taken.returncode == 1 and "is taken by another process: choose another --port" in taken.stdout
        assert server("stop", tmp_path / "deployment", port).returncode == 0
        assert other.list_tables()["TableNames"] == []
    shutil.rmtree(tmp_path / "deployment", ignore_errors=True)
