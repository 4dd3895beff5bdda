"""An endpoint URL, parsed once the way botocore will connect to it, and kept out of every output.

botocore checks an `endpoint_url` with `urllib.parse.urlsplit`
(`botocore.utils.is_valid_endpoint_url`) and signs for the host urlsplit
finds, but connects through urllib3, whose `parse_url` ends the authority at
a backslash. For `http://10.255.255.1:8000\\@127.0.0.1:8000` urlsplit sees
user info and host 127.0.0.1, urllib3 host 10.255.255.1 and a path: a
loopback check on one parse would let the other destroy a remote table. So a
URL is accepted only if both parses agree on scheme, host and port, and if
nothing in it needs interpreting: no user info (credentials go in signed
headers, never in the URL), no query or fragment, no backslash, no
whitespace or control character, no percent sign in the authority, scheme
http or https. Everything else is refused by `parse_endpoint`; the loopback
decision is made on the accepted parse.

`shown(url)` is how any URL, accepted or not, may appear in a message; and
`scrub(text, url)` removes the URL's secret parts from a text someone else
wrote (botocore's errors embed the URL they were given).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from loaders.errors import DestroyRefused, UnsafeEndpoint

SCHEMES = ("http", "https")
HIDDEN = "***"
# A secret part shorter than this (`?a=1`) is hidden only inside the URL: hunting it in the whole text would
# maim the text (the 1 of 127.0.0.1) and hide nothing a guess would not find.
MIN_HUNTED_CHARS = 4
# An authority in the widest sense any of the parsers takes it: up to the first /, ?, or #.
_URL = re.compile(
    r"^(?P<scheme>[^:/?#]*:)?(?://(?P<authority>[^/?#]*))?(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$",
    re.DOTALL,
)
_NOT_PLAIN = re.compile(r"[\x00-\x20\x7f-\U0010ffff\\]")


@dataclass(frozen=True)
class Endpoint:
    """An endpoint both botocore and urllib3 read the same way. `url` is what to give botocore."""

    scheme: str
    host: str
    port: int | None
    path: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + (f":{self.port}" if self.port is not None else "") + self.path

    @property
    def is_loopback(self) -> bool:
        """127.0.0.0/8, ::1 or `localhost` (which RFC 6761 reserves for loopback)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        return self.url


def parse_endpoint(url: str) -> Endpoint:
    """The endpoint `url` names, or `UnsafeEndpoint` (whose message shows the URL without its secrets)."""
    problem = _problem(url)
    if isinstance(problem, str):
        raise UnsafeEndpoint(shown(url), problem)
    return problem


def _problem(url: str) -> Endpoint | str:
    if _NOT_PLAIN.search(url):
        return (
            "it holds a backslash, a space, a control or a non-ASCII character, which the URL parsers read differently"
        )
    parts = _URL.match(url)
    scheme = (parts["scheme"] or "")[:-1].lower()
    if scheme not in SCHEMES:
        return f"the scheme must be {' or '.join(SCHEMES)}"
    if parts["authority"] is None or parts["authority"] == "":
        return "it names no host"
    if "@" in parts["authority"]:
        return "it carries user info; pass credentials through the AWS credential chain, never in the URL"
    if "?" in url or "#" in url:
        return "it has a query or a fragment, which an endpoint does not take"
    if "%" in parts["authority"]:
        return "its host is percent-encoded"
    try:
        split = urlsplit(url)
        split_port = split.port
        connected = parse_url(url)
    except (ValueError, LocationParseError):
        return "its host or port is not valid"
    if not (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)):
        return "botocore does not accept its host"
    split_host = (split.hostname or "").lower()
    connected_host = (connected.host or "").lower().strip("[]")
    if (split_host, split_port) != (connected_host, connected.port) or scheme != connected.scheme:
        return "botocore and urllib3 read different hosts or ports from it"
    return Endpoint(scheme, split_host, split_port, split.path)


def is_loopback(url: str | None) -> bool:
    """Whether `url` is accepted and names this machine; None (AWS) and refused URLs are not loopback."""
    if not url:
        return False
    try:
        return parse_endpoint(url).is_loopback
    except UnsafeEndpoint:
        return False


def shown(url: str | None) -> str:
    """`url` as any output may show it: user info replaced by ***, no query, no fragment. Never raises."""
    if not url:
        return "AWS (default endpoint for the configured region)"
    parts = _URL.match(url)
    authority = parts["authority"]
    text = parts["scheme"] or ""
    if authority is not None:
        text += "//" + (f"{HIDDEN}@" + authority.rpartition("@")[2] if "@" in authority else authority)
    text += parts["path"]
    return _NOT_PLAIN.sub(lambda m: repr(m.group())[1:-1], text)


def secrets(url: str) -> list[str]:
    """The parts of `url` no output may show, each also as percent-decoded and -encoded, longest first."""
    parts = _URL.match(url)
    found = set()
    authority = parts["authority"] or ""
    if "@" in authority:
        userinfo = authority.rpartition("@")[0]
        user, _, password = userinfo.partition(":")
        found |= {userinfo, user, password}
    for part in ("query", "fragment"):
        if parts[part]:
            found.add(parts[part])
    if parts["query"]:
        found |= {value for _, value in parse_qsl(parts["query"], keep_blank_values=True)}
    variants = {v for s in found for v in (s, unquote(s), quote(s, safe=""))}
    return sorted((v for v in variants if v), key=len, reverse=True)


def scrub(text: str, endpoint_url: str | None) -> str:
    """`text` with the URL shown as `shown(url)` and every secret part of it replaced by ***.

    The parts are also hunted on their own (a message may quote the password
    alone, or percent-decoded), if they have at least `MIN_HUNTED_CHARS`.
    """
    if not endpoint_url:
        return text
    text = text.replace(endpoint_url, shown(endpoint_url))
    for secret in secrets(endpoint_url):
        if len(secret) >= MIN_HUNTED_CHARS:
            text = text.replace(secret, HIDDEN)
    return text


def check_destroy_allowed(
    endpoint_url: str | None, destroy: bool, allow_destroy: bool, what: str = "delete and recreate tables"
) -> None:
    """Refuse to delete tables (--recreate, --migrate, a rollback of a run that created them) on AWS
    (endpoint None) or any non-loopback endpoint unless allow_destroy; `what` names the deletion.

    Call it before anything is touched: it only looks at its arguments.
    """
    if destroy and not allow_destroy and not is_loopback(endpoint_url):
        raise DestroyRefused(shown(endpoint_url) if endpoint_url else "AWS", what)
