"""The Segment client, through invoke(): URLs, headers, pagination, retries and error mapping."""

from __future__ import annotations

import email.utils
import re
import time
from typing import Any
from urllib.parse import unquote

import aiohttp
import pytest
from aioresponses import aioresponses

from component import segment
from component.segment import client as client_module
from component.segment.errors import (
    ApiError,
    Conflict,
    Forbidden,
    InputError,
    Invalid,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from component.segment.policy import RetryPolicy
from tests.helpers import CANARY, CONNECTION, EU, US, only, sent

SOURCE_BODY = {"data": {"source": {"id": "abc"}}}


async def get_source(source_id: str = "abc", **extra: Any) -> Any:
    return await segment.invoke("getSource", {"sourceId": source_id, **extra}, connection=CONNECTION)


# --- URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "base"),
    [("api", US), ("us", US), ("eu1.api", EU), ("eu", EU), ("eu1", EU), ("EU", EU)],
)
async def test_region_selects_the_base_url(mock: aioresponses, region: str, base: str) -> None:
    mock.get(f"{base}/sources/abc", payload=SOURCE_BODY)
    result = await get_source(region=region)
    assert result == {"data": SOURCE_BODY}
    assert str(only(mock).url) == f"{base}/sources/abc"


async def test_unknown_region_is_an_input_error_without_request(mock: aioresponses) -> None:
    with pytest.raises(InputError) as caught:
        await get_source(region="ap-south")
    assert caught.value.fields == ("region",)
    assert "must be one of: api, eu1.api" in str(caught.value)
    assert sent(mock) == []


async def test_base_url_of_the_connection_replaces_the_region(mock: aioresponses) -> None:
    mock.get("http://127.0.0.1:9999/prefix/sources/abc", payload=SOURCE_BODY)
    conn = {**CONNECTION, "baseUrl": "http://127.0.0.1:9999/prefix/"}
    await segment.invoke("getSource", {"sourceId": "abc", "region": "eu"}, connection=conn)
    assert str(only(mock).url) == "http://127.0.0.1:9999/prefix/sources/abc"


async def test_base_url_from_the_environment(mock: aioresponses, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_API_BASE_URL", "http://localhost:8787")
    mock.get("http://localhost:8787/sources/abc", payload=SOURCE_BODY)
    await get_source()
    assert only(mock).url.host == "localhost"


@pytest.mark.parametrize(
    "base_url",
    ["ftp://example.com", "http://user:pw@example.com", "https://example.com?x=1", "example.com", "http:///x"],
)
async def test_unsafe_base_urls_are_refused(mock: aioresponses, base_url: str) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke("getSource", {"sourceId": "a"}, connection={**CONNECTION, "baseUrl": base_url})
    assert caught.value.fields == ("connection.baseUrl",)
    assert sent(mock) == []


@pytest.mark.parametrize("source_id", ["a/b", "a?b=c", "a#b", "100%", "with space", "..a", "é", "a%2F..%2Fb"])
async def test_path_parameters_are_percent_encoded(mock: aioresponses, source_id: str) -> None:
    mock.get(re.compile(r".*"), payload=SOURCE_BODY)
    await get_source(source_id)
    request = only(mock)
    # One segment that decodes back to the id: nothing in it could reach another path.
    assert [unquote(part) for part in request.path.split("/")] == ["", "sources", source_id]
    assert not request.url.query_string and not request.url.fragment
    assert request.url.host == "api.segmentapis.com"


@pytest.mark.parametrize("source_id", ["..", "."])
async def test_dot_segments_are_refused(mock: aioresponses, source_id: str) -> None:
    with pytest.raises(InputError) as caught:
        await get_source(source_id)
    assert "must not be empty, '.' or '..'" in str(caught.value)
    assert sent(mock) == []


# --- headers ---------------------------------------------------------------------------------------


async def test_auth_and_media_type_headers(mock: aioresponses) -> None:
    mock.post(f"{US}/sources", status=201, payload=SOURCE_BODY)
    await segment.invoke("createSource", {"slug": "s", "metadataId": "m"}, connection=CONNECTION)
    headers = only(mock).headers
    assert headers["Authorization"] == f"Bearer {CANARY}"
    assert headers["Accept"] == "application/vnd.segment.v1+json"
    assert headers["Content-Type"] == "application/vnd.segment.v1+json"


async def test_a_read_sends_no_content_type(mock: aioresponses) -> None:
    mock.get(f"{US}/sources/abc", payload=SOURCE_BODY)
    await get_source()
    assert "Content-Type" not in only(mock).headers


# --- pagination ------------------------------------------------------------------------------------


def page(items: list[str], next_cursor: str | None) -> dict[str, Any]:
    pagination: dict[str, Any] = {"current": "cur", "totalEntries": 5}
    if next_cursor:
        pagination["next"] = next_cursor
    return {"data": {"sources": [{"id": i, "name": f"Name {i}", "slug": i} for i in items], "pagination": pagination}}


def three_pages(mock: aioresponses) -> None:
    mock.get(f"{US}/sources?pagination%5Bcount%5D=1000", payload=page(["c", "a"], "Mg=="))
    mock.get(
        f"{US}/sources?pagination%5Bcount%5D=1000&pagination%5Bcursor%5D=Mg%3D%3D", payload=page(["e", "b"], "NA==")
    )
    mock.get(f"{US}/sources?pagination%5Bcount%5D=1000&pagination%5Bcursor%5D=NA%3D%3D", payload=page(["d"], None))


async def test_fetch_all_follows_three_pages(mock: aioresponses) -> None:
    three_pages(mock)
    result = await segment.invoke("listSources", {"fetchAll": True}, connection=CONNECTION)
    assert [s["id"] for s in result["data"]["data"]["sources"]] == ["c", "a", "e", "b", "d"]
    assert result["data"]["data"]["pagination"] == {"totalEntries": 5}
    queries = [r.query for r in sent(mock)]
    assert queries == [
        [("pagination[count]", "1000")],
        [("pagination[count]", "1000"), ("pagination[cursor]", "Mg==")],
        [("pagination[count]", "1000"), ("pagination[cursor]", "NA==")],
    ]


async def test_picklist_follows_every_page_and_sorts(mock: aioresponses) -> None:
    three_pages(mock)
    result = await segment.invoke("sources", {}, connection=CONNECTION)
    assert [c["key"] for c in result["result"]] == ["a", "b", "c", "d", "e"]
    assert result["result"][0] == {"key": "a", "label": "Name a (a)"}


async def test_picklist_search_filters(mock: aioresponses) -> None:
    three_pages(mock)
    result = await segment.invoke("sources", {"search": "NAME E"}, connection=CONNECTION)
    assert result["result"] == [{"key": "e", "label": "Name e (e)"}]


async def test_a_repeated_cursor_stops_with_an_error(mock: aioresponses) -> None:
    mock.get(f"{US}/sources?pagination%5Bcount%5D=1000", payload=page(["a"], "MQ=="))
    mock.get(
        f"{US}/sources?pagination%5Bcount%5D=1000&pagination%5Bcursor%5D=MQ%3D%3D",
        payload=page(["b"], "MQ=="),
        repeat=True,
    )
    with pytest.raises(MalformedResponse, match="repeated a pagination cursor"):
        await segment.invoke("sources", {}, connection=CONNECTION)


# --- retries -----------------------------------------------------------------------------------------


async def test_get_is_retried_on_503_then_succeeds(mock: aioresponses, waits: list[float]) -> None:
    url = f"{US}/sources/abc"
    mock.get(url, status=503, payload={"errors": [{"type": "internal", "message": "down"}]})
    mock.get(url, payload=SOURCE_BODY)
    assert (await get_source())["data"] == SOURCE_BODY
    assert len(sent(mock)) == 2
    assert len(waits) == 1 and 0.25 <= waits[0] <= 0.5


async def test_post_is_not_retried_on_503(mock: aioresponses, waits: list[float]) -> None:
    mock.post(f"{US}/sources", status=503, payload={"errors": [{"type": "internal", "message": "down"}]})
    mock.post(f"{US}/sources", status=201, payload=SOURCE_BODY)
    with pytest.raises(ServerError):
        await segment.invoke("createSource", {"slug": "s", "metadataId": "m"}, connection=CONNECTION)
    assert len(sent(mock)) == 1
    assert waits == []


async def test_post_is_retried_on_429_honouring_retry_after(mock: aioresponses, waits: list[float]) -> None:
    mock.post(
        f"{US}/sources",
        status=429,
        headers={"Retry-After": "7"},
        payload={"errors": [{"type": "RequestError", "message": "Too many requests"}]},
    )
    mock.post(f"{US}/sources", status=201, payload=SOURCE_BODY)
    result = await segment.invoke("createSource", {"slug": "s", "metadataId": "m"}, connection=CONNECTION)
    assert result["data"] == SOURCE_BODY
    assert len(sent(mock)) == 2
    assert len(waits) == 1 and 7 <= waits[0] <= 7.7


async def test_ms_before_next_is_honoured(mock: aioresponses, waits: list[float]) -> None:
    body = {
        "errors": [
            {
                "type": "RequestError",
                "message": "Too many requests",
                "data": {"remainingPoints": 0, "msBeforeNext": 2500, "consumedPoints": 21},
            }
        ]
    }
    mock.get(f"{US}/sources/abc", status=429, payload=body)
    mock.get(f"{US}/sources/abc", payload=SOURCE_BODY)
    await get_source()
    assert len(waits) == 1 and 2.5 <= waits[0] <= 2.75


async def test_rate_limit_reset_is_honoured(mock: aioresponses, waits: list[float]) -> None:
    reset = email.utils.formatdate(time.time() + 20, usegmt=True)
    mock.get(
        f"{US}/sources/abc",
        status=429,
        headers={"X-RateLimit-Reset": reset},
        payload={"errors": [{"type": "RequestError", "message": "Too many requests"}]},
    )
    mock.get(f"{US}/sources/abc", payload=SOURCE_BODY)
    await get_source()
    assert len(waits) == 1 and 18 <= waits[0] <= 22


async def test_a_wait_beyond_the_cap_raises_rate_limited(mock: aioresponses, waits: list[float]) -> None:
    mock.get(
        f"{US}/sources/abc",
        status=429,
        headers={"Retry-After": "3600"},
        payload={"errors": [{"type": "RequestError", "message": "Too many requests"}]},
    )
    with pytest.raises(RateLimited) as caught:
        await get_source()
    assert caught.value.retry_after == 3600
    assert len(sent(mock)) == 1 and waits == []


async def test_transport_errors_are_retried_for_reads_then_typed(mock: aioresponses, waits: list[float]) -> None:
    mock.get(f"{US}/sources/abc", exception=aiohttp.ClientConnectionError("refused"), repeat=True)
    with pytest.raises(TransportError, match=r"the connection to api\.segmentapis\.com:443 failed"):
        await get_source()
    assert len(sent(mock)) == 4 and len(waits) == 3


async def test_timeouts_become_transport_errors(mock: aioresponses, waits: list[float]) -> None:
    mock.get(f"{US}/sources/abc", exception=TimeoutError(), repeat=True)
    with pytest.raises(TransportError, match="timed out"):
        await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION, retry=RetryPolicy(attempts=2))
    assert len(sent(mock)) == 2


# --- error mapping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, Invalid),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (422, Invalid),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (418, ApiError),
    ],
)
async def test_every_status_maps_to_its_error(mock: aioresponses, status: int, cls: type[ApiError]) -> None:
    body = {"errors": [{"type": "some-type", "message": "what went wrong", "field": "slug", "status": status}]}
    mock.get(f"{US}/sources/abc", status=status, payload=body, headers={"X-Request-Id": "req-1"})
    with pytest.raises(ApiError) as caught:
        await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION, retry=RetryPolicy(attempts=1))
    error = caught.value
    assert type(error) is cls
    assert (error.status, error.type, error.message, error.field, error.request_id) == (
        status,
        "some-type",
        "what went wrong",
        "slug",
        "req-1",
    )
    assert (error.method, error.path) == ("GET", "/sources/abc")
    assert f"{status} some-type on GET /sources/abc: what went wrong (field slug)" in str(error)


async def test_201_is_success(mock: aioresponses) -> None:
    mock.post(f"{US}/sources", status=201, payload=SOURCE_BODY)
    result = await segment.invoke("createSource", {"slug": "s", "metadataId": "m"}, connection=CONNECTION)
    assert result == {"data": SOURCE_BODY}


async def test_a_malformed_success_body_is_an_api_error(mock: aioresponses, waits: list[float]) -> None:
    mock.post(f"{US}/sources", status=201, body=b'{"data": {"source"')
    with pytest.raises(MalformedResponse) as caught:
        await segment.invoke("createSource", {"slug": "s", "metadataId": "m"}, connection=CONNECTION)
    assert isinstance(caught.value, ApiError) and caught.value.status == 201
    assert len(sent(mock)) == 1


async def test_a_malformed_read_is_retried(mock: aioresponses, waits: list[float]) -> None:
    mock.get(f"{US}/sources/abc", body=b"<html>proxy error</html>")
    mock.get(f"{US}/sources/abc", payload=SOURCE_BODY)
    assert (await get_source())["data"] == SOURCE_BODY


async def test_a_non_json_error_body_keeps_its_status(mock: aioresponses) -> None:
    mock.get(f"{US}/sources/abc", status=404, body=b"<html>not here</html>")
    with pytest.raises(NotFound, match="non-JSON error body"):
        await get_source()


@pytest.mark.parametrize(("value", "expected"), [("50", 50), ("", 16)])
def test_max_concurrency_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, expected: int) -> None:
    monkeypatch.setenv("SEGMENT_MAX_CONCURRENCY", value)
    assert client_module.SessionPool().max_concurrency == expected


async def test_picklist_choices_that_share_a_label_get_their_key(mock: aioresponses) -> None:
    body = {
        "data": {
            "sources": [
                {"id": "a", "name": "Web", "slug": "web"},
                {"id": "b", "name": "Web", "slug": "web"},
                {"id": "c", "name": "App", "slug": "app"},
            ],
            "pagination": {},
        }
    }
    mock.get(f"{US}/sources?pagination%5Bcount%5D=1000", payload=body)
    result = await segment.invoke("sources", {}, connection=CONNECTION)
    assert result["result"] == [
        {"key": "c", "label": "App (app)"},
        {"key": "a", "label": "Web (web) [a]"},
        {"key": "b", "label": "Web (web) [b]"},
    ]
