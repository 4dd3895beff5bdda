"""`dynamodb-contracts server start|stop|status`: a local deployment that keeps its tables in a folder between runs.

dynalite (pinned in package.json) with `--path DIR`: its tables live in a
LevelDB store in DIR, so a rerun, or a changed export, can be tried on what
the last run left. It runs detached on 127.0.0.1 and writes DIR/server.json
(pid, endpoint); `stop` stops that process and no other, `status` says
whether it answers.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import time
from pathlib import Path

from loaders.errors import ServerDidNotStart
from plugin.servers import DynaliteServer, answers_http

DEFAULT_PATH = Path("build/dynamodb-local")
DEFAULT_PORT = 8000
STATE = "server.json"
# How long a stopped server may take to go before it is killed.
STOP_WAIT = 10.0
NOT_RUNNING = 3  # as an LSB init script's status answers


def _running(folder: Path) -> dict | None:
    """The state of the server this folder's file names, if that process is still the dynalite it started."""
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
        command = Path(f"/proc/{state['pid']}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, KeyError):
        return None
    # A pid the system has given to another process since is not ours to stop.
    ours = any(part.endswith(b"dynalite") for part in command) and str(folder / "data").encode() in command
    return state if ours else None


def start(folder: Path, port: int) -> int:
    state = _running(folder)
    if state:
        print(
            f"already running at {state['endpoint']} (pid {state['pid']}, data in {folder}); run with "
            f"--endpoint-url={state['endpoint']}"
        )
        return 0
    if _taken(port):
        print(f"error: 127.0.0.1:{port} is taken by another process: choose another --port")
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    server = DynaliteServer(folder / "dynalite.log", path=folder / "data", port=port)
    problem = server.missing()
    if problem:
        print(f"error: cannot start dynalite: {problem}")
        return 1
    try:
        endpoint = server.start()
    except ServerDidNotStart as error:
        print(
            f"error: dynalite did not start on 127.0.0.1:{port}: see {error.log_path}; if the port is taken, "
            "choose another with --port"
        )
        return 1
    pid = server.detach()
    (folder / STATE).write_text(json.dumps({"pid": pid, "endpoint": endpoint}) + "\n", encoding="utf-8")
    print(f"dynalite runs at {endpoint} (pid {pid}), its tables kept in {folder}; run with --endpoint-url={endpoint}")
    return 0


def stop(folder: Path) -> int:
    state = _running(folder)
    (folder / STATE).unlink(missing_ok=True)
    if not state:
        print(f"no server of {folder} is running")
        return 0
    pid = state["pid"]
    os.killpg(pid, signal.SIGTERM)  # its own process group (plugin.servers starts it in a session of its own)
    deadline = time.monotonic() + STOP_WAIT
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
    print(f"stopped the server at {state['endpoint']} (pid {pid}); its tables stay in {folder}")
    return 0


def _taken(port: int) -> bool:
    # A server that answered on a taken port would be mistaken for the one just started.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As node binds: a port whose last connections are closing (TIME_WAIT) is free, one listened on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def status(folder: Path) -> int:
    state = _running(folder)
    if not state:
        print(f"not running (data folder {folder}); start it with `dynamodb-contracts server start`")
        return NOT_RUNNING
    host, port = state["endpoint"].removeprefix("http://").split(":")
    answering = "" if answers_http(host, int(port)) else ", but it does not answer: stop it and start it again"
    print(
        f"running at {state['endpoint']} (pid {state['pid']}, data in {folder}){answering}; run with "
        f"--endpoint-url={state['endpoint']}"
    )
    return 0 if not answering else 1


def server_command(argv: list[str], cwd: Path) -> int:
    """`dynamodb-contracts server start|stop|status`: a local dynalite that keeps its tables in a folder between runs."""
    parser = argparse.ArgumentParser(prog="dynamodb-contracts server", description=server_command.__doc__)
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument(
        "--path", type=Path, default=DEFAULT_PATH, help="where its tables are kept (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="its port on 127.0.0.1 (default: %(default)s)")
    args = parser.parse_args(argv)
    folder = (cwd / args.path).resolve()
    if args.action == "start":
        return start(folder, args.port)
    return stop(folder) if args.action == "stop" else status(folder)
