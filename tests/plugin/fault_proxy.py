"""The latency proxy with faults: a request can have its connection dropped, its answer stalled, or the endpoint die.

`FaultProxy(upstream, rule)` asks `rule(request)` what to do with each
request before it goes upstream; `request` is a `Request` (its DynamoDB or
CloudWatch operation, and the how-manieth request of that operation it is).
The proxy answers as `benchmarks.latency_proxy` does (byte for byte,
keep-alive) unless the rule says otherwise:

- `Drop(after=False)`: the connection is closed without an answer, before the
  request is forwarded (nothing happened) or after (it happened, the answer is lost);
- `Stall(seconds)`: the request is forwarded and its answer held back that long;
- `Die()`: this request is dropped, and the proxy stops: its open connections
  are closed and new ones refused, as when a server is killed.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.latency_proxy import LatencyProxy, _Handler


@dataclass(frozen=True)
class Request:
    operation: str  # BatchWriteItem, Scan, PutMetricData, ...
    nth: int  # 1 for the first request of this operation through the proxy


@dataclass(frozen=True)
class Drop:
    after: bool = False


@dataclass(frozen=True)
class Stall:
    seconds: float


@dataclass(frozen=True)
class Die:
    pass


Fault = Drop | Stall | Die | None
Rule = Callable[[Request], Fault]


class _FaultHandler(_Handler):
    def _relay(self) -> None:
        server = self.server
        # The target is the service's version and the operation: DynamoDB_20120810.Scan, GraniteServiceVersion20100801.PutMetricData.
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        with server.counting:
            server.seen[operation] += 1
            fault = server.rule(Request(operation, server.seen[operation]))
            if fault is not None:
                server.faults.append((operation, fault))
        if isinstance(fault, Die) or (isinstance(fault, Drop) and not fault.after):
            length = self.headers.get("Content-Length")
            if length:
                self.rfile.read(int(length))  # the whole request arrived: the client waits for an answer
            self._hang_up()
            if isinstance(fault, Die):
                threading.Thread(target=server.proxy.stop, name="fault-proxy-stop", daemon=True).start()
            return
        answer, real = io.BytesIO(), self.wfile
        self.wfile = answer if fault is not None else real
        super()._relay()
        self.wfile = real
        if isinstance(fault, Drop):
            self._hang_up()
        elif isinstance(fault, Stall):
            time.sleep(fault.seconds)
            try:
                real.write(answer.getvalue())
            except OSError:
                self.close_connection = True  # the client gave up waiting: its retry went on another connection

    # The base class binds its own _relay to these names.
    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _relay

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class FaultProxy(LatencyProxy):
    """`with FaultProxy(upstream_url, rule) as url:` a proxy on 127.0.0.1 that applies `rule` to every request.

    `seen` counts the requests by operation, `faults` lists the faults applied.
    """

    def __init__(self, upstream_url: str, rule: Rule):
        super().__init__(upstream_url, delay=0.0)
        self.rule = rule
        self.seen: Counter = Counter()
        self.faults: list[tuple[str, Fault]] = []

    def start(self) -> str:
        url = super().start()
        server = self._server
        server.RequestHandlerClass = _FaultHandler
        server.rule, server.seen, server.faults, server.proxy = self.rule, self.seen, self.faults, self
        server.counting = threading.Lock()
        return url
