"""The raw request: its own options, and no way to send the token anywhere else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aioresponses import aioresponses

from component import segment
from component.segment.errors import InputError, ServerError
from tests.helpers import CONNECTION, US, only, sent

HOSTILE_URLS = [
    "https://evil.example/steal",
    "http://evil.example",
    "HTTPS://api.segmentapis.com.evil.example/",
    "//evil.example/x",
    "///evil.example/x",
    "\\\\evil.example\\x",
    "/\\evil.example/x",
    "\\/evil.example",
    "/sources\\..\\..\\x",
    "@evil.example/x",
    "/@evil.example",
    "/sources@evil.example",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "ftp://evil.example/",
    "data:text/plain,hi",
    "mailto:a@evil.example",
    "evil.example:443/x",
    "/sources/../../x",
    "/..",
    "/./sources",
    "/sources/%2e%2e/x",
    "/sources/%2E%2E%2Fx",
    "/%2F%2Fevil.example",
    "/sources%2f..%2f..%2fx",
    "/sources/%252e%252e/x",
    "/sources%5c..%5cx",
    "/sources\r\nHost: evil.example",
    "/sources\nX: y",
    "/sources\tx",
    "/sources x",
    "/sources/%00",
    "/sources\x00",
    "\uff0fevil.example",  # fullwidth solidus
    "/sources\uff0f..",
    "/\u0455ources",  # Cyrillic dze, a look-alike of s
    "http://[::1]/x",
    "http://127.0.0.1/x",
    "//127.0.0.1:8787/x",
    "/sources#@evil.example",
    "",
    "   ",
]


@pytest.fixture
def mock() -> Any:
    with aioresponses() as m:
        m.add(re.compile(r".*"), method="GET", payload={"data": {}}, repeat=True)
        yield m


@pytest.mark.parametrize("url", HOSTILE_URLS)
async def test_hostile_urls_are_refused_without_a_request(mock: aioresponses, url: str) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke("rawRequest", {"url": url, "method": "GET"}, connection=CONNECTION)
    assert caught.value.fields == ("url",)
    assert sent(mock) == []


@pytest.mark.parametrize(
    "header", ["Authorization", "authorization", "Host", "Proxy-Authorization", "Cookie", "X-Forwarded-Host", " Host "]
)
async def test_headers_that_change_target_or_credentials_are_refused(mock: aioresponses, header: str) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke(
            "rawRequest", {"url": "/sources", "method": "GET", "headers": {header: "x"}}, connection=CONNECTION
        )
    assert caught.value.fields == ("headers",)
    assert sent(mock) == []


async def test_a_header_with_a_line_break_is_refused(mock: aioresponses) -> None:
    with pytest.raises(InputError):
        await segment.invoke(
            "rawRequest",
            {"url": "/sources", "method": "GET", "headers": {"X-Note": "a\r\nHost: evil"}},
            connection=CONNECTION,
        )
    assert sent(mock) == []


async def test_plain_paths_and_extra_headers_go_to_the_base_url(mock: aioresponses) -> None:
    result = await segment.invoke(
        "rawRequest",
        {"url": "/sources/a.b-c_d~e", "method": "GET", "headers": {"X-Trace": "1", "Accept": "application/json"}},
        connection=CONNECTION,
    )
    request = only(mock)
    assert str(request.url) == f"{US}/sources/a.b-c_d~e"
    assert request.headers["X-Trace"] == "1" and request.headers["Accept"] == "application/json"
    assert request.headers["Authorization"] == f"Bearer {CONNECTION['apiKey']}"
    assert result == {"data": {"data": {}}}


async def test_data_and_form_data_are_exclusive(mock: aioresponses) -> None:
    with pytest.raises(InputError, match="data cannot be combined with formData"):
        await segment.invoke(
            "rawRequest",
            {"url": "/x", "method": "POST", "data": {"a": 1}, "formData": {"k": "v"}},
            connection=CONNECTION,
        )


async def test_own_retry_options(waits: list[float]) -> None:
    with aioresponses() as mock:
        mock.post(f"{US}/x", status=500, payload={"errors": [{"type": "internal", "message": "boom"}]}, repeat=True)
        with pytest.raises(ServerError):
            await segment.invoke(
                "rawRequest",
                {"url": "/x", "method": "POST", "maxRetries": "2", "retryDelayMS": "250", "retryAllErrors": "true"},
                connection=CONNECTION,
            )
        assert len(sent(mock)) == 3
    assert waits == [0.25, 0.25]


async def test_post_is_not_retried_on_500_by_default() -> None:
    with aioresponses() as mock:
        mock.post(f"{US}/x", status=500, payload={"errors": [{"type": "internal", "message": "boom"}]}, repeat=True)
        with pytest.raises(ServerError):
            await segment.invoke("rawRequest", {"url": "/x", "method": "POST", "maxRetries": 3}, connection=CONNECTION)
        assert len(sent(mock)) == 1


@pytest.mark.parametrize(
    ("response_type", "expected"),
    [("text", "plain words"), ("binary", "cGxhaW4gd29yZHM="), ("arraybuffer", "cGxhaW4gd29yZHM=")],
)
async def test_response_types(response_type: str, expected: str) -> None:
    with aioresponses() as mock:
        mock.get(f"{US}/x", body=b"plain words", content_type="text/plain")
        result = await segment.invoke(
            "rawRequest", {"url": "/x", "method": "GET", "responseType": response_type}, connection=CONNECTION
        )
    assert result == {"data": expected}


async def test_form_and_file_data_are_sent_as_multipart() -> None:
    with aioresponses() as mock:
        mock.post(f"{US}/upload", payload={"data": {}})
        await segment.invoke(
            "rawRequest",
            {
                "url": "/upload",
                "method": "POST",
                "formData": {"k": "v"},
                "fileData": {"f": "contents"},
                "fileDataFileNames": {"f": "f.txt"},
            },
            connection=CONNECTION,
        )
        request = only(mock)
    assert type(request.body).__name__ == "FormData"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("formData", {"a\r\nX-Injected: 1": "v"}),
        ("fileData", {'f"; name="x': "c"}),
        ("fileDataFileNames", {"f": "a\nb.txt"}),
    ],
)
async def test_multipart_names_that_would_corrupt_a_part_header_are_refused(
    mock: aioresponses, field: str, value: dict[str, str]
) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke("rawRequest", {"url": "/upload", "method": "POST", field: value}, connection=CONNECTION)
    assert caught.value.fields == (field,)
    assert sent(mock) == []
