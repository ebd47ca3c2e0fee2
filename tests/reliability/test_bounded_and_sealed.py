"""Hostile servers, over real sockets: memory and pagination stay bounded, and the token is in no
frame's locals and no exception chain of an error a caller gets.

* An endless chunked body and a gzip bomb end in ResponseTooLarge naming the limit, on error
  statuses too, with peak memory within a few times the configured cap.
* A server whose every page has a fresh `next` ends in TooManyPages saying what was fetched; a walk
  stops once `totalEntries` items have arrived.
* `traceback.TracebackException(..., capture_locals=True)` of the error of any failure (an API
  error, a timeout, a malformed status line, oversize headers, a bad chunk size, bad input, a
  handler bug) does not contain the token, and the error has no `__context__` or `__cause__`.
"""

from __future__ import annotations

import asyncio
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from component import segment
from component.segment.client import Headers
from component.segment.errors import (
    InputError,
    InternalError,
    ResponseTooLarge,
    SegmentError,
    TooManyPages,
    TransportError,
)
from component.segment.policy import DEFAULT_POLICY, RetryPolicy
from tests.helpers import CANARY, answering, exception_text, raw_server, serving

CAP = 1 << 20  # 1 MiB: small enough to test, large enough that peak memory is about the cap
SOURCE = "kjU72LCJexvrqL7G4TMHHN"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _connection(base_url: str) -> dict[str, Any]:
    return {"apiKey": CANARY, "subdomain": "demo-workspace", "baseUrl": base_url}


# --- memory -------------------------------------------------------------------------------------


def _endless(status: int) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
        await response.prepare(request)
        chunk = b"[" + b"0," * 32768
        try:
            while True:
                await response.write(chunk)
        except (ConnectionError, RuntimeError):  # the client stopped reading and closed
            pass
        return response

    return handler


def _gzip_bomb(decompressed: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip stream
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(decompressed // len(block))]
    return b"".join(parts) + packer.flush()


def _bomb(status: int, body: bytes) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(
            status=status, body=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
        )

    return handler


BOMB = _gzip_bomb(256 << 20)  # 256 MiB of zeros in about 250 KB

BODIES: dict[str, Handler] = {
    "endless chunked 200": _endless(200),
    "endless chunked 500": _endless(500),
    "gzip bomb 200": _bomb(200, BOMB),
    "gzip bomb 404": _bomb(404, BOMB),
}


@pytest.mark.parametrize("name", list(BODIES))
async def test_a_huge_body_ends_in_response_too_large_with_memory_near_the_cap(name: str) -> None:
    policy = RetryPolicy(max_response_bytes=CAP, timeout=20)
    async with serving(BODIES[name]) as url:
        # Once untraced, so that what a first call builds (models, the session) is not counted.
        with pytest.raises(ResponseTooLarge):
            await segment.invoke("getSource", {"sourceId": SOURCE}, connection=_connection(url), retry=policy)
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            with pytest.raises(ResponseTooLarge) as caught:
                await segment.invoke("getSource", {"sourceId": SOURCE}, connection=_connection(url), retry=policy)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    error = caught.value
    assert error.limit == "max_response_bytes" and error.value == CAP
    assert "max_response_bytes=1048576" in str(error)
    assert error.status == int(name.rsplit(" ", 1)[1])
    assert peak < 4 * CAP, f"peak {peak} bytes for a cap of {CAP}"


async def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    sent: list[int] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        sent.append(1)
        return web.Response(body=b"0" * (CAP + 1), content_type="application/json")

    async with serving(handler) as url:
        with pytest.raises(ResponseTooLarge):
            await segment.invoke(
                "getSource",
                {"sourceId": SOURCE},
                connection=_connection(url),
                retry=RetryPolicy(max_response_bytes=CAP),
            )
    assert sent == [1]  # never retried: the same request meets the same answer


async def test_a_body_at_the_cap_is_read() -> None:
    body = b'{"data": "' + b"x" * (CAP - 12) + b'"}'
    assert len(body) == CAP

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, content_type="application/json")

    async with serving(handler) as url:
        result = await segment.invoke(
            "getSource", {"sourceId": SOURCE}, connection=_connection(url), retry=RetryPolicy(max_response_bytes=CAP)
        )
    assert len(result["data"]["data"]) == CAP - 12


def test_the_limits_have_generous_defaults_and_refuse_nonsense() -> None:
    assert DEFAULT_POLICY.max_response_bytes == 64 * 1024 * 1024
    assert DEFAULT_POLICY.max_pages == 10_000 and DEFAULT_POLICY.max_items == 1_000_000
    for field in ("max_response_bytes", "max_pages", "max_items"):
        zero: dict[str, Any] = {field: 0}
        with pytest.raises(ValueError, match=field):
            RetryPolicy(**zero)


# --- pagination ---------------------------------------------------------------------------------


def _pages(total: int | None) -> tuple[Handler, list[str]]:
    """Every page has two sources and a fresh `next` (and `totalEntries` when given)."""
    seen: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(request.query.get("pagination[cursor]", ""))
        n = len(seen)
        pagination: dict[str, Any] = {"current": str(n), "next": f"cursor-{n}"}
        if total is not None:
            pagination["totalEntries"] = total
        sources = [{"id": f"s{n}a", "name": "A", "slug": f"a{n}"}, {"id": f"s{n}b", "name": "B", "slug": f"b{n}"}]
        return web.json_response({"data": {"sources": sources, "pagination": pagination}})

    return handler, seen


@pytest.mark.parametrize("key", ["listSources", "sources"])
async def test_an_endless_walk_stops_at_max_pages_saying_what_was_fetched(key: str) -> None:
    handler, seen = _pages(None)
    inputs = {"fetchAll": True} if key == "listSources" else {}
    async with serving(handler) as url:
        with pytest.raises(TooManyPages) as caught:
            await segment.invoke(key, inputs, connection=_connection(url), retry=RetryPolicy(max_pages=25))
    assert len(seen) == 25
    error = caught.value
    assert (error.limit, error.value, error.pages, error.items) == ("max_pages", 25, 25, 50)
    assert "stopped after 25 pages and 50 items" in str(error) and "max_pages=25" in str(error)


async def test_an_endless_walk_stops_at_max_items() -> None:
    handler, seen = _pages(None)
    async with serving(handler) as url:
        with pytest.raises(TooManyPages) as caught:
            await segment.invoke("sources", {}, connection=_connection(url), retry=RetryPolicy(max_items=9))
    assert (caught.value.limit, caught.value.pages, caught.value.items) == ("max_items", 5, 10)
    assert len(seen) == 5


async def test_a_walk_stops_once_total_entries_have_arrived() -> None:
    handler, seen = _pages(6)
    async with serving(handler) as url:
        result = await segment.invoke("listSources", {"fetchAll": True}, connection=_connection(url))
    assert len(seen) == 3
    assert len(result["data"]["data"]["sources"]) == 6


# --- the token in no frame and no chain ---------------------------------------------------------


RAW_ANSWERS: dict[str, bytes] = {
    "malformed status line": b"HTTP/1.1 abc\r\n\r\n",
    "oversize headers": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    "bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
}


async def _echo_token(request: web.Request) -> web.StreamResponse:
    token = request.headers.get("Authorization", "")
    if request.path == "/slow":
        await asyncio.sleep(5)
    return web.json_response(
        {"errors": [{"type": "unauthorized", "message": f"bad {token}", "field": token}]}, status=401
    )


def _assert_sealed(error: BaseException) -> None:
    assert error.__context__ is None and error.__cause__ is None, "the error keeps a chain"
    assert CANARY not in exception_text(error, with_locals=True)


@pytest.mark.parametrize("name", list(RAW_ANSWERS))
async def test_a_broken_answer_leaves_no_token_in_frames_or_chain(name: str) -> None:
    async with raw_server(answering(RAW_ANSWERS[name])) as url:
        try:
            await segment.invoke(
                "getSource", {"sourceId": SOURCE}, connection=_connection(url), retry=RetryPolicy(attempts=1, timeout=5)
            )
        except TransportError as exc:
            error: BaseException = exc
        else:
            raise AssertionError("no error")
    _assert_sealed(error)


CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any], type[SegmentError]]] = {
    "401 echoing the token": ("getSource", {"sourceId": SOURCE}, {}, SegmentError),
    "timeout": ("rawRequest", {"url": "/slow", "method": "GET", "timeout": 100}, {}, TransportError),
    "bad input": ("getSource", {"sourceId": SOURCE, "count": 3}, {}, InputError),
    "bad connection": ("getSource", {"sourceId": SOURCE}, {"subdomain": 5}, InputError),
    "unknown handler": ("noSuchHandler", {}, {}, InputError),
    "connection test": ("(test)", {}, {"subdomain": "other"}, SegmentError),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_an_error_leaves_no_token_in_frames_or_chain(name: str) -> None:
    key, inputs, connection_changes, expected = CASES[name]
    async with serving(_echo_token) as url:
        try:
            if key == "(test)":
                await segment.test_connection({**_connection(url), **connection_changes})
            else:
                await segment.invoke(key, inputs, connection={**_connection(url), **connection_changes})
        except SegmentError as exc:
            error: BaseException = exc
        else:
            raise AssertionError("no error")
    assert isinstance(error, expected)
    _assert_sealed(error)


async def test_a_handler_bug_leaves_no_token_in_frames_or_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = segment.actions["getSource"]

    async def broken(ctx: Any, inputs: Any) -> Any:
        raise KeyError(f"no {CANARY} here")  # the exception quotes the token; the error must not

    monkeypatch.setattr(handler, "call", broken)
    try:
        await segment.invoke("getSource", {"sourceId": SOURCE}, connection=_connection("http://127.0.0.1:9"))
    except InternalError as exc:
        error: BaseException = exc
    _assert_sealed(error)


def test_headers_never_show_their_values() -> None:
    headers = Headers({"Accept": "application/json", "Authorization": f"Bearer {CANARY}"})
    assert dict(headers)["Authorization"] == f"Bearer {CANARY}"
    assert CANARY not in repr(headers) and CANARY not in str(headers)
    assert "Authorization" in repr(headers)
