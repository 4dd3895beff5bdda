"""A plugin for a child run (`-p tests.plugin.slow_requests`): one operation's requests are slowed, and the first
is announced in a file, so that a test can signal the run in the stage of its choosing however fast the server is.

Set SLOW_OPERATION (Scan, BatchWriteItem), SLOW_SECONDS (each request's delay) and SLOW_REACHED (the file).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import loaders.dynamodb.client as client_module

_made = client_module.stops_when_asked


def _slowed(client):
    operation, seconds, reached = os.environ["SLOW_OPERATION"], float(os.environ["SLOW_SECONDS"]), Path(os.environ["SLOW_REACHED"])

    def slow(**_) -> None:
        reached.touch()
        time.sleep(seconds)

    client.meta.events.register(f"before-call.dynamodb.{operation}", slow)
    return _made(client)


def pytest_configure(config) -> None:
    client_module.stops_when_asked = _slowed
