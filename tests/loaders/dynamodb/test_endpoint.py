"""Endpoint URLs: one parse that agrees with how botocore connects, and no secret in any output."""

import pytest
from botocore.exceptions import EndpointConnectionError

from loaders.dynamodb.endpoint import Endpoint, is_loopback, parse_endpoint, scrub, shown
from loaders.errors import UnsafeEndpoint

CANARY = "CANARY-7f3e9a"
BACKSLASH = "http://10.255.255.1:8000\\@127.0.0.1:8000"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", Endpoint("http", "127.0.0.1", 8000, "")),
        ("HTTP://LOCALHOST:8000/", Endpoint("http", "localhost", 8000, "/")),
        ("https://dynamodb.eu-west-1.amazonaws.com", Endpoint("https", "dynamodb.eu-west-1.amazonaws.com", None, "")),
        ("http://[::1]:8000", Endpoint("http", "::1", 8000, "")),
    ],
)
def test_a_plain_url_is_parsed_once(url, expected):
    assert parse_endpoint(url) == expected
    assert parse_endpoint(expected.url) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (BACKSLASH, "backslash"),
        ("http://u:pw@127.0.0.1:8000", "user info"),
        ("http://127.0.0.1:8000@10.0.0.1", "user info"),
        ("http://127.0.0.1:8000/?x=1", "query"),
        ("http://127.0.0.1:8000/#frag", "query or a fragment"),
        ("http://127.0.0.1 :8000", "space"),
        ("http://127.0.0.1:8000\n", "control"),
        ("ftp://127.0.0.1:8000", "scheme"),
        ("127.0.0.1:8000", "scheme"),
        ("http://", "no host"),
        ("http://127.0.0.1:99999", "port"),
        ("http://127%2e0.0.1:8000", "percent"),
        ("http://127.0.0.1:8000:9", "port"),
        ("http://ex_ample.com", "botocore"),
    ],
)
def test_anything_ambiguous_is_refused(url, problem):
    with pytest.raises(UnsafeEndpoint, match=problem):
        parse_endpoint(url)


LOOPBACK = {
    "127.0.0.1 is loopback": ("http://127.0.0.1:8000", True),
    "all of 127/8 is loopback": ("http://127.9.9.9:1", True),
    "localhost is loopback": ("http://localhost:8000", True),
    "IPv6 ::1 is loopback": ("http://[::1]:1", True),
    "a private address is not": ("http://10.0.0.1:8000", False),
    "AWS's endpoint is not": ("https://dynamodb.us-east-1.amazonaws.com", False),
    "a name starting with localhost is not": ("http://localhost.evil.com", False),
    "a name starting with 127.0.0.1 is not": ("http://127.0.0.1.nip.io", False),
    "an address without a scheme is not": ("127.0.0.1:5000", False),
    "no endpoint is not": (None, False),
    "a URL with user info is not": ("http://u:p@127.0.0.1:8000", False),
    # urlsplit reads 127.0.0.1 here; urllib3, which botocore connects with, reads 10.255.255.1.
    "a backslash URL that urllib3 sends elsewhere is not": (BACKSLASH, False),
}


@pytest.mark.parametrize(("url", "loopback"), LOOPBACK.values(), ids=LOOPBACK.keys())
def test_loopback_is_decided_on_the_accepted_parse(url, loopback):
    assert is_loopback(url) is loopback


def test_a_refusal_shows_no_secret():
    url = f"http://u:{CANARY}@127.0.0.1:9/?t={CANARY}x#{CANARY}y"
    with pytest.raises(UnsafeEndpoint) as refused:
        parse_endpoint(url)
    assert CANARY not in str(refused.value)
    assert "http://***@127.0.0.1:9/" in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        f"http://u:{CANARY}@127.0.0.1:9/?t={CANARY}",
        f"http://{CANARY}:pw@127.0.0.1:9",
        f"http://127.0.0.1:9/?a=1&token={CANARY}#{CANARY}",
        f"http://u:{CANARY}%21@127.0.0.1:9",
        f"http://10.255.255.1:8000\\{CANARY}@127.0.0.1:8000",
    ],
)
def test_scrub_removes_every_secret_from_botocores_message(url):
    message = str(EndpointConnectionError(endpoint_url=url + "/", error="refused"))
    assert CANARY in message
    cleaned = scrub(message, url)
    assert CANARY not in cleaned and CANARY not in shown(url)
    assert "127.0.0.1" in cleaned


def test_scrub_leaves_a_text_without_secrets_alone():
    text = "Could not connect to the endpoint URL: http://127.0.0.1:9/"
    assert scrub(text, "http://127.0.0.1:9") == text
    assert scrub(text, None) == text


def test_a_secret_quoted_alone_is_hidden_too():
    url = f"http://admin:{CANARY}@127.0.0.1:9"
    assert scrub(f"login failed for password {CANARY}", url) == "login failed for password ***"
