"""BatchWriteItem to a server on this machine, without botocore's request pipeline.

A local server shares this machine's CPU with the loader, so every
millisecond the client spends on a batch is taken from the server. botocore
spends about 1.8 ms per batch of 25 items (serializing through the service
model, urllib3, response parsing); posting the same request with `json.dumps`
and `http.client` spends about 1.1 ms, which brings the loader from about 87%
to 91–94% of what the server can take (`make benchmark`).

The request still goes through the client's own events, in botocore's order:
`before-parameter-build` (the guard), `request-created` (botocore's signer,
with the client's credentials and region) and `before-send` (a handler that
answers in the server's place, as the fault-injection tests do). Other
endpoints, AWS included, keep botocore's path: there the server's CPU is not
ours to save, and botocore's TLS, proxy and retry handling matter.
"""
from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from loaders.client import is_loopback
from loaders.errors import UnreadableAnswer

OPERATION = "BatchWriteItem"
_HEADERS = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{OPERATION}"}


class DirectBatchWriteItem:
    """`send(request_items)` answers as `client.batch_write_item(RequestItems=request_items)` does.

    Items must already be in DynamoDB's JSON form (loaders.items makes them
    so). An error answer raises `ClientError` with DynamoDB's error code, as
    botocore would; a dropped connection raises `ConnectionClosedError`.
    """

    def __init__(self, client):
        self.client, self.timeout = client, client.meta.config.read_timeout
        self.url = client.meta.endpoint_url
        self.model = client.meta.service_model.operation_model(OPERATION)
        self._event = f"{client.meta.service_model.service_id.hyphenize()}.{OPERATION}"

    def __call__(self, request_items: dict) -> dict:
        events = self.client.meta.events
        params = {"RequestItems": request_items}
        events.emit(f"before-parameter-build.{self._event}", params=params, model=self.model, context={})
        request = AWSRequest("POST", self.url, dict(_HEADERS), json.dumps(params, separators=(",", ":")).encode())
        events.emit(f"request-created.{self._event}", request=request, operation_name=OPERATION)
        prepared = request.prepare()
        _, answer = events.emit_until_response(f"before-send.{self._event}", request=prepared)
        if answer is not None:
            status, body = answer.status_code, answer.content
        else:
            status, body = self._post(prepared)
        if status == 200:
            try:
                return json.loads(body)
            except ValueError as error:
                raise UnreadableAnswer(self.url, OPERATION, status, body) from error
        reply = _json(body)
        code = str(reply.get("__type", f"HTTP {status}")).rpartition("#")[2]
        message = reply.get("message") or reply.get("Message") or body[:200].decode(errors="replace")
        raise ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
                          OPERATION)

    def _post(self, prepared) -> tuple[int, bytes]:
        # One connection per request: moto, like most local servers, closes it after each answer anyway.
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=self.timeout)
        try:
            try:
                connection.connect()
            except OSError as error:
                raise EndpointConnectionError(endpoint_url=self.url, error=error) from error
            try:
                connection.request("POST", address.path or "/", prepared.body, dict(prepared.headers.items()))
                response = connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as error:
                raise ConnectionClosedError(endpoint_url=self.url) from error
        finally:
            connection.close()


def _json(body: bytes) -> dict:
    """An error answer's JSON, or {} for a body that has none (a proxy's or a crashed server's page)."""
    try:
        return json.loads(body) if body else {}
    except ValueError:
        return {}


def batch_write_item(client) -> Callable[[dict], dict]:
    """How to send a BatchWriteItem with `client`: directly to a plain-HTTP loopback endpoint, else through botocore."""
    if is_loopback(client.meta.endpoint_url) and urlsplit(client.meta.endpoint_url).scheme == "http":
        return DirectBatchWriteItem(client)
    return through_botocore(client)


def through_botocore(client) -> Callable[[dict], dict]:
    """BatchWriteItem through botocore's own pipeline."""
    return lambda request_items: client.batch_write_item(RequestItems=request_items)
