"""BatchWriteItem posted directly to a local server: the same answers, errors and hooks as through botocore."""
import socket
import threading

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from loaders.client import endpoint_client
from loaders.direct import DirectBatchWriteItem, batch_write_item
from loaders.errors import RequestRefusedByAWS, UnreadableAnswer
from loaders.items import row_to_item


@pytest.fixture
def puts(make_rows, readings_table) -> list[dict]:
    return [{"PutRequest": {"Item": row_to_item(row, readings_table)}} for row in make_rows(25)]


@pytest.mark.parametrize("endpoint, direct", [
    ("http://127.0.0.1:8000", True),
    ("http://localhost:8000", True),
    ("https://127.0.0.1:8000", False),
    ("http://dynamodb.internal.example:8000", False),
])
def test_only_a_plain_http_loopback_endpoint_is_written_directly(endpoint, direct):
    assert isinstance(batch_write_item(endpoint_client(endpoint)), DirectBatchWriteItem) is direct


def test_it_writes_and_answers_as_botocore_does(client, admin, readings, puts, scan):
    answer = batch_write_item(client)({readings: puts})
    assert sorted(i["reading_id"]["S"] for i in scan(readings)) == [f"R{i:04d}" for i in range(25)]
    through_botocore = admin.batch_write_item(RequestItems={readings: puts})
    assert answer == {k: v for k, v in through_botocore.items() if k != "ResponseMetadata"}


def test_requests_are_signed_by_botocore_with_the_clients_credentials(client, readings, puts):
    seen = []
    client.meta.events.register("before-send.dynamodb.BatchWriteItem", lambda request, **_: seen.append(request.headers))
    batch_write_item(client)({readings: puts})
    authorization = seen[0]["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/dynamodb/aws4_request" in authorization and "Signature=" in authorization


def test_the_guard_sees_every_direct_request(client, readings, puts, scan):
    extra = dict(puts[0], PutRequest={"Item": dict(puts[0]["PutRequest"]["Item"], reading_id={"S": "R9999"})})
    with pytest.raises(RequestRefusedByAWS, match="too many requests in a batch"):
        batch_write_item(client)({readings: puts + [extra]})
    assert scan(readings) == []


def test_an_error_answer_is_a_client_error_with_dynamodbs_code(client, prefix, puts):
    with pytest.raises(ClientError) as caught:
        batch_write_item(client)({f"{prefix}missing": puts})
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


class _Page:
    def stream(self, **_):
        yield b"<html>502 Bad Gateway</html>"


@pytest.mark.parametrize("status", [200, 502])
def test_an_answer_that_is_not_json_is_never_taken_for_success(client, readings, puts, status):
    client.meta.events.register("before-send.dynamodb.BatchWriteItem",
                                lambda request, **_: AWSResponse(request.url, status, {}, _Page()))
    expected = UnreadableAnswer if status == 200 else ClientError
    with pytest.raises(expected, match="Bad Gateway") as caught:
        batch_write_item(client)({readings: puts})
    if status != 200:
        assert caught.value.response["Error"]["Code"] == "HTTP 502"


def test_a_server_that_is_not_there_is_named(puts):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(EndpointConnectionError, match=f"127.0.0.1:{port}"):
        batch_write_item(endpoint_client(f"http://127.0.0.1:{port}"))({"readings": puts})


def test_a_connection_cut_before_the_answer_is_reported_as_closed(puts):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def hang_up():
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    try:
        with pytest.raises(ConnectionClosedError):
            batch_write_item(endpoint_client(f"http://127.0.0.1:{listener.getsockname()[1]}"))({"readings": puts})
    finally:
        listener.close()
