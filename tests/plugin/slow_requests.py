"""A plugin for a child run (`-p tests.plugin.slow_requests`): one operation's requests are slowed, and the first
is announced in a file, so that a test can signal the run in the stage of its choosing however fast the server is.

The delay is taken once the request is on its way, after the client's last check (a stop asked, `stops_when_asked`):
it plays a slow server, so a stopped run still waits for the requests in flight, and only for those.

Set SLOW_OPERATION (Scan, BatchWriteItem), SLOW_SECONDS (each request's delay), REACHED (the file) and
SLOW_RECORD (a file the plugin appends to: a line per request of the operation sent once the run was asked to
stop, and `stop asked` at the end of the run if it was).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import loaders.dynamodb.client as client_module
from loaders.dynamodb import stop

_made = client_module.stops_when_asked


def _record(line: str) -> None:
    with Path(os.environ["SLOW_RECORD"]).open("a", encoding="utf-8") as record:
        record.write(line + "\n")


def _slowed(client):
    operation, seconds, reached = (
        os.environ["SLOW_OPERATION"],
        float(os.environ["SLOW_SECONDS"]),
        Path(os.environ["REACHED"]),
    )

    def slow(request, **_) -> None:
        if request.headers.get("X-Amz-Target", b"").endswith(operation.encode()):
            if stop.asked():  # let through by the stop's check, which runs before this handler
                _record(f"{operation} sent after the stop")
            reached.touch()
            time.sleep(seconds)

    # On the event stops_when_asked's check is on, after it: botocore calls the handlers of a more specific event
    # (before-send.dynamodb.Scan) before those of the general one, whatever their registration.
    client = _made(client)
    client.meta.events.register_last("before-send", slow)
    return client


def pytest_configure(config) -> None:
    client_module.stops_when_asked = _slowed


def pytest_unconfigure(config) -> None:
    # The plugin's session cleanup, which resets the stop, runs after this hook.
    if stop.asked():
        _record("stop asked")
