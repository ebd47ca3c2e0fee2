"""The token goes only to the base URL's origin: more hostile raw-request URLs and headers than the
unit suite's 42, and redirects (to another origin or not) that are never followed, proved over
real sockets against two local servers: the "API", which redirects, and an "evil" origin that
records whatever reaches it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aioresponses import aioresponses

from component import segment
from component.segment.errors import ApiError, InputError
from component.segment.policy import RetryPolicy
from component.segment.urls import MAX_RAW_PATH
from tests.helpers import CANARY, CONNECTION, sent, serving
from tests.unit.test_raw_request import HOSTILE_URLS

# Categories the unit suite's list does not have: IPv6 literals, schemes in mixed case or without
# slashes, encoded '@', servlet-style '..;' segments, overlong UTF-8 dots, encodings that reach a
# separator after several decodings, Unicode whitespace before '//', and very long paths.
MORE_HOSTILE_URLS = [
    "//[::1]/x",
    "//[::ffff:127.0.0.1]:8080/x",
    "http://[0:0:0:0:0:0:0:1]/x",
    "https://[fe80::1%25eth0]/x",
    "[::1]:443/x",
    "HtTpS://evil.example/x",
    "hTTp:evil.example/x",
    "https:/evil.example/x",
    "https:\\\\evil.example\\x",
    "Ftp://evil.example/",
    "/%40evil.example",
    "/sources%40evil.example/x",
    "/%2540evil.example",
    "/sources/..;/x",
    "/sources/.;/x",
    "/sources/%2e%2e;/x",
    "/sources/.%2e/x",
    "/sources/%2e./x",
    "/sources/%2E/x",
    "/sources/%c0%ae%c0%ae/x",
    "/sources/%25252e%25252e/x",
    "/%25252F%25252Fevil.example",
    "%2F%2Fevil.example",
    "\t//evil.example",
    "\u3000//evil.example",
    "/sources\u2024\u2024/x",
    "/" + "a" * (MAX_RAW_PATH + 1),
    "/sources?" + "q" * MAX_RAW_PATH,
    "/" + "a/" * (MAX_RAW_PATH // 2 + 1),
    "/sources/" + "%2e%2e/" * 300,
]

MORE_FORBIDDEN_HEADERS = [
    "AUTHORIZATION",
    "Authorization ",
    "\tAuthorization",
    "HOST",
    "host",
    "Forwarded",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Original-URL",
    "X-Rewrite-URL",
    "Proxy-Authorization",
    "Content-Length",
    "Transfer-Encoding",
    "Connection",
    "Upgrade",
    "TE",
    "Expect",
    "Cookie",
]
# Look-alikes and broken names: not on the deny list, but no valid header either. They must be refused
# (a server could fold them into the real header), never sent.
UNSENDABLE_HEADERS: list[dict[str, str]] = [
    {"Author\u0131zation": "Bearer other"},  # dotless i
    {"\u0410uthorization": "Bearer other"},  # Cyrillic A
    {"Host:evil.example": "x"},
    {"X Host": "evil.example"},
    {"X-Note": "a\x0bb"},
    {"X-Note": "a\x7fb"},
    {"": "x"},
]


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        m.add(re.compile(r".*"), method="GET", payload={"data": {}}, repeat=True)
        yield m


def test_the_unit_suite_still_has_its_42_hostile_urls() -> None:
    assert len(HOSTILE_URLS) >= 42
    assert not set(MORE_HOSTILE_URLS) & set(HOSTILE_URLS)


@pytest.mark.parametrize("url", MORE_HOSTILE_URLS, ids=lambda u: repr(u)[:50])
async def test_more_hostile_urls_are_refused_without_a_request(mock: aioresponses, url: str) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke("rawRequest", {"url": url, "method": "GET"}, connection=CONNECTION)
    assert caught.value.fields == ("url",)
    assert sent(mock) == []


@pytest.mark.parametrize("header", MORE_FORBIDDEN_HEADERS)
async def test_more_headers_that_change_target_or_credentials_are_refused(mock: aioresponses, header: str) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke(
            "rawRequest", {"url": "/sources", "method": "GET", "headers": {header: "x"}}, connection=CONNECTION
        )
    assert caught.value.fields == ("headers",)
    assert sent(mock) == []


@pytest.mark.parametrize("headers", UNSENDABLE_HEADERS, ids=repr)
async def test_look_alike_and_broken_headers_are_refused(mock: aioresponses, headers: dict[str, str]) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke(
            "rawRequest", {"url": "/sources", "method": "GET", "headers": headers}, connection=CONNECTION
        )
    assert caught.value.fields == ("headers",)
    assert sent(mock) == []


async def test_the_authorization_header_is_always_the_connections(mock: aioresponses) -> None:
    await segment.invoke(
        "rawRequest", {"url": "/sources", "method": "GET", "headers": {"X-Api-Key": "other"}}, connection=CONNECTION
    )
    (request,) = sent(mock)
    assert request.headers["Authorization"] == f"Bearer {CANARY}"
    assert str(request.url).startswith("https://api.segmentapis.com/sources")


# --- redirects, over real sockets ----------------------------------------------------------------


@dataclass
class Server:
    url: str = ""
    hits: list[dict[str, Any]] = field(default_factory=list)
    status: int = 302
    location: str = "{evil}/steal"


@pytest.fixture
async def evil() -> AsyncIterator[Server]:
    """Another origin: records every request that reaches it."""
    server = Server()

    async def record(request: web.Request) -> web.Response:
        server.hits.append({"path": request.path_qs, "headers": dict(request.headers)})
        return web.json_response({"data": {"stolen": True}})

    async with serving(record) as url:
        server.url = url
        yield server


@pytest.fixture
async def redirecting(evil: Server) -> AsyncIterator[Server]:
    """The "API": answers every request with `status` and a Location built from `location`."""
    server = Server()

    async def redirect(request: web.Request) -> web.Response:
        server.hits.append({"path": request.path_qs, "headers": dict(request.headers)})
        target = server.location.format(evil=evil.url, self=server.url)
        return web.Response(status=server.status, headers={"Location": target}, text="moved")

    async with serving(redirect) as url:
        server.url = url
        yield server


# (handler, inputs, tries): a 3xx is an error answer, tried again only where every error is.
CALLS = [
    ("getSource", {"sourceId": "abc"}, 1),
    ("listSources", {"fetchAll": True}, 1),
    ("createSource", {"slug": "s", "metadataId": "m"}, 1),
    ("updateSource", {"sourceId": "abc", "name": "n"}, 1),
    ("deleteSource", {"sourceId": "abc"}, 1),
    ("sources", {}, 1),
    ("rawRequest", {"url": "/sources", "method": "GET", "maxRetries": 3, "retryAllErrors": True}, 4),
    ("rawRequest", {"url": "/sources", "method": "POST", "data": {"a": 1}}, 1),
]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("location", ["{evil}/steal", "//{evil_host}/steal", "{self}/elsewhere"])
@pytest.mark.parametrize(("key", "inputs", "tries"), CALLS, ids=lambda v: v if isinstance(v, str) else "")
async def test_a_redirect_is_never_followed(
    redirecting: Server, evil: Server, status: int, location: str, key: str, inputs: dict[str, Any], tries: int
) -> None:
    redirecting.status = status
    redirecting.location = location.replace("{evil_host}", evil.url.removeprefix("http://"))
    connection = {**CONNECTION, "baseUrl": redirecting.url}
    with pytest.raises(ApiError) as caught:
        await segment.invoke(key, inputs, connection=connection, retry=RetryPolicy(attempts=4))
    assert caught.value.status == status
    assert evil.hits == [], "the token reached another origin"
    # Only the request asked for reached the API: the Location was not followed, even to the same origin.
    assert len(redirecting.hits) == tries
    assert all("/elsewhere" not in hit["path"] for hit in redirecting.hits)
    assert all(hit["headers"]["Authorization"] == f"Bearer {CANARY}" for hit in redirecting.hits)
    assert CANARY not in str(caught.value) and CANARY not in repr(caught.value)
