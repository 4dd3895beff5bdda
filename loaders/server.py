"""A local DynamoDB-compatible server: moto_server in its own process, over real HTTP.

A separate process (not moto's in-process mock) so the loader and the live
suite talk to it exactly as to AWS: serialisation, HTTP, connection pool and
retries included.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from loaders.errors import ServerDidNotStart

LOG_TAIL_LINES = 30
# Another process can take the free port between the check and the bind.
PORT_ATTEMPTS = 3


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers_http(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether something answers an HTTP request on host:port (any status will do)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/moto-api/")
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


class MotoServer:
    """moto_server on 127.0.0.1 and a free port, logging to `log_path`.

    Use as a context manager: `with MotoServer(path) as endpoint_url: ...`
    starts it, waits until it answers (at most `start_timeout` seconds), and
    always stops it (terminate, then kill after `stop_timeout` seconds).
    `env` adds to the server's environment (moto's settings, such as
    INITIAL_NO_AUTH_ACTION_COUNT, which turns IAM enforcement on).
    """

    def __init__(self, log_path: Path, *, host: str = "127.0.0.1", port: int | None = None,
                 start_timeout: float = 30.0, stop_timeout: float = 5.0, env: Mapping[str, str] | None = None):
        self.log_path = Path(log_path)
        self.env = dict(env or {})
        self.host, self.port = host, port
        self.start_timeout, self.stop_timeout = start_timeout, stop_timeout
        self.process: subprocess.Popen | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        """`http://127.0.0.1:PORT` while the server runs."""
        if self.process is None:
            raise RuntimeError("the server is not running; call start() or use it in a with block")
        return f"http://{self.host}:{self.port}"

    def command(self, port: int) -> list[str]:
        """The command that serves on `port`: moto_server, run by this interpreter."""
        return [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(port)]

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
                port_taken = error.exit_code is not None and "already in use" in error.log_tail
                if fixed_port or not port_taken or attempt == PORT_ATTEMPTS:
                    raise
            except BaseException:
                # Interrupted while waiting (Ctrl-C): the process must not outlive us.
                self.stop()
                raise

    def _launch(self, port: int) -> None:
        command = self.command(port)
        self.port = port
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **self.env} if self.env else None)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.flush()
                raise ServerDidNotStart(command, self.log_path, self.start_timeout, log_tail(self.log_path), self.process.returncode)
            if answers_http(self.host, port):
                return
            time.sleep(0.05)
        raise ServerDidNotStart(command, self.log_path, self.start_timeout, log_tail(self.log_path), None)

    def stop(self) -> None:
        """Stop the server if it runs: terminate, then kill if it has not exited after `stop_timeout`."""
        process, self.process = self.process, None
        try:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
