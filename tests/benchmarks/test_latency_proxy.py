"""The latency proxy of the AWS-like benchmark: it adds its delay to every request and changes nothing else."""

import http.client
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from benchmarks.latency_proxy import LatencyProxy
from loaders.dynamodb.client import endpoint_client
from plugin.servers import MotoServer

TABLE = {
    "TableName": "proxied",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory):
    with MotoServer(tmp_path_factory.mktemp("moto") / "moto_server.log") as endpoint_url:
        direct = endpoint_client(endpoint_url)
        direct.create_table(**TABLE)
        for n in range(30):
            direct.put_item(
                TableName="proxied",
                Item={
                    "pk": {"S": f"k{n:02d}"},
                    "text": {"S": 'O\'Brien "é" ’'},
                    "n": {"N": "3.14159265358979323846264338327950288"},
                },
            )
        yield endpoint_url


class _Recorder(BaseHTTPRequestHandler):
    """An upstream that records each request as it arrived and answers with a fixed body."""

    protocol_version = "HTTP/1.1"
    seen: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.command, self.path, self.headers.items(), body))
        answer = b'{"answered": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("x-amzn-RequestId", "recorded")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_):
        pass


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def _without_metadata(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def test_answers_through_the_proxy_are_the_servers_own(moto_endpoint):
    direct = endpoint_client(moto_endpoint)
    with LatencyProxy(moto_endpoint, delay=0.001) as url:
        proxied = endpoint_client(url)
        for call in (
            lambda c: c.scan(TableName="proxied", Limit=7),
            lambda c: c.get_item(TableName="proxied", Key={"pk": {"S": "k03"}}),
            lambda c: c.describe_table(TableName="proxied"),
        ):
            assert _without_metadata(call(proxied)) == _without_metadata(call(direct))
        with pytest.raises(proxied.exceptions.ResourceNotFoundException):
            proxied.describe_table(TableName="missing")


def test_a_request_reaches_the_server_byte_for_byte_with_the_clients_host(recorder):
    upstream, seen = recorder
    body = json.dumps({"TableName": "t", "Key": {"pk": {"S": "O'Brien é"}}}, ensure_ascii=False).encode()
    with LatencyProxy(upstream, delay=0.001) as url:
        host = url.removeprefix("http://")
        headers = [
            ("Host", host),
            ("X-Amz-Target", "DynamoDB_20120810.GetItem"),
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Date", "20260314T063500Z"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260314/us-east-1/dynamodb/aws4_request, "
                "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123",
            ),
            ("Content-Length", str(len(body))),
        ]
        request = "".join(f"{k}: {v}\r\n" for k, v in [*headers, ("Connection", "keep-alive")])
        with socket.create_connection(("127.0.0.1", int(host.rsplit(":", 1)[1])), timeout=5) as raw:
            raw.sendall(f"POST /?x=1 HTTP/1.1\r\n{request}\r\n".encode() + body)
            response = http.client.HTTPResponse(raw)
            response.begin()
            assert (response.status, response.read(), response.getheader("x-amzn-RequestId")) == (
                200,
                b'{"answered": true}',
                "recorded",
            )
    [(method, path, received, received_body)] = seen
    assert (method, path, received_body) == ("POST", "/?x=1", body)
    # Connection is hop-by-hop: each side's own; everything else arrives as sent, in order.
    assert received == headers


def test_every_request_pays_the_delay_once(recorder, monkeypatch):
    upstream, seen = recorder
    # The delays asked for, not the time that passed: a loaded machine changes the one, never the other.
    slept = []
    monkeypatch.setattr("benchmarks.latency_proxy.time", SimpleNamespace(sleep=slept.append))
    with LatencyProxy(upstream, delay=0.1) as url:
        connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=5)
        for _ in range(5):
            connection.request("POST", "/", body=b"{}")
            connection.getresponse().read()
        connection.close()
    assert (slept, len(seen)) == ([0.1] * 5, 5)


def test_a_client_keeps_its_connection_alive_through_the_proxy(moto_endpoint):
    proxy = LatencyProxy(moto_endpoint, delay=0.001)
    with proxy as url:
        client = endpoint_client(url)
        for n in range(20):
            client.get_item(TableName="proxied", Key={"pk": {"S": f"k{n:02d}"}})
        pages = list(client.get_paginator("scan").paginate(TableName="proxied", Limit=4))
        assert sum(len(p["Items"]) for p in pages) == 30
        assert proxy.connections_accepted == 1


def test_leaving_the_block_stops_the_proxy_and_its_open_connections(moto_endpoint):
    proxy = LatencyProxy(moto_endpoint, delay=0.001)
    with proxy as url:
        port = int(url.rsplit(":", 1)[1])
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        kept.request("GET", "/moto-api/")
        kept.getresponse().read()
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        kept.request("GET", "/moto-api/")
        kept.getresponse().read()
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/moto-api/")
    with pytest.raises(RuntimeError, match="not running"):
        _ = proxy.url
