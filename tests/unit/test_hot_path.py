"""The hot path's shape: few frames between invoke and aiohttp, a limiter with a fast path that
stays fair and loses no permit on cancellation, and shared per-call objects."""

from __future__ import annotations

import ast
import asyncio
import gc
import inspect
import sys
import textwrap
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses

from component import segment
from component.segment.client import Limiter, _request_headers, _timeout
from component.segment.connection import SegmentContext
from component.segment.policy import RetryPolicy
from tests.helpers import CONNECTION, US


async def test_one_component_frame_between_invoke_and_aiohttp() -> None:
    """A handler of one step hands back the client's coroutine: while the call waits, the only
    frame of the component's between the runtime and aiohttp is the client's one try."""
    seen: list[list[str]] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        names = []
        frame = sys._getframe()
        while frame is not None and frame.f_code.co_name != "invoke":
            if "/component/" in frame.f_code.co_filename:
                names.append(frame.f_code.co_name)
            frame = frame.f_back  # type: ignore[assignment]
        seen.append(names)
        return CallbackResult(payload={"data": {"source": {"id": "abc"}}})

    with aioresponses() as mock:
        mock.get(f"{US}/sources/abc", callback=callback)
        await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION)
    assert seen == [["_send"]]  # the client's one try; the handler has returned its coroutine


@pytest.mark.parametrize("options", [{}, {"retry": RetryPolicy(attempts=1)}])
async def test_a_waiting_call_holds_neither_its_context_nor_its_keyword_dict(options: dict[str, Any]) -> None:
    """Every object a waiting call holds makes the collector run more often when many calls wait:
    the runtime's frame hands the context to the handler without keeping it, and lets go of
    `**options` (a new dict on every call); a handler of one step keeps the client, not the context."""
    held: list[set[str]] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        frame = sys._getframe()
        while frame.f_code.co_name != "invoke" or "/component/framework/" not in frame.f_code.co_filename:
            frame = frame.f_back  # type: ignore[assignment]
        held.append(set(frame.f_locals))
        alive_contexts.append(sum(type(o) is SegmentContext for o in gc.get_objects()))
        return CallbackResult(payload={"data": {"source": {"id": "abc"}}})

    alive_contexts: list[int] = []
    with aioresponses() as mock:
        mock.get(f"{US}/sources/abc", callback=callback)
        result = await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION, **options)
    assert result == {"data": {"data": {"source": {"id": "abc"}}}}
    assert held and "trace" in held[0]  # the runtime's frame, found by what it does hold
    assert not {"options", "ctx"} & held[0]
    assert alive_contexts == [0]


def _awaits_once_and_returns(func: Any) -> bool:
    """Whether `func` is an `async def` whose whole body (past a docstring) is `return await ...`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    definition = tree.body[0]
    if not isinstance(definition, ast.AsyncFunctionDef):
        return False
    body = [
        node for node in definition.body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    return len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Await)


def test_every_handler_of_one_step_hands_back_its_awaitable() -> None:
    """A handler that only awaits one call hands that call's awaitable back instead (a plain
    `def`): its own coroutine frame would sit on the path of every waiting call for nothing."""
    handlers = [*segment.actions.values(), *segment.data_sources.values()]
    one_step = sorted(handler.key for handler in handlers if _awaits_once_and_returns(handler.call))
    assert one_step == []
    assert any(not inspect.iscoroutinefunction(handler.call) for handler in handlers)  # the check reads them


def test_the_one_step_check_recognises_the_async_form() -> None:
    async def one_step(ctx: Any, inputs: Any) -> Any:
        """A docstring does not count."""
        return await ctx.client.get("/")

    async def two_steps(ctx: Any, inputs: Any) -> Any:
        first = await ctx.client.get("/")
        return await ctx.client.get(first)

    assert _awaits_once_and_returns(one_step) and not _awaits_once_and_returns(two_steps)


async def test_the_limiter_takes_a_free_permit_at_once_and_queues_fairly() -> None:
    limiter = Limiter(1)
    assert limiter.try_acquire() and limiter.locked() and not limiter.try_acquire()
    order: list[int] = []

    async def waiter(n: int) -> None:
        await limiter.acquire()
        order.append(n)
        await asyncio.sleep(0)
        limiter.release()

    tasks = [asyncio.create_task(waiter(n)) for n in range(3)]
    await asyncio.sleep(0)
    limiter.release()
    assert not limiter.try_acquire()  # a newcomer does not jump the queue
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2] and limiter._value == 1


@pytest.mark.parametrize("granted_first", [False, True])
async def test_a_cancelled_waiter_loses_no_permit(granted_first: bool) -> None:
    limiter = Limiter(1)
    assert limiter.try_acquire()
    task = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    if granted_first:
        limiter.release()  # the permit passes to the waiter, which is cancelled before it runs
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    if not granted_first:
        limiter.release()
    assert limiter._value == 1 and not limiter._waiters


def test_headers_and_timeouts_are_shared_between_calls() -> None:
    assert _request_headers("a/b", None, False, "k") is _request_headers("a/b", None, False, "k")
    assert _request_headers("a/b", {"X": "1"}, False, "k") is not _request_headers("a/b", {"X": "1"}, False, "k")
    assert _timeout(30.0, 10.0) is _timeout(30.0, 10.0)


async def test_the_inputs_cache_never_answers_for_different_input() -> None:
    from component.segment.errors import InputError

    with aioresponses() as mock:
        mock.get(f"{US}/sources?pagination%5Bcount%5D=1", payload={"data": {"sources": []}}, repeat=True)
        for _ in range(2):  # the second call is served from the cache
            await segment.invoke("listSources", {"count": 1}, connection=CONNECTION)
        with pytest.raises(InputError):  # true == 1 in Python, but it is not the same input
            await segment.invoke("listSources", {"count": True}, connection=CONNECTION)
        with pytest.raises(InputError):
            await segment.invoke("listSources", {"count": 1, "fetchAll": "maybe"}, connection=CONNECTION)


def test_a_large_page_is_parsed_without_collections_and_the_collector_is_left_as_it_was() -> None:
    import gc
    import json

    from component.segment.client import _loads

    page = json.dumps({"data": {"sources": [{"id": str(n), "name": "S", "tags": []} for n in range(5000)]}}).encode()
    assert gc.isenabled()
    before = sum(generation["collections"] for generation in gc.get_stats())
    assert len(_loads(page)["data"]["sources"]) == 5000
    assert sum(generation["collections"] for generation in gc.get_stats()) == before
    assert gc.isenabled()
    gc.disable()  # an application that runs with the collector off keeps it off
    try:
        _loads(page)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("body", "parsed"),
    [
        ('{"a": "é"}'.encode(), {"a": "é"}),
        ('{"a": "é"}'.encode("utf-16"), {"a": "é"}),  # JSON's other encodings still parse
        ('{"a": "é"}'.encode("utf-8-sig"), {"a": "é"}),  # a byte order mark too
        (b'{"a": "\xed\xa0\x80"}', {"a": "\ud800"}),  # a lone surrogate, as json reads bytes
        (b"  \r\n", None),
        (b"", None),
    ],
)
def test_answers_parse_whatever_json_encoding_they_use(body: bytes, parsed: Any) -> None:
    from component.segment.client import _parse

    assert _parse(body, "json", 200, "GET", "/x") == parsed


def test_an_answer_that_is_not_json_in_any_encoding_is_malformed() -> None:
    from component.segment.client import _parse
    from component.segment.errors import MalformedResponse

    for body in (b"{nope", b"\xff\xfe\x00", b"[1,"):
        with pytest.raises(MalformedResponse):
            _parse(body, "json", 200, "GET", "/x")


async def test_a_repeated_call_is_validated_once_and_a_changed_connection_is_never_served_from_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from component.framework.inputs import InputSpec

    parsed: list[str] = []
    original = InputSpec.parse

    def counting(self: InputSpec[Any], raw: Any, *, handler: str, error_type: Any) -> Any:
        parsed.append(handler)
        return original(self, raw, handler=handler, error_type=error_type)

    monkeypatch.setattr(InputSpec, "parse", counting)
    tokens: list[str] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        tokens.append(kwargs["headers"]["Authorization"])
        return CallbackResult(payload={"data": {"source": {"id": "repeat1"}}})

    first = {**CONNECTION, "apiKey": "token-repeat-one"}
    second = {**CONNECTION, "apiKey": "token-repeat-two"}
    with aioresponses() as mock:
        mock.get(f"{US}/sources/repeat1", callback=callback, repeat=True)
        for connection in (first, first, second, first):
            await segment.invoke("getSource", {"sourceId": "repeat1"}, connection=dict(connection))
        # The connection's own value types count: `debug: 1` is not the call made with `debug: true`.
        await segment.invoke("getSource", {"sourceId": "repeat1"}, connection={**first, "debug": True})
        await segment.invoke("getSource", {"sourceId": "repeat1"}, connection={**first, "debug": 1})
    assert (
        tokens
        == ["Bearer token-repeat-one", "Bearer token-repeat-one", "Bearer token-repeat-two"]
        + ["Bearer token-repeat-one"] * 3
    )
    # getSource's inputs once, each new connection once, then the two typed variants: nothing twice.
    assert parsed.count("getSource") == 1
    assert parsed.count("connection") == 4


async def test_a_handler_that_turns_debug_on_logs_its_true_duration(caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import re

    caplog.set_level(logging.DEBUG, logger="component")
    with aioresponses() as mock:
        mock.get(f"{US}/sources", payload={"data": {"sources": []}})
        await segment.invoke(
            "rawRequest", {"url": "/sources", "method": "GET", "debugRequest": True}, connection=CONNECTION
        )
    summaries = [r.getMessage() for r in caplog.records if "rawRequest: ok in" in r.getMessage()]
    assert len(summaries) == 1, [r.getMessage() for r in caplog.records]
    found = re.search(r"ok in ([\d.]+) ms", summaries[0])
    assert found is not None and float(found.group(1)) < 60_000  # timed from the call's start


class _ClaimsToEqualAnything:
    """A value that says it equals any other (a hostile or careless host's object)."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]


class _TextThatEqualsAnything(str):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


@pytest.mark.parametrize("odd", [_ClaimsToEqualAnything(), _TextThatEqualsAnything("other")])
async def test_a_value_that_claims_equality_is_never_served_from_the_last_call(odd: object) -> None:
    from component.segment.errors import InputError

    requested: list[str] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        requested.append(str(url))
        return CallbackResult(payload={"data": {"source": {"id": "x"}}})

    with aioresponses() as mock:
        mock.get(f"{US}/sources/claim1", callback=callback, repeat=True)
        mock.get(f"{US}/sources/other", callback=callback, repeat=True)
        await segment.invoke("getSource", {"sourceId": "claim1"}, connection=dict(CONNECTION))
        if isinstance(odd, str):  # text of another type is validated as the text it holds
            await segment.invoke("getSource", {"sourceId": odd}, connection=dict(CONNECTION))
        else:
            with pytest.raises(InputError, match="sourceId"):
                await segment.invoke("getSource", {"sourceId": odd}, connection=dict(CONNECTION))
    assert requested == [f"{US}/sources/claim1"] + ([f"{US}/sources/other"] if isinstance(odd, str) else [])


async def test_a_caller_changing_its_dicts_after_a_call_changes_what_the_next_call_sends() -> None:
    requested: list[tuple[str, str]] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        requested.append((str(url), kwargs["headers"]["Authorization"]))
        return CallbackResult(payload={"data": {"source": {"id": "x"}}})

    inputs = {"sourceId": "mutable1"}
    connection = {**CONNECTION, "apiKey": "token-mutable-one"}
    with aioresponses() as mock:
        mock.get(f"{US}/sources/mutable1", callback=callback, repeat=True)
        mock.get(f"{US}/sources/mutable2", callback=callback, repeat=True)
        await segment.invoke("getSource", inputs, connection=connection)
        inputs["sourceId"] = "mutable2"
        await segment.invoke("getSource", inputs, connection=connection)
        connection["apiKey"] = "token-mutable-two"
        await segment.invoke("getSource", inputs, connection=connection)
    assert requested == [
        (f"{US}/sources/mutable1", "Bearer token-mutable-one"),
        (f"{US}/sources/mutable2", "Bearer token-mutable-one"),
        (f"{US}/sources/mutable2", "Bearer token-mutable-two"),
    ]
