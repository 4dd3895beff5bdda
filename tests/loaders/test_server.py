"""The local server: started on a free port, waited for, logged, and always stopped."""
import sys

import pytest

from loaders.errors import ServerDidNotStart
from loaders.server import MotoServer, answers_http


class _Scripted(MotoServer):
    """A MotoServer running a small script instead of moto, to play a server that misbehaves."""

    def __init__(self, script: str, log_path, **kwargs):
        super().__init__(log_path, **kwargs)
        self.script = script

    def command(self, port):
        return [sys.executable, "-c", self.script, str(port)]


def test_the_server_answers_over_http_and_is_gone_after_the_block(tmp_path):
    log = tmp_path / "logs" / "moto.log"
    with MotoServer(log) as endpoint_url:
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
    server = _Scripted("import time; print('still booting', flush=True); time.sleep(60)", tmp_path / "s.log",
                       start_timeout=0.5, stop_timeout=2)
    with pytest.raises(ServerDidNotStart, match="did not answer within") as caught:
        server.start()
    assert "still booting" in caught.value.log_tail
    assert server.process is None


def test_a_server_that_ignores_terminate_is_killed(tmp_path):
    script = (
        "import signal, sys, http.server\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.BaseHTTPRequestHandler).serve_forever()\n"
    )
    server = _Scripted(script, tmp_path / "s.log", stop_timeout=0.3)
    server.start()
    process = server.process
    server.stop()
    assert process.returncode == -9
