"""A stop asked reaches every thread: a wait between tries ends at once, and no client sends its next request."""

from __future__ import annotations

import threading
import time

import pytest

from loaders.dynamodb import stop
from loaders.dynamodb.backoff import Backoff
from loaders.dynamodb.client import endpoint_client


@pytest.fixture
def asked_soon():
    """A stop asked from another thread a moment from now; requests allowed again after the test."""
    timer = threading.Timer(0.2, stop.ask)
    timer.start()
    yield
    timer.cancel()
    stop.reset()


def test_a_backoff_ends_when_a_stop_is_asked(asked_soon):
    started = time.monotonic()
    with pytest.raises(stop.StopAsked):
        Backoff(base=60.0, cap=60.0).sleep(0)
    # A minute's wait, ended by the stop: a generous bound, for a loaded machine.
    assert time.monotonic() - started < 10


def test_a_client_sends_no_request_once_a_stop_is_asked(asked_soon):
    # Nothing listens on port 9: a request that was sent would fail with a connection error, not StopAsked.
    client = endpoint_client("http://127.0.0.1:9", max_attempts=1)
    time.sleep(0.5)
    with pytest.raises(stop.StopAsked):
        client.list_tables()


def test_a_try_that_fails_once_a_stop_is_asked_is_not_retried():
    client = endpoint_client("http://127.0.0.1:9", max_attempts=5)
    retries_weighed = []
    # After the client's own check: this try goes out, and fails (nothing listens on port 9).
    client.meta.events.register_last("before-send", lambda **_: stop.ask())
    # Reached only if the failed try is weighed for a retry, which botocore would wait for.
    client.meta.events.register_last("needs-retry", lambda **_: retries_weighed.append(True))
    try:
        with pytest.raises(stop.StopAsked):
            client.list_tables()
    finally:
        stop.reset()
    assert retries_weighed == []
