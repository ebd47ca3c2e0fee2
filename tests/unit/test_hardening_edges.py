"""Edges of the client and runtime: echoed secrets, odd answers, and input that only looks valid.

* Every value of a sensitive input or setting (a warehouse password, a destination's
  sharedSecret) is a secret for the call: an error echoing the request body quotes none of them.
* Deeply nested JSON and numbers too large for a float are the API's malformed answer: a typed
  error with the status, retried as that status says.
* A base URL ending in `#` or `?`, `count: true`, non-ASCII numerals and a `region` keyword that
  disagrees with the input are refused; the keyword alone is honoured; `retryAllErrors` never
  sends a POST again after a dropped connection.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from component import segment
from component.framework.debug import sensitive_values
from component.segment.errors import (
    InputError,
    Invalid,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    TooManyPages,
    TransportError,
)
from component.segment.policy import RetryPolicy
from tests.helpers import CONNECTION, EU, US, sent

PASSWORD = "pw-ECHOED-5c1d9e-secret"
WAREHOUSE = {
    "metadataId": "55d3d3aea3c",
    "name": "W",
    "settings": {"hostname": "db.example.com", "port": 5432, "database": "d", "username": "u", "password": PASSWORD},
}
DESTINATION = {"destinationId": "fP7qoQw2HTWt9WdMr718gn", "settings": {"sharedSecret": PASSWORD}}
RAW = {
    "url": "/warehouses/WHxy7bqXaGCpo4TZDW2LMe",
    "method": "PATCH",
    "data": {"settings": {"credentials": {"privateKeyPem": PASSWORD}}},
}


def _echo(status: int = 422) -> dict[str, Any]:
    """An error answer that repeats the request's settings everywhere it can."""
    return {
        "errors": [
            {
                "type": "ValidationFailure",
                "message": f"settings.password {PASSWORD} is invalid",
                "field": f"settings.{PASSWORD}",
                "data": {"echo": [PASSWORD, {PASSWORD: PASSWORD}]},
            }
        ]
    }


@pytest.mark.parametrize(
    ("key", "inputs", "method", "path"),
    [
        ("createWarehouse", WAREHOUSE, "post", "/warehouses"),
        ("updateDestination", DESTINATION, "patch", "/destinations/fP7qoQw2HTWt9WdMr718gn"),
        ("rawRequest", RAW, "patch", "/warehouses/WHxy7bqXaGCpo4TZDW2LMe"),
    ],
    ids=["warehouse password", "destination sharedSecret", "raw body credentials"],
)
async def test_an_error_echoing_a_sensitive_setting_quotes_none_of_it(
    key: str, inputs: dict[str, Any], method: str, path: str
) -> None:
    with aioresponses() as mock:
        getattr(mock, method)(f"{US}{path}", status=422, payload=_echo())
        with pytest.raises(Invalid) as caught:
            await segment.invoke(key, inputs, connection=CONNECTION)
        assert PASSWORD in json.dumps(sent(mock)[0].body)  # it was sent: only the error hides it
    error = caught.value
    assert PASSWORD not in str(error) and PASSWORD not in repr(vars(error))
    assert PASSWORD not in json.dumps(error.data)
    assert error.status == 422 and "[redacted] is invalid" in str(error)


async def test_the_secret_of_one_call_is_released_when_it_ends() -> None:
    from component.framework.debug import secrets

    with aioresponses() as mock:
        mock.post(f"{US}/warehouses", status=422, payload=_echo())
        with pytest.raises(Invalid):
            await segment.invoke("createWarehouse", WAREHOUSE, connection=CONNECTION)
    # The connection's token stays pinned while its parsed connection is kept; the call's own
    # secret (the password) is released.
    assert secrets.in_use() == 0 and secrets.redact(PASSWORD) == PASSWORD


def test_sensitive_values_are_found_by_key_at_any_depth() -> None:
    value = {
        "settings": {
            "password": "a1",
            "nested": [{"sharedSecret": "b2"}],
            "apiKey": "c3",
            "credentials": {"user": "d4", "list": ["e5"]},
            "hostname": "plain",
            "port": 5432,
            "tokenUrl": "f6",
        }
    }
    assert sorted(sensitive_values(value)) == ["a1", "b2", "c3", "d4", "e5", "f6"]


async def test_the_connection_test_does_not_quote_a_slug_that_is_the_token() -> None:
    with aioresponses() as mock:
        mock.get(f"{US}/", payload={"data": {"workspace": {"slug": CONNECTION["apiKey"]}}})
        with pytest.raises(InputError) as caught:
            await segment.test_connection(CONNECTION)
    assert CONNECTION["apiKey"] not in str(caught.value)
    assert "[redacted]" in str(caught.value)


async def test_the_connection_test_of_an_odd_answer_stays_typed() -> None:
    with aioresponses() as mock:
        mock.get(f"{US}/", payload={"data": ["not", "an", "object"]})
        with pytest.raises(InputError, match=r"connection\.subdomain"):
            await segment.test_connection(CONNECTION)


# --- odd answers ---------------------------------------------------------------------------------

DEEP = "[" * 5_000 + "]" * 5_000  # deeper than the JSON parser recurses


@pytest.mark.parametrize(
    ("status", "expected", "tries"), [(200, MalformedResponse, 4), (500, ServerError, 4), (404, NotFound, 1)]
)
async def test_deeply_nested_json_is_a_typed_error_retried_as_its_status_says(
    status: int, expected: type[Exception], tries: int, waits: list[float]
) -> None:
    with aioresponses() as mock:
        mock.get(f"{US}/sources/abc", status=status, body=DEEP, content_type="application/json", repeat=True)
        with pytest.raises(expected) as caught:
            await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION)
        assert len(sent(mock)) == tries
    assert getattr(caught.value, "status", None) == status


@pytest.mark.parametrize("ms", ["1" + "0" * 400, "1e999", "-1e999", "NaN"])
async def test_an_absurd_ms_before_next_is_a_rate_limit_not_a_bug(ms: str, waits: list[float]) -> None:
    body = '{"errors": [{"type": "too-many-requests", "message": "slow down", "data": {"msBeforeNext": MS}}]}'
    body = body.replace("MS", ms)
    with aioresponses() as mock:
        mock.get(f"{US}/sources/abc", status=429, body=body, content_type="application/json", repeat=True)
        with pytest.raises(RateLimited) as caught:
            await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION)
        tries = len(sent(mock))
    error = caught.value
    assert error.status == 429
    if ms in ("1" + "0" * 400, "1e999"):  # longer than any policy waits: refused at once
        assert tries == 1 and error.retry_after is not None and error.retry_after > 60
    else:  # no usable wait: retried with backoff, every wait finite
        assert tries == 4 and all(0 <= wait <= 10 for wait in waits)


@pytest.mark.parametrize("header", ["nan", "1e999", "99999999999999999999999999999999999999", "Fri, 31 Dec 99999"])
async def test_an_absurd_retry_after_is_a_rate_limit_not_a_bug(header: str, waits: list[float]) -> None:
    with aioresponses() as mock:
        mock.get(f"{US}/sources/abc", status=429, headers={"Retry-After": header}, payload={}, repeat=True)
        with pytest.raises(RateLimited):
            await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION)


# --- input edges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8787/#", "http://127.0.0.1:8787?", "https://h.example/x#y", "http://h.example/api?"]
)
async def test_a_base_url_with_a_query_or_fragment_mark_is_refused(base_url: str) -> None:
    with aioresponses() as mock:
        with pytest.raises(InputError) as caught:
            await segment.invoke("getSource", {"sourceId": "abc"}, connection={**CONNECTION, "baseUrl": base_url})
        assert not sent(mock)
    assert caught.value.fields == ("connection.baseUrl",)


@pytest.mark.parametrize("count", [True, False, "١٢", "\uff11\uff12", "12\u0663", "1.5e\u0661"])
async def test_a_boolean_or_a_non_ascii_numeral_is_no_integer(count: Any) -> None:
    with aioresponses() as mock:
        with pytest.raises(InputError) as caught:
            await segment.invoke("listSources", {"count": count}, connection=CONNECTION)
        assert not sent(mock)
    assert caught.value.fields == ("count",)


async def test_an_ascii_count_is_still_read_from_text() -> None:
    with aioresponses() as mock:
        mock.get(f"{US}/sources?pagination%5Bcount%5D=12", payload={"data": {"sources": []}})
        await segment.invoke("listSources", {"count": " 12 "}, connection=CONNECTION)
        assert sent(mock)[0].query == [("pagination[count]", "12")]


@pytest.mark.parametrize(
    ("inputs", "region", "base"),
    [
        ({}, "eu", EU),
        ({}, "eu1.api", EU),
        ({}, "us", US),
        ({"region": "eu"}, None, EU),
        ({"region": "eu"}, "eu1", EU),
    ],
)
async def test_the_region_keyword_is_honoured(inputs: dict[str, Any], region: str | None, base: str) -> None:
    with aioresponses() as mock:
        mock.get(f"{base}/sources/abc", payload={"data": {}})
        await segment.invoke("getSource", {"sourceId": "abc", **inputs}, connection=CONNECTION, region=region)
        assert str(sent(mock)[0].url).startswith(base)


@pytest.mark.parametrize(("inputs", "region"), [({}, "mars"), ({"region": "us"}, "eu"), ({}, 5)])
async def test_a_bad_or_conflicting_region_keyword_is_refused(inputs: dict[str, Any], region: Any) -> None:
    with aioresponses() as mock:
        with pytest.raises(InputError) as caught:
            await segment.invoke("getSource", {"sourceId": "abc", **inputs}, connection=CONNECTION, region=region)
        assert not sent(mock)
    assert caught.value.fields == ("region",)


@pytest.mark.parametrize("failure", [aiohttp.ServerDisconnectedError(), TimeoutError()], ids=["drop", "timeout"])
async def test_retry_all_errors_never_sends_a_post_again_without_an_answer(
    failure: BaseException, waits: list[float]
) -> None:
    with aioresponses() as mock:
        mock.post(f"{US}/x", exception=failure, repeat=True)
        with pytest.raises(TransportError):
            await segment.invoke(
                "rawRequest",
                {"url": "/x", "method": "POST", "maxRetries": 3, "retryAllErrors": True},
                connection=CONNECTION,
            )
        assert len(sent(mock)) == 1
        mock.get(f"{US}/x", exception=failure, repeat=True)
        with pytest.raises(TransportError):
            await segment.invoke(
                "rawRequest",
                {"url": "/x", "method": "GET", "maxRetries": 3, "retryAllErrors": True},
                connection=CONNECTION,
            )
        assert len(sent(mock)) == 1 + 4  # a read is sent again


def test_retry_all_errors_says_what_it_does_after_no_answer() -> None:
    help_text = segment.actions["rawRequest"].spec.schema["properties"]["retryAllErrors"]["description"]
    assert "never sent again" in help_text and "timeout" in help_text


async def test_the_policy_keyword_limits_reach_list_walks() -> None:
    with aioresponses() as mock:
        page = {"data": {"sources": [{"id": "a", "name": "A", "slug": "a"}], "pagination": {"next": "n"}}}
        mock.get(f"{US}/sources?pagination%5Bcount%5D=1000", payload=page)
        mock.get(f"{US}/sources?pagination%5Bcount%5D=1000&pagination%5Bcursor%5D=n", payload=page)
        with pytest.raises(TooManyPages, match="stopped after 1 page and 1 item"):
            await segment.invoke(
                "listSources", {"fetchAll": True}, connection=CONNECTION, retry=RetryPolicy(max_pages=1)
            )
