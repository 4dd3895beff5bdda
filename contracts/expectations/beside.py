"""One call run in another Python process, so that it has a core of its own.

The process is a fresh interpreter: it inherits nothing of this one, threads
and locks included, and, unlike multiprocessing's spawn, never runs the
caller's main script again. It imports what the call needs while this
process works on. The call and its answer are pickled through two pipes of
their own, so whatever it prints goes where this process's output goes. It
is in a process group of its own, so Ctrl-C reaches only this process, which
stops it; and it ends by itself when this process is gone (its pipe closes),
however this one ended.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import threading

_SERVE = f"import sys; from {__name__} import serve; serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])"


class BesideStopped(RuntimeError):
    """The other process ended without an answer (killed, out of memory)."""


class Beside:
    """`with Beside(modules) as other: other.call(f, *args) ... other.result()`; `f` must be importable by name."""

    def __init__(self, modules: tuple[str, ...]):
        calls, call = os.pipe()
        answer, answers = os.pipe()
        # The caller's import path, so that the call's module is found as it is here.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _SERVE, str(calls), str(answers), *modules],
                pass_fds=(calls, answers),
                env=env,
                stdin=subprocess.DEVNULL,
                process_group=0,
            )
        except BaseException:
            os.close(call)
            os.close(answer)
            raise
        finally:
            os.close(calls)
            os.close(answers)
        self._calls, self._answers = os.fdopen(call, "wb"), os.fdopen(answer, "rb")

    def call(self, function, *args) -> None:
        pickle.dump((function, args), self._calls)
        self._calls.flush()

    def result(self):
        try:
            answered, value = pickle.load(self._answers)
        except EOFError:
            raise BesideStopped(
                f"the process it ran in ended without an answer (exit code {self._process.wait()})"
            ) from None
        if not answered:
            raise value
        return value

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for end in (self._calls, self._answers):
            try:
                end.close()
            except OSError:  # the other end is gone: nothing was waiting for what is left in the pipe
                pass


def serve(calls: int, answers: int, modules: list[str]) -> None:
    """The other process: import `modules`, take one call, answer it."""
    for module in modules:
        importlib.import_module(module)
    with os.fdopen(calls, "rb") as incoming, os.fdopen(answers, "wb") as outgoing:
        try:
            function, args = pickle.load(incoming)
        except EOFError:  # the caller went away without a call
            return
        except Exception as error:
            outgoing.write(_sendable(error))
            return
        # The caller never writes again: the end of this pipe means it is gone, and nobody waits for the answer.
        threading.Thread(target=_end_with, args=(incoming,), daemon=True).start()
        try:
            answer = pickle.dumps((True, function(*args)))
        except Exception as error:  # sent back to be raised there, as a call made there would raise it
            answer = _sendable(error)
        outgoing.write(answer)


def _end_with(incoming) -> None:
    incoming.read()
    os._exit(1)


def _sendable(error: Exception) -> bytes:
    """The error pickled, if it can be rebuilt on the other side; else its type and message."""
    try:
        answer = pickle.dumps((False, error))
        pickle.loads(answer)  # an exception whose __init__ takes more than its message pickles but does not load
        return answer
    except Exception:
        return pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))
