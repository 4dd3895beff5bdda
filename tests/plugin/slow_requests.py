"""A plugin for a child run (`-p tests.plugin.slow_requests`): one operation's requests are slowed, and the first
is announced in a file, so that a test can signal the run in the stage of its choosing however fast the server is.

The delay is taken once the request is on its way, after the client's last check (a stop asked, `stops_when_asked`):
it plays a slow server, so a stopped run still waits for the requests in flight, and only for those.

Set SLOW_OPERATION (Scan, BatchWriteItem), SLOW_SECONDS (each request's delay) and REACHED (the file).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import loaders.dynamodb.client as client_module

_made = client_module.stops_when_asked


def _slowed(client):
    operation, seconds, reached = os.environ["SLOW_OPERATION"], float(os.environ["SLOW_SECONDS"]), Path(os.environ["REACHED"])

    def slow(request, **_) -> None:
        if request.headers.get("X-Amz-Target", b"").endswith(operation.encode()):
            reached.touch()
            time.sleep(seconds)

    # On the event stops_when_asked's check is on, after it: botocore calls the handlers of a more specific event
    # (before-send.dynamodb.Scan) before those of the general one, whatever their registration.
    client = _made(client)
    client.meta.events.register_last("before-send", slow)
    return client


def pytest_configure(config) -> None:
    client_module.stops_when_asked = _slowed
