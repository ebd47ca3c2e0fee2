"""Pagination exactly as the API: pagination[count] 1..1000, base64 offset cursors, no `next` at the end."""

from __future__ import annotations

import base64
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from component.emulator import DEMO_IDS, Emulator, running_emulator

from .conftest import Client

D = DEMO_IDS

LISTS: list[tuple[str, str, str]] = [
    ("/sources", "sources", ""),
    ("/destinations", "destinations", ""),
    ("/warehouses", "warehouses", ""),
    (f"/warehouses/{D['warehouse']}/connected-sources", "sources", ""),
    (f"/destinations/{D['destination']}/subscriptions", "subscriptions", ""),
    ("/functions", "functions", "resourceType=SOURCE"),
    ("/transformations", "transformations", ""),
    ("/users", "users", ""),
    ("/roles", "roles", ""),
    ("/catalog/sources", "sourcesCatalog", ""),
    ("/catalog/destinations", "destinationsCatalog", ""),
    ("/catalog/warehouses", "warehousesCatalog", ""),
]


@pytest.fixture
async def seeded() -> AsyncIterator[Emulator]:
    async with running_emulator(seed=240) as emulator:
        yield emulator


@pytest.fixture
async def seeded_api(seeded: Emulator) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(seeded, session)


def _key(item: dict[str, object]) -> object:
    return item.get("id")


@pytest.mark.parametrize(("path", "key", "query"), LISTS, ids=[p[0] for p in LISTS])
async def test_walks_see_every_item_once(seeded_api: Client, path: str, key: str, query: str) -> None:
    sep = "&" if query else ""
    everything = await seeded_api.get(f"{path}?{query}{sep}pagination[count]=1000")
    full = everything.data[key]
    assert "next" not in everything.data["pagination"]
    assert everything.data["pagination"]["totalEntries"] == len(full)
    for size in (1, 2, 7, 100):
        if size == 1 and len(full) > 50:
            continue
        items, pages = await seeded_api.walk(path, key, size, query=query)
        assert [_key(i) for i in items] == [_key(i) for i in full]
        assert len({_key(i) for i in items}) == len(items)
        assert pages == max(1, math.ceil(len(full) / size))


async def test_page_links(api: Client) -> None:
    first = await api.get("/sources?pagination[count]=3")
    p = first.data["pagination"]
    assert p == {"current": "MA==", "next": base64.b64encode(b"3").decode(), "totalEntries": 4}
    last = await api.get("/sources", params={"pagination[count]": "3", "pagination[cursor]": p["next"]})
    q = last.data["pagination"]
    assert q["current"] == p["next"]
    assert q["previous"] == "MA=="
    assert "next" not in q
    assert len(last.data["sources"]) == 1
    back = await api.get("/sources", params={"pagination[count]": "3", "pagination[cursor]": q["previous"]})
    assert back.data == first.data


async def test_default_count_is_200(seeded_api: Client) -> None:
    reply = await seeded_api.get("/sources")
    assert len(reply.data["sources"]) == 200
    assert reply.data["pagination"]["next"] == base64.b64encode(b"200").decode()


async def test_dot_and_json_forms(api: Client) -> None:
    dot = await api.get("/sources?pagination.count=2&pagination.cursor=Mg%3D%3D")
    bracket = await api.get("/sources?pagination[count]=2&pagination[cursor]=Mg%3D%3D")
    whole = await api.get("/sources", params={"pagination": '{"count": 2, "cursor": "Mg=="}'})
    assert dot.data == bracket.data == whole.data
    assert [s["id"] for s in dot.data["sources"]] == list(api.emu.state.sources)[2:4]


@pytest.mark.parametrize("count", ["0", "1001", "-1", "abc", "1.5", "", "10 0"])
async def test_count_bounds(api: Client, count: str) -> None:
    reply = await api.get("/sources", params={"pagination[count]": count})
    assert reply.status == 422
    assert reply.error["field"] == "pagination.count"


@pytest.mark.parametrize("count", ["1", "1000"])
async def test_count_limits_are_inclusive(api: Client, count: str) -> None:
    assert (await api.get("/sources", params={"pagination[count]": count})).status == 200


@pytest.mark.parametrize("cursor", ["!!!", "bm9wZQ==", "MA", "LTE=", "%%"])
async def test_bad_cursor(api: Client, cursor: str) -> None:
    reply = await api.get("/sources", params={"pagination[count]": "2", "pagination[cursor]": cursor})
    assert reply.status == 422
    assert reply.error["field"] == "pagination.cursor"


async def test_cursor_past_the_end_is_an_empty_last_page(api: Client) -> None:
    reply = await api.get("/sources", params={"pagination[count]": "2", "pagination[cursor]": "OTk5"})
    assert reply.data["sources"] == []
    assert "next" not in reply.data["pagination"]


async def test_large_seed_walk(session: aiohttp.ClientSession, record_property: Callable[[str, Any], None]) -> None:
    started = time.perf_counter()
    async with running_emulator(seed=10_000, rate_limits=False) as emu:
        record_property("seed_10000_ready_seconds", round(time.perf_counter() - started, 2))
        client = Client(emu, session, validate=False)
        items, pages = await client.walk("/sources", "sources", 1000)
        assert pages == 11
        assert len({i["id"] for i in items}) == len(items) == len(emu.state.sources) == 10_004
        assert [i["id"] for i in items] == list(emu.state.sources)
