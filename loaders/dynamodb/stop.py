"""Stopping a run's requests when asked: once `ask()` is called, every thread's next request raises `StopAsked`.

A signal reaches the main thread only. The threads of a parallel Scan, a
plan or a batch write would otherwise go on to the end of their work while
the main thread waits for them, so a Ctrl-C would seem to do nothing. Every
client the loaders make checks the flag before each request it sends (retries
included); the request in flight finishes, the next one is not sent, and it
is not retried if it failed. A wait between tries (`pause`) ends as soon as a
stop is asked.
"""

from __future__ import annotations

import threading

_ASKED = threading.Event()


class StopAsked(KeyboardInterrupt):
    """A request not sent because the run was asked to stop (Ctrl-C, SIGTERM): it ends the thread's work as an interrupt."""


def ask() -> None:
    """From now on no client of the loaders sends a request."""
    _ASKED.set()


def reset() -> None:
    """Requests may be sent again (a new run in the same process)."""
    _ASKED.clear()


def asked() -> bool:
    return _ASKED.is_set()


def pause(seconds: float) -> None:
    """Wait `seconds`, unless a stop is asked meanwhile: then raise `StopAsked` at once."""
    # time.sleep in a thread other than the main one cannot be woken by a signal: a backoff of seconds would hold
    # the stopped run.
    if _ASKED.wait(seconds):
        raise StopAsked("the run was asked to stop")


def _refuse(**_) -> None:
    if _ASKED.is_set():
        raise StopAsked("the run was asked to stop")


def _no_retry(response=None, caught_exception=None, **_) -> None:
    # botocore waits before a retry with time.sleep (up to 20 s under throttling), which a stop cannot wake: a try
    # that failed once a stop was asked is not retried. One that succeeded is kept: what it wrote is counted.
    failed = caught_exception is not None or (response is not None and "Error" in response[1])
    if failed:
        _refuse()


def stops_when_asked(client):
    """`client`, made to refuse every request, and every retry, once a stop is asked for; returns it."""
    # before-send is emitted for every attempt, so a retry loop stops too.
    client.meta.events.register_first("before-send", _refuse, unique_id="stop-when-asked")
    client.meta.events.register_first("needs-retry", _no_retry, unique_id="no-retry-when-asked")
    return client
