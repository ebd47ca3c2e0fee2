"""Hostile and random input, over every registered handler (the registry is iterated at collection,
so a handler added tomorrow is covered without touching this file).

* Valid inputs drawn from a handler's own schema reach only the base URL's origin, keep its path
  prefix, carry no `.`/`..` segment, and every path id is percent-encoded whole.
* Inputs broken in one way raise InputError naming the broken field, and send nothing.
* Any input dict with any connection dict ends in a result or a SegmentError, never another type.

Requests are intercepted by aioresponses (no sockets); the one function that builds URLs,
`urls.join`, is spied on so that what the client built is checked before yarl normalises it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from aioresponses import aioresponses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from component import segment
from component.framework.registry import Handler
from component.framework.runtime import Component
from component.segment import client as client_module
from component.segment.connection import SegmentContext
from component.segment.errors import InputError, InternalError, SegmentError
from component.segment.inputs import SegmentInputs
from component.segment.policy import RetryPolicy
from component.segment.urls import UnsafeUrl, check_base_url, join
from component.segment.values import REGION_URLS
from tests.helpers import CONNECTION, exception_text, sent
from tests.reliability.strategies import (
    ENCODED_SEGMENT,
    HOSTILE_TEXT,
    Broken,
    invalid_inputs,
    json_values,
    names,
    path_ids,
    text,
    valid_inputs,
)

HANDLERS: list[Handler[SegmentContext]] = sorted(segment.component.all(), key=lambda h: h.key)
KEYS = [h.key for h in HANDLERS]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "LINK", "UNLINK", "PURGE")
BASE_URLS = [None, "http://127.0.0.1:8787", "https://proxy.example.com/segment/api/"]
ONE_TRY = RetryPolicy(attempts=1)
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    """Every request, whatever its method and URL, answered 200 {"data": {}}."""
    with aioresponses() as m:
        for method in METHODS:
            m.add(re.compile(r".*"), method=method, payload={"data": {}}, repeat=True)
        yield m


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the client built, as built (before yarl normalises dot segments away)."""
    urls: list[str] = []

    def spy(base_url: str, route: str) -> str:
        url = join(base_url, route)
        urls.append(url)
        return url

    monkeypatch.setattr(client_module, "join", spy)
    return urls


def _reset(mock: aioresponses, built: list[str]) -> None:
    mock.requests.clear()
    built.clear()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _segments(path: str) -> list[str]:
    return path.split("/")[1:]


def _no_dot_segments(path: str) -> bool:
    raw = _segments(path)
    return not any(s in (".", "..") for s in raw) and not any(unquote(s) in (".", "..") for s in raw)


@pytest.mark.parametrize("key", KEYS)
@EXAMPLES
@given(data=st.data())
async def test_valid_inputs_reach_only_the_base_origin_with_encoded_ids(
    key: str, data: st.DataObject, mock: aioresponses, built: list[str]
) -> None:
    handler = segment.component.get(key)
    inputs = data.draw(valid_inputs(handler), label="inputs")
    base_url = data.draw(st.sampled_from(BASE_URLS), label="baseUrl")
    connection = {**CONNECTION, **({"baseUrl": base_url} if base_url else {})}
    _reset(mock, built)
    try:
        await segment.invoke(key, inputs, connection=connection, retry=ONE_TRY)
    except InputError as exc:  # a rule the schema cannot say (an id of "..", end before start): refused
        assert exc.fields, "an InputError must name its fields"
        assert sent(mock) == [] and built == [], "a refused input must cost no request"
        return
    except SegmentError:
        pass  # {"data": {}} may be too little for a handler; what was sent is still checked below
    model = handler.spec.parse(inputs, handler=key, error_type=InputError)
    expected_base = check_base_url(base_url) if base_url else REGION_URLS[model.region]  # type: ignore[attr-defined]
    origin = URL(expected_base)
    requests = sent(mock)
    assert requests, "a successful invocation sent nothing"
    assert len(requests) == len(built), "a request was sent without urls.join building its URL"
    for url, request in zip(built, requests, strict=True):
        assert url.startswith(expected_base + "/") and not url.startswith(expected_base + "//")
        route = url[len(expected_base) :].partition("?")[0]
        assert _no_dot_segments(route), route
        if key != "rawRequest":  # the raw request's path is the user's; urls.check_raw_path vets it
            assert all(ENCODED_SEGMENT.match(s) for s in _segments(route)), route
        wire = request.url
        assert (wire.scheme, wire.host, wire.port) == (origin.scheme, origin.host, origin.port), wire
        assert wire.raw_path == URL(url).raw_path and wire.raw_path.startswith(origin.raw_path.rstrip("/") + "/")
        assert _no_dot_segments(wire.raw_path), wire
    # Every path id is one whole, fully encoded segment of some request.
    wire_segments = {s for url in built for s in _segments(url[len(expected_base) :].partition("?")[0])}
    for name in path_ids(handler):
        value = getattr(model, name)
        assert quote(value, safe="") in wire_segments, (name, value, built)
    # Every other id the user gave went somewhere visible: the path, the query or the body.
    carried = set(wire_segments) | {unquote(s) for s in wire_segments}
    for request in requests:
        carried |= set(request.url.query.values()) | set(_strings(request.body))
    for prop_key, prop in handler.spec.schema["properties"].items():
        given_value = model.model_dump(by_alias=True).get(prop_key)
        if prop.get("x-dataSource") and given_value is not None:
            for value in _strings(given_value):
                assert value in carried or quote(value, safe="") in carried, (prop_key, value)


@pytest.mark.parametrize("key", KEYS)
@EXAMPLES
@given(data=st.data())
async def test_invalid_inputs_are_refused_naming_the_field_before_any_request(
    key: str, data: st.DataObject, mock: aioresponses, built: list[str]
) -> None:
    broken: Broken = data.draw(invalid_inputs(segment.component.get(key)), label="broken")
    _reset(mock, built)
    with pytest.raises(InputError) as caught:
        await segment.invoke(key, broken.inputs, connection=CONNECTION, retry=ONE_TRY)
    assert names(broken.field, caught.value.fields), (broken.how, broken.field, caught.value.fields)
    assert sent(mock) == [] and built == []
    # The reasons never quote a value (it may be a secret): not even the huge or hostile ones.
    assert len(str(caught.value)) < 4000


def _deep_list(levels: int) -> Any:
    value: Any = "deep"
    for _ in range(levels):
        value = [value]
    return value


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


JUNK = st.one_of(
    json_values(8),
    st.sampled_from(
        [
            {1, 2},
            b"bytes",
            _Opaque(),
            float("nan"),
            float("inf"),
            10**5000,
            -(2**70),
            (1, "a"),
            {1: "int key"},
            {"a": {"b": {"c": _deep_list(40)}}},
            "[" * 5000,
            "{" * 5000 + "}" * 5000,
            "1" * 5000,
            "x" * 70_000,
            "",
            "   ",
            "null",
            "NaN",
        ]
    ),
    st.sampled_from(HOSTILE_TEXT),
)
HOSTILE_BASE_URLS = [
    "http://127.0.0.1:8787",
    "https://proxy.example.com/segment",
    "http://[::1]:8787/x",
    "http://a..b/",
    "http://h:99999",
    "http://h:0",
    "http://h:abc",
    "http://[::1",
    "ftp://evil.example",
    "//evil.example",
    "http://user:pw@evil.example",
    "http://evil.example?x=1",
    "http://evil.example#f",
    "http://evil.example\\@x",
    "http://\u0435vil.example",
    "http://evil.example\r\nX: y",
    "javascript:alert(1)",
    "http://-/",
    "",
]


def connections() -> st.SearchStrategy[Any]:
    text_or_junk = st.one_of(text(), JUNK)
    api_keys = st.one_of(
        st.just("sgp_valid_looking_token"),
        text_or_junk,
        st.sampled_from(["tok\nen", "tok en", "t\u00f6k\u20ac", "tok\x00", " tok ", "tok\x7f", "Bearer x"]),
    )
    dicts = st.fixed_dictionaries(
        {},
        optional={
            "apiKey": api_keys,
            "subdomain": text_or_junk,
            "baseUrl": st.one_of(st.sampled_from(HOSTILE_BASE_URLS), text_or_junk),
            "region": text_or_junk,
            "debug": text_or_junk,
        },
    )
    extra = st.dictionaries(st.one_of(text(), st.integers()), JUNK, max_size=2)
    return st.one_of(
        st.tuples(dicts, extra).map(lambda t: {**t[1], **t[0]}),
        st.sampled_from([None, [], "apiKey=x", 5, [("apiKey", "x")]]),
    )


def _allowed_origins(connection: Any) -> set[str]:
    allowed = set(REGION_URLS.values())
    base_url = connection.get("baseUrl") if isinstance(connection, dict) else None
    if isinstance(base_url, str):
        with contextlib.suppress(UnsafeUrl, ValueError):
            allowed.add(check_base_url(base_url))
    return allowed


@pytest.mark.parametrize("key", KEYS)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
async def test_any_input_and_connection_end_in_a_result_or_a_segment_error(
    key: str, data: st.DataObject, mock: aioresponses, built: list[str]
) -> None:
    handler = segment.component.get(key)
    keys = st.one_of(
        st.sampled_from([*handler.spec.schema["properties"], handler.connection_input]),
        text(),
        st.integers(),
        st.none(),
    )
    inputs = data.draw(
        st.one_of(
            st.dictionaries(keys, JUNK, max_size=5),
            valid_inputs(handler).flatmap(lambda v: st.dictionaries(keys, JUNK, max_size=2).map(lambda j: {**v, **j})),
            st.sampled_from([None, [], "sourceId=x", 7, ["a", "b"]]),
        ),
        label="inputs",
    )
    connection = data.draw(connections(), label="connection")
    _reset(mock, built)
    # Anything but a SegmentError fails the test: only the component's own errors may escape.
    with contextlib.suppress(SegmentError):
        await segment.invoke(key, inputs, connection=connection, retry=ONE_TRY)
    embedded = inputs.get(handler.connection_input) if isinstance(inputs, dict) else None
    allowed = _allowed_origins(connection if connection is not None else embedded)
    for url in built:
        assert any(url.startswith(origin + "/") for origin in allowed), url
    for request in sent(mock):
        assert any(str(request.url).startswith(origin) for origin in allowed), request.url


@pytest.mark.parametrize("key", KEYS)
async def test_a_secret_never_comes_back_in_an_input_error(key: str, mock: aioresponses) -> None:
    """Wrong values that are secret-looking are never quoted by the reasons, whatever the field."""
    handler = segment.component.get(key)
    secret = "sgp_SECRET_in_a_wrong_place_77"
    inputs: dict[str, Any] = {prop: {"x": [secret]} for prop in handler.spec.schema["properties"]}
    inputs["unknownKey"] = secret
    with pytest.raises(InputError) as caught:
        await segment.invoke(key, inputs, connection={"apiKey": f"{secret}\n", "subdomain": [secret]})
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    assert sent(mock) == []


def test_the_hostile_text_covers_what_it_claims() -> None:
    # The strategies rely on these: a change that emptied them would silently weaken every test above.
    assert any("/" in t for t in HOSTILE_TEXT) and ".." in HOSTILE_TEXT and any("\r\n" in t for t in HOSTILE_TEXT)
    assert urlsplit("https://proxy.example.com/segment/api/").path == "/segment/api/"


async def test_a_line_break_in_a_form_field_name_is_an_input_error(mock: aioresponses, built: list[str]) -> None:
    """Refused by the raw request's input model, naming the field, before the multipart builder
    (which would raise a ValueError inside the handler) is reached."""
    with pytest.raises(InputError) as caught:
        await segment.invoke(
            "rawRequest",
            {"url": "/upload", "method": "POST", "formData": {"a\r\nX-Evil: 1": "v"}},
            connection=CONNECTION,
        )
    assert caught.value.fields == ("formData",)
    assert sent(mock) == [] and built == []


async def test_a_handler_bug_leaves_invoke_as_an_internal_error_that_quotes_nothing(mock: aioresponses) -> None:
    """A handler that lets a KeyError through (here: one quoting the token) ends in InternalError,
    a SegmentError naming the handler and the exception type only. A private Component keeps the
    registry that the other tests iterate untouched."""
    real = segment.component
    private = Component(
        real.info,
        real.connection,
        make_context=real._make_context,
        close=real._close,
        input_error=InputError,
        internal_error=InternalError,
    )

    @private.action("buggy", label="Buggy", description="Fails after one call.", example={})
    async def buggy(ctx: Any, inputs: SegmentInputs) -> Any:
        await ctx.client.get("/sources")
        raise KeyError(f"no {CONNECTION['apiKey']} here")

    with pytest.raises(InternalError) as caught:
        await private.invoke("buggy", {}, connection=CONNECTION)
    assert str(caught.value) == "buggy failed unexpectedly (KeyError) after 1 HTTP call; this is a bug in the component"
    assert isinstance(caught.value, SegmentError)
    assert CONNECTION["apiKey"] not in exception_text(caught.value)
