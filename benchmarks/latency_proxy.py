"""A reverse proxy on 127.0.0.1 that adds a fixed delay to every request, as the network round trip to AWS would.

Put it in front of a local DynamoDB server (moto_server, dynalite) so a
benchmark pays per request what a client in another place pays to AWS:

    with LatencyProxy("http://127.0.0.1:8000", delay=0.02) as url:
        client = endpoint_client(url)

Requests and answers pass byte for byte: the Host header goes upstream as the
client sent it (SigV4 signs it), the body unchanged. Only hop-by-hop headers
(RFC 9110, section 7.6.1) are left to each side's own connection, so HTTP/1.1
keep-alive works towards the client (botocore pools its connections) and
towards the server. A request body needs a Content-Length, as botocore always
sends for DynamoDB; a chunked one is refused with 411.

To make CreateTable and a GSI's UpdateTable slow as on AWS, run dynalite with
`--createTableMs 5000 --updateTableMs 5000` behind the proxy: the proxy only
delays, it never changes an answer.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

DEFAULT_DELAY = 0.02
# Headers that describe one connection, not the message (RFC 9110, 7.6.1): each side sets its own.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# A client connection idle this long is closed, as AWS's endpoints close idle connections.
IDLE_SECONDS = 60.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)
            # This thread's connection to the server ends with the client's.
            self.server.upstream.close()

    def _relay(self) -> None:
        length = self.headers.get("Content-Length")
        if length is None and "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._answer(411, b"the latency proxy needs a Content-Length on a request body")
            return
        body = self.rfile.read(int(length)) if length else None
        time.sleep(self.server.delay)
        try:
            status, reason, headers, answer = self.server.upstream.forward(
                self.command, self.path, [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP], body
            )
        except (OSError, http.client.HTTPException) as error:
            self._answer(502, f"the latency proxy could not reach {self.server.upstream.address}: {error}".encode())
            return
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        # The answer was read whole: its length is known, so the connection can stay open.
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    def _answer(self, status: int, text: bytes) -> None:
        self.send_response_only(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(text)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _relay

    def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's own signature
        """Quiet: a benchmark's output is its figures."""


class _Upstream:
    """One keep-alive connection to the server per proxy thread."""

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the latency proxy forwards to a plain http:// server, not {url!r}")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.address = f"{self.host}:{self.port}"
        self._local = threading.local()

    def forward(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes | None):
        """Send one request as given; returns (status, reason, headers, body)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            try:
                return self._send(connection, method, path, headers, body)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                pass  # The server closed this idle connection: it read nothing of the request on it; a new one.
        self._local.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._send(self._local.connection, method, path, headers, body)

    def _send(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
    ):
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.endheaders(body)
            response = connection.getresponse()
            answer = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, response.reason, response.getheaders(), answer

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, upstream: _Upstream, delay: float):
        super().__init__(address, _Handler)
        self.upstream, self.delay = upstream, delay
        self.connections_accepted = 0
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def opened(self, connection: socket.socket) -> None:
        with self._lock:
            self.connections_accepted += 1
            self._open.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)

    def close_connections(self) -> None:
        """End the client connections still open: their threads would otherwise go on serving them."""
        with self._lock:
            still_open = list(self._open)
        for connection in still_open:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class LatencyProxy:
    """`with LatencyProxy(upstream_url, delay=0.02) as url:` a proxy on 127.0.0.1 and a free port that delays every
    request by `delay` seconds before passing it to `upstream_url`; stopped, with its connections, on leaving."""

    def __init__(
        self,
        upstream_url: str,
        delay: float = DEFAULT_DELAY,
        *,
        host: str = "127.0.0.1",
        upstream_timeout: float = 120.0,
    ):
        self.upstream_url, self.delay, self.host = upstream_url, delay, host
        self._upstream = _Upstream(upstream_url, upstream_timeout)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not running; call start() or use it in a with block")
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def connections_accepted(self) -> int:
        """Client connections accepted so far: with keep-alive, one per connection in the client's pool."""
        return self._server.connections_accepted if self._server else 0

    def start(self) -> str:
        if self._server is None:
            self._server = _Server((self.host, 0), self._upstream, self.delay)
            self._thread = threading.Thread(target=self._server.serve_forever, name="latency-proxy", daemon=True)
            self._thread.start()
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        self._thread.join()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *_) -> None:
        self.stop()
