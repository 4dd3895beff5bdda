"""A plugin for a child run (`-p tests.plugin.slow_requests`): one operation's requests are slowed, and the first
is announced in a file, so that a test can signal the run in the stage of its choosing however fast the server is.

Set SLOW_OPERATION (Scan, BatchWriteItem), SLOW_SECONDS (each request's delay), SLOW_REACHED (the file) and
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
    operation, seconds, reached = os.environ["SLOW_OPERATION"], float(os.environ["SLOW_SECONDS"]), Path(os.environ["SLOW_REACHED"])

    def slow(**_) -> None:
        reached.touch()
        time.sleep(seconds)

    def sent(event_name: str, **_) -> None:
        if event_name.endswith(f".{operation}") and stop.asked():
            _record(f"{operation} sent after the stop")

    client.meta.events.register(f"before-call.dynamodb.{operation}", slow)
    made = _made(client)
    # Last on the stop's own event (a more specific one would run before it): only what the stop let through gets here.
    client.meta.events.register_last("before-send", sent)
    return made


def pytest_configure(config) -> None:
    client_module.stops_when_asked = _slowed


def pytest_unconfigure(config) -> None:
    # The plugin's session cleanup, which resets the stop, runs after this hook.
    if stop.asked():
        _record("stop asked")
