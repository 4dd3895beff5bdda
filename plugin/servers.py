"""Local DynamoDB-compatible servers, each in its own process, over real HTTP.

A separate process (not moto's in-process mock) so the loader and the live
suite talk to it exactly as to AWS: serialisation, HTTP, connection pool and
retries included. Two servers share one way of starting and stopping:
`MotoServer` (moto_server, lenient) and `DynaliteServer` (dynalite from npm,
which reproduces DynamoDB's validation and messages).

A server runs in a process group of its own, so a Ctrl-C at the terminal
reaches the run, which then stops it, and not the server halfway through a
request; the group is killed when the run stops it, and at the latest when
the interpreter exits.
"""

from __future__ import annotations

import atexit
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from loaders.errors import ServerDidNotStart

LOG_TAIL_LINES = 30
# Another process can take the free port between the check and the bind.
PORT_ATTEMPTS = 3
# How a server says that its port was taken: Python's socket error, Node's error code.
PORT_TAKEN_SIGNS = ("already in use", "EADDRINUSE")
# node_modules/ lives beside package.json, at the root of the repository (the parent of loaders/).
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers_http(host: str, port: int, path: str = "/", timeout: float = 0.5) -> bool:
    """Whether something answers an HTTP request for `path` on host:port (any status will do)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(the log is empty)"


class LocalServer(ABC):
    """A server process on 127.0.0.1 and a free port, logging to `log_path`.

    Use as a context manager: `with Server(path) as endpoint_url: ...`
    starts it, waits until it answers (at most `start_timeout` seconds), and
    always stops it.
    `env` adds to the server's environment (moto's settings, such as
    INITIAL_NO_AUTH_ACTION_COUNT, which turns IAM enforcement on).
    """

    #: What the server is called in messages.
    name: str
    #: What to do when it does not start.
    remedy: str
    #: What to ask for to learn that it answers.
    probe_path: str = "/"

    def __init__(
        self,
        log_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        start_timeout: float = 30.0,
        env: Mapping[str, str] | None = None,
    ):
        self.log_path = Path(log_path)
        self.env = dict(env or {})
        self.host, self.port = host, port
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self._log: IO[bytes] | None = None

    @abstractmethod
    def command(self, port: int) -> list[str]:
        """The command that serves on `port`."""

    @property
    def endpoint_url(self) -> str:
        """`http://127.0.0.1:PORT` while the server runs."""
        if self.process is None:
            raise RuntimeError("the server is not running; call start() or use it in a with block")
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        """Start the server and wait until it answers; returns its endpoint URL."""
        if self.process is not None:
            return self.endpoint_url
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        fixed_port, attempt = self.port, 0
        while True:
            attempt += 1
            self._log = self.log_path.open("wb" if attempt == 1 else "ab")
            try:
                self._launch(fixed_port or free_port(self.host))
                return self.endpoint_url
            except ServerDidNotStart as error:
                self.stop()
                port_taken = error.exit_code is not None and any(sign in error.log_tail for sign in PORT_TAKEN_SIGNS)
                if fixed_port or not port_taken or attempt == PORT_ATTEMPTS:
                    raise
            except BaseException:
                # Interrupted while waiting (Ctrl-C): the process must not outlive us.
                self.stop()
                raise

    def _launch(self, port: int) -> None:
        command = self.command(port)
        self.port = port
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env} if self.env else None,
                start_new_session=True,
            )
        except OSError as error:
            raise self._did_not_start(command, f"cannot be run: {error.strerror}", None) from None
        # Should a stop be skipped (a second signal during the teardown), the server still goes with the interpreter.
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.flush()
                raise self._did_not_start(
                    command, f"exited with code {self.process.returncode}", self.process.returncode
                )
            if answers_http(self.host, port, self.probe_path):
                return
            time.sleep(0.05)
        raise self._did_not_start(command, f"did not answer within {self.start_timeout:.0f} s", None)

    def _did_not_start(self, command: list[str], state: str, exit_code: int | None) -> ServerDidNotStart:
        return ServerDidNotStart(
            self.name, command, self.log_path, state, log_tail(self.log_path), exit_code, self.remedy
        )

    def stop(self) -> None:
        """Stop the server if it runs, at once.

        It holds its tables in memory only, so a clean shutdown saves nothing:
        SIGKILL, because moto answers SIGTERM with `sys.exit`, and the
        interpreter's teardown of a loaded sample takes seconds.
        """
        process, self.process = self.process, None
        atexit.unregister(self.stop)
        try:
            if process is not None and process.poll() is None:
                _kill_group(process)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def detach(self) -> int:
        """Leave the started server running after this process ends; returns its pid."""
        process, self.process = self.process, None
        atexit.unregister(self.stop)
        if self._log is not None:
            self._log.close()
            self._log = None
        return process.pid

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the server's process group (its own, from start_new_session), then reap the server."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


class MotoServer(LocalServer):
    """moto_server, run by this interpreter: accepts much that AWS refuses (the guard makes up for it)."""

    name = "moto server"
    # moto's own API: a request there is not a DynamoDB action, so it does not use up INITIAL_NO_AUTH_ACTION_COUNT.
    probe_path = "/moto-api/"
    remedy = "Check that moto[server] is installed in this interpreter, or point --endpoint-url at a running server."

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(port)]


class DynaliteServer(LocalServer):
    """dynalite (npm, pinned in package.json), in memory: refuses what DynamoDB refuses, with its messages.

    Tables stay CREATING, UPDATING and DELETING for the given milliseconds
    (0 by default; AWS takes seconds, which a benchmark may want to play).
    With `path`, the tables are kept on disk there (LevelDB) instead of in memory.
    """

    name = "dynalite server"

    def __init__(
        self,
        log_path: Path,
        *,
        create_table_ms: int = 0,
        update_table_ms: int = 0,
        delete_table_ms: int = 0,
        root: Path = REPOSITORY_ROOT,
        path: Path | None = None,
        **options,
    ):
        super().__init__(log_path, **options)
        self.path = path
        self.create_table_ms, self.update_table_ms, self.delete_table_ms = (
            create_table_ms,
            update_table_ms,
            delete_table_ms,
        )
        self.executable = Path(root) / "node_modules" / ".bin" / "dynalite"
        self.remedy = f"Install it with `npm ci` in {root} (Node.js 20 or later), or run the suite on moto."

    def missing(self) -> str | None:
        """Why dynalite cannot run here (no Node.js, or `npm ci` not run), or None if it can."""
        if shutil.which("node") is None:
            return f"Node.js is not installed; {self.remedy}"
        if not self.executable.exists():
            return f"{self.executable} does not exist; {self.remedy}"
        return None

    def command(self, port: int) -> list[str]:
        return [
            str(self.executable),
            "--host",
            self.host,
            "--port",
            str(port),
            "--createTableMs",
            str(self.create_table_ms),
            "--updateTableMs",
            str(self.update_table_ms),
            "--deleteTableMs",
            str(self.delete_table_ms),
            *(["--path", str(self.path)] if self.path else []),
        ]
