"""The local servers: started on a free port, waited for, logged, and always stopped."""

import sys
import time

import pytest

from loaders.dynamodb.client import endpoint_client
from loaders.errors import ServerDidNotStart
from plugin.servers import DynaliteServer, MotoServer, answers_http


class _Scripted(MotoServer):
    """A MotoServer running a small script instead of moto, to play a server that misbehaves."""

    def __init__(self, script: str, log_path, **kwargs):
        super().__init__(log_path, **kwargs)
        self.script = script

    def command(self, port):
        return [sys.executable, "-c", self.script, str(port)]


def _dynalite(log_path, **options):
    server = DynaliteServer(log_path, **options)
    if server.missing():
        pytest.skip(server.missing())
    return server


SERVERS = {"moto": MotoServer, "dynalite": _dynalite}


@pytest.mark.parametrize("make_server", SERVERS.values(), ids=SERVERS.keys())
def test_the_server_answers_over_http_and_is_gone_after_the_block(make_server, tmp_path):
    log = tmp_path / "logs" / "server.log"
    with make_server(log) as endpoint_url:
        port = int(endpoint_url.rsplit(":", 1)[1])
        assert endpoint_url.startswith("http://127.0.0.1:")
        assert answers_http("127.0.0.1", port)
    assert not answers_http("127.0.0.1", port)
    assert log.exists()


def test_a_server_that_exits_at_once_is_reported_with_its_log(tmp_path):
    server = _Scripted("print('cannot bind: port taken'); raise SystemExit(3)", tmp_path / "s.log")
    with pytest.raises(ServerDidNotStart, match="exited with code 3") as caught:
        server.start()
    assert "cannot bind" in caught.value.log_tail
    assert server.process is None


def test_a_server_that_never_answers_is_stopped_after_the_bounded_wait(tmp_path):
    server = _Scripted(
        "import time; print('still booting', flush=True); time.sleep(60)", tmp_path / "s.log", start_timeout=0.5
    )
    with pytest.raises(ServerDidNotStart, match="did not answer within") as caught:
        server.start()
    assert "still booting" in caught.value.log_tail
    assert server.process is None


def test_a_server_that_ignores_terminate_is_stopped_at_once(tmp_path):
    script = (
        "import signal, sys, http.server\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.BaseHTTPRequestHandler).serve_forever()\n"
    )
    server = _Scripted(script, tmp_path / "s.log")
    server.start()
    process = server.process
    server.stop()
    assert process.returncode == -9


def test_dynalite_answers_dynamodb_requests(tmp_path):
    with _dynalite(tmp_path / "dynalite.log") as endpoint_url:
        assert endpoint_client(endpoint_url).list_tables()["TableNames"] == []


def test_dynalite_keeps_a_new_table_creating_for_as_long_as_it_is_told(tmp_path):
    with _dynalite(tmp_path / "dynalite.log", create_table_ms=60_000) as endpoint_url:
        client = endpoint_client(endpoint_url)
        client.create_table(
            TableName="slow",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )
        # Past dynalite's own default of 500 ms: only the option can keep the table CREATING now.
        time.sleep(1)
        assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "CREATING"


def test_dynalite_not_installed_is_refused_with_the_remedy(tmp_path):
    server = DynaliteServer(tmp_path / "d.log", root=tmp_path)
    assert "npm ci" in server.missing()
    with pytest.raises(ServerDidNotStart, match="cannot be run") as caught:
        server.start()
    assert "npm ci" in str(caught.value)
    assert server.process is None
