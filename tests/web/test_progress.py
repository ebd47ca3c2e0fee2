"""A long call's progress over real HTTP: with `?progress=1` the server streams the framework
reporter's pages, items and waits as NDJSON lines before the answer, against an emulator whose
workspace takes several pages (a picklist and `fetchAll` ask for 1000 items a page)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from component.hosts.web.server import SECURITY_HEADERS, TOKEN_HEADER
from component.segment import client as segment_client
from tests.helpers import CANARY
from tests.web.conftest import Served

SEEDED = 2500  # with the demo workspace's own sources: three pages of 1000


@pytest.fixture
def big(served: Served) -> Served:
    served.emulator.seed = SEEDED
    served.emulator.reset()
    return served


async def _stream(served: Served, path: str, body: Any = None) -> tuple[list[dict[str, Any]], str, dict[str, str]]:
    """The lines of a streamed answer, the raw text, and the response's headers."""
    async with served.session.post(served.url + path, json=body, headers=served.headers) as response:
        assert response.status == 200
        text = await response.text()
        headers = dict(response.headers)
    return [json.loads(line) for line in text.splitlines()], text, headers


def _reports(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert all(set(line) == {"progress"} for line in lines[:-1])
    return [line["progress"] for line in lines[:-1]]


async def test_a_long_picklist_streams_each_page_then_its_answer(big: Served) -> None:
    lines, text, headers = await _stream(big, "/api/dataSources/sources?progress=1", {})
    total = len(big.emulator.state.sources)
    pages = [(r["pages"], r["items"]) for r in _reports(lines) if r["kind"] == "page"]
    assert pages == [(1, 1000), (2, 2000), (3, total)]
    assert lines[-1]["status"] == 200 and len(lines[-1]["body"]["result"]) == total
    assert headers["Content-Type"].startswith("application/x-ndjson")
    assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert CANARY not in text and CANARY not in json.dumps(headers)


async def test_fetch_all_streams_a_rate_limit_wait_with_its_reason_and_the_traced_answer(
    big: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_wait(seconds: float) -> None:  # reported before it starts: the test need not sit it out
        pass

    monkeypatch.setattr(segment_client, "pause", no_wait)
    big.emulator.faults.inject("GET", "/sources", times=1)  # the first page goes through ...
    big.emulator.faults.inject("GET", "/sources", status=429, headers={"Retry-After": "2"})  # ... then one 429
    lines, _, _ = await _stream(big, "/api/actions/listSources?progress=1&trace=1", {"fetchAll": True})
    reports = _reports(lines)
    assert [r["kind"] for r in reports] == ["page", "wait", "page", "page"]
    wait = reports[1]
    assert 2 <= wait["seconds"] < 3
    assert re.fullmatch(r"waiting 2\.\d s: GET /sources rate limited \(429\); try 2 of \d+ next", wait["message"])
    final = lines[-1]
    assert final["status"] == 200
    assert len(final["body"]["output"]["data"]["data"]["sources"]) == len(big.emulator.state.sources)
    assert len(final["body"]["calls"]) >= 4 and final["body"]["elapsedMs"] > 0  # the trace is there too


async def test_an_error_is_the_last_line_with_its_status(served: Served) -> None:
    lines, _, _ = await _stream(served, "/api/actions/getSource?progress=1", {"sourceId": "no-such-source"})
    assert lines[-1]["status"] == 404 and lines[-1]["body"]["error"] == "NotFound"
    lines, _, _ = await _stream(served, "/api/actions/getSource?progress=1", {})
    assert lines[-1]["status"] == 422 and [f["field"] for f in lines[-1]["body"]["fields"]] == ["sourceId"]


async def test_a_streamed_call_without_the_page_token_is_refused_before_anything_is_sent(served: Served) -> None:
    headers = {k: v for k, v in served.headers.items() if k != TOKEN_HEADER}
    async with served.session.post(
        served.url + "/api/dataSources/sources?progress=1", json={}, headers=headers
    ) as response:
        assert response.status == 403
        assert (await response.json())["error"] == "Forbidden"
    assert served.emulator.requests == []


async def test_the_servers_default_inputs_apply_where_the_page_leaves_them_out(served: Served) -> None:
    served.host.default_inputs = {"region": "mars"}
    source = next(iter(served.emulator.state.sources))
    status, body, _ = await served.post("/api/actions/getSource", {"sourceId": source})
    assert status == 422 and [f["field"] for f in body["fields"]] == ["region"]
    status, _, _ = await served.post("/api/actions/getSource", {"sourceId": source, "region": "api"})
    assert status == 200
