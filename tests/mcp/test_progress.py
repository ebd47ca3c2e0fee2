"""Progress notifications from the framework's reporter: the pages and items of a long page walk
and the waits with their reasons, through the SDK's in-memory client, against an emulator whose
workspace takes several pages (a picklist and `fetchAll` ask for 1000 items a page)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest
from mcp import Client

from component import segment
from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, Emulator, running_emulator
from component.hosts.mcp import McpHost
from component.segment import client as segment_client
from component.segment.methods import HTTP_METHODS

SEEDED = 2500  # with the demo workspace's own sources: three pages of 1000


@pytest.fixture
async def big() -> AsyncIterator[Emulator]:
    async with running_emulator(seed=SEEDED, rate_limits=False) as emu:
        yield emu


Seen = list[tuple[float, float | None, str | None]]


async def _call(emulator: Emulator, name: str, arguments: dict[str, object]) -> tuple[dict[str, object], Seen]:
    seen: Seen = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    connection = {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}
    host = McpHost(segment, connection, methods=HTTP_METHODS, read_only=True)
    async with Client(host.server()) as client:
        result = await client.call_tool(name, arguments, progress_callback=on_progress)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content, seen


def _pages(seen: Seen) -> list[tuple[int, int]]:
    """(pages, items) of every page report, read from the messages."""
    found = [re.search(r"(\d+) pages?, (\d+) items", message or "") for _, _, message in seen]
    return [(int(m.group(1)), int(m.group(2))) for m in found if m]


def _grows(seen: Seen) -> bool:
    values = [progress for progress, _, _ in seen]
    return all(a < b for a, b in pairwise(values))


async def test_a_long_picklist_reports_each_page_with_its_item_count(big: Emulator) -> None:
    body, seen = await _call(big, "sources", {})
    total = len(big.state.sources)
    assert len(body["result"]) == total > 2000  # type: ignore[arg-type]
    assert _pages(seen) == [(1, 1000), (2, 2000), (3, total)]
    assert seen[0][2] == "sources: started" and seen[-1][2] == "sources: done"
    assert _grows(seen)
    assert [t for _, t, _ in seen[:-1]] == [None] * (len(seen) - 1)  # the length is not known before the end
    assert seen[-1][1] == seen[-1][0]  # the end says it is complete


async def test_fetch_all_reports_its_pages_and_a_rate_limit_wait_with_its_reason(
    big: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:  # the wait is reported before it starts; the test need not sit it out
        waits.append(seconds)

    monkeypatch.setattr(segment_client, "pause", no_wait)
    big.faults.inject("GET", "/sources", times=1)  # the first page goes through ...
    big.faults.inject("GET", "/sources", status=429, headers={"Retry-After": "2"})  # ... the second is refused once
    body, seen = await _call(big, "listSources", {"fetchAll": True})
    data = body["data"]["data"]  # type: ignore[index]
    assert len(data["sources"]) == len(big.state.sources)
    messages = [message or "" for _, _, message in seen]
    wait = [m for m in messages if m.startswith("waiting")]
    assert len(wait) == 1 and waits and waits[0] >= 2
    assert re.fullmatch(r"waiting 2\.\d s: GET /sources rate limited \(429\); try 2 of \d+ next", wait[0]), wait[0]
    # The wait comes between the first page and the second, in the order it happened.
    first_page = next(i for i, m in enumerate(messages) if "1 page," in m)
    second_page = next(i for i, m in enumerate(messages) if "2 pages," in m)
    assert first_page < messages.index(wait[0]) < second_page
    assert _pages(seen)[-1] == (3, len(big.state.sources))
    assert _grows(seen)


async def test_a_short_call_reports_only_its_start_and_end(big: Emulator) -> None:
    _, seen = await _call(big, "getSource", {"sourceId": next(iter(big.state.sources))})
    assert [(p, t, m) for p, t, m in seen] == [(1, None, "getSource: started"), (2, 2, "getSource: done")]
