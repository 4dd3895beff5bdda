"""Stopping the job when asked: Ctrl-C (SIGINT) and SIGTERM take one path, a KeyboardInterrupt in the main thread.

Python turns SIGINT into a KeyboardInterrupt, but SIGTERM ends the process
at once: no fixture is torn down, so the server the run started outlives it
and run.json is left as the last stage wrote it. For the session of a job's
suites (and only then: the plugin is a guest elsewhere) both signals ask
every client to stop (`loaders.dynamodb.stop`) and raise KeyboardInterrupt;
pytest then tears the session fixtures down, which stops the server, and
run.json says `finished: false`. The handlers found before are restored at
the end of the session.

pytest keeps a rendering of the interrupt's whole traceback, funcargs
included, though it prints only the last line unless --full-trace is given:
seconds of parsing sources and of formatting the run's frames and items, which
a stop cannot spare. The job's session gives it the last entry only.
"""

from __future__ import annotations

import signal
import threading

import pytest

from loaders.dynamodb import stop
from reporting.record import RunRecord

SIGNALS = (signal.SIGINT, signal.SIGTERM)
# The signal that stopped the run, by name; present (None) once the handlers are installed.
STOPPED_BY = pytest.StashKey[str | None]()


def stop_on_signals(config: pytest.Config) -> None:
    """Until the session ends, SIGINT and SIGTERM stop every request and raise KeyboardInterrupt in the main thread."""
    if STOPPED_BY in config.stash or threading.current_thread() is not threading.main_thread():
        return
    previous = {number: signal.getsignal(number) for number in SIGNALS}

    def asked(number: int, frame) -> None:
        config.stash[STOPPED_BY] = signal.Signals(number).name
        stop.ask()
        raise KeyboardInterrupt(f"stopped by {signal.Signals(number).name}")

    def restore() -> None:
        for number, handler in previous.items():
            if handler is not None:  # None: a handler set outside Python, which cannot be put back from here
                signal.signal(number, handler)
        stop.reset()

    stop.reset()
    config.stash[STOPPED_BY] = None
    config.add_cleanup(restore)
    for number in SIGNALS:
        signal.signal(number, asked)
    if not config.option.fulltrace:
        config.pluginmanager.register(_LastEntryOnly(), "contracts-interrupt-traceback")


class _LastEntryOnly:
    """pytest's report of an interrupt, cut to the entry it prints without --full-trace."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        excinfo.traceback = excinfo.traceback[-1:]


def stopped_line(record: RunRecord, signal_name: str | None, server: str | None) -> str:
    """One line on an interrupted run: by what, in which stage, what was written, what to do."""
    by = f"stopped by {signal_name}" if signal_name else "interrupted"
    stage = f"during the {record.interrupted}" if record.interrupted else "between stages"
    items = sum(s.created + s.updated + s.deleted for s in record.synced.values())
    if record.interrupted == "sync":
        written = (
            f"{len(record.synced)} tables were synced before it ({items} items written) and the one under way "
            "partly; what was changed is saved for --rollback"
        )
    elif record.synced:
        written = f"the sync was done before it ({len(record.synced)} tables, {items} items written)"
    else:
        written = "nothing was written to the deployment"
    stopped = f"; the local {server} server the run started is stopped" if server else ""
    return (
        f"{by} {stage}: {written}{stopped}; run.json says finished: false. "
        "Run the same command again to finish: it converges."
    )
