"""The demo workspace, determinism, the large seed and the Emulator object itself."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from component.emulator import (
    DEMO_API_KEY,
    DEMO_IDS,
    DEMO_SUBDOMAIN,
    Emulator,
    build_workspace,
    running_emulator,
)

from .conftest import Client

D = DEMO_IDS
BASE62_22 = re.compile(r"^[0-9A-Za-z]{22}$")


def test_constants() -> None:
    assert DEMO_API_KEY == "emulator-demo-token"
    assert DEMO_SUBDOMAIN == "demo-workspace"
    for key in (
        "workspace",
        "source",
        "destination",
        "subscription",
        "action",
        "destinationMetadata",
        "sourceMetadata",
        "warehouseMetadata",
        "warehouse",
        "function",
        "destinationFunction",
        "transformation",
        "user",
        "role",
    ):
        assert key in D


def test_demo_relations() -> None:
    ws = build_workspace()
    assert (ws.id, ws.slug, ws.name) == (D["workspace"], "demo-workspace", "Demo Workspace")
    source = ws.sources[D["source"]]
    assert (source["slug"], source["name"], source["metadata"]["id"]) == (
        "my-test-source-rhpd18",
        "Website",
        D["sourceMetadata"],
    )
    destination = ws.destinations[D["destination"]]
    assert destination["sourceId"] == D["source"]
    assert destination["metadata"]["id"] == D["destinationMetadata"]
    assert any(a["id"] == D["action"] for a in destination["metadata"]["actions"])
    sub = ws.subscriptions[D["subscription"]]
    assert (sub["destinationId"], sub["actionId"], sub["trigger"]) == (D["destination"], D["action"], 'type = "track"')
    warehouse = ws.warehouses[D["warehouse"]]
    assert (warehouse["name"], warehouse["metadata"]["id"]) == ("Analytics Postgres", D["warehouseMetadata"])
    assert D["source"] in ws.connections[D["warehouse"]]
    assert ws.functions[D["function"]]["resourceType"] == "SOURCE"
    assert ws.functions[D["destinationFunction"]]["resourceType"] == "DESTINATION"
    assert {f["resourceType"] for f in ws.functions.values()} == {
        "SOURCE",
        "DESTINATION",
        "INSERT_DESTINATION",
        "INSERT_SOURCE",
        "INSERT_TRANSFORMATION",
    }
    assert ws.transformations[D["transformation"]]["sourceId"] == D["source"]
    ada = ws.users[D["user"]]
    assert (ada["name"], ada["email"]) == ("Ada Lovelace", "ada@example.com")
    assert ada["permissions"]
    assert ws.roles[D["role"]]["name"] == "Workspace Owner"
    assert len(ws.users) >= 2 and len(ws.roles) >= 3
    assert 3 <= len(ws.sources) <= 5 and 2 <= len(ws.warehouses) <= 3
    assert len(ws.source_catalog) == 10 and len(ws.destination_catalog) == 10 and len(ws.warehouse_catalog) == 4
    same_type = [w for w in ws.warehouses.values() if w["metadata"]["id"] == D["warehouseMetadata"]]
    assert len(same_type) == 2


async def test_workspace_endpoint(api: Client) -> None:
    reply = await api.get("/")
    assert reply.body == {
        "data": {"workspace": {"id": D["workspace"], "slug": "demo-workspace", "name": "Demo Workspace"}}
    }


async def test_created_ids_are_deterministic(session: aiohttp.ClientSession) -> None:
    ids: list[list[str]] = []
    for _ in range(2):
        async with running_emulator() as emu:
            client = Client(emu, session)
            made = []
            for n in range(3):
                reply = await client.post(
                    "/sources", {"slug": f"s{n}", "enabled": True, "metadataId": D["sourceMetadata"]}
                )
                made.append(reply.data["source"]["id"])
            ids.append(made)
    assert ids[0] == ids[1]
    assert all(BASE62_22.match(i) for i in ids[0])
    assert len(set(ids[0])) == 3


def test_large_seed(record_property: Callable[[str, Any], None]) -> None:
    started = time.perf_counter()
    emu = Emulator(seed=10_000)
    elapsed = time.perf_counter() - started
    record_property("seed_10000_build_seconds", round(elapsed, 2))
    ws = emu.state
    assert len(ws.sources) == 10_000 + 4
    assert len(ws.destinations) == 10_000 + 5
    assert len(ws.source_catalog) == 10_000 + 10
    assert len(ws.destination_catalog) == 10_000 + 10
    assert len(ws.warehouse_catalog) == 10_000 + 4
    assert D["source"] in ws.sources and D["destination"] in ws.destinations
    assert len({s["slug"] for s in ws.sources.values()}) == len(ws.sources)
    assert all(d["sourceId"] in ws.sources for d in ws.destinations.values())
    # A generous bound (about 0.3 s here): it catches a quadratic build, never a busy machine; the
    # target (under 2 s) is measured by the benchmarks.
    assert elapsed < 60
    again = build_workspace(10_000)
    assert list(again.sources) == list(ws.sources)


async def test_reset(api: Client, emu: Emulator) -> None:
    await api.delete(f"/sources/{D['source']}")
    emu.faults.inject(path="/nothing", status=500)
    emu.reset()
    assert D["source"] in emu.state.sources
    assert emu.requests == [] and emu.faults.faults == []
    assert (await api.get(f"/sources/{D['source']}")).status == 200


async def test_url_and_key(emu: Emulator) -> None:
    assert re.match(r"^http://127\.0\.0\.1:\d+$", emu.url)
    assert emu.api_key == DEMO_API_KEY


async def test_other_api_keys(session: aiohttp.ClientSession) -> None:
    async with running_emulator(api_keys=["k1", "k2"]) as emu:
        client = Client(emu, session)
        assert emu.api_key == "k1"
        assert (await client.get("/", token="k2")).status == 200
        assert (await client.get("/", token=DEMO_API_KEY)).status == 401


async def test_emulator_as_context_manager(session: aiohttp.ClientSession) -> None:
    async with Emulator() as emu:
        headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
        async with session.get(emu.url + "/", headers=headers) as r:
            assert r.status == 200


def test_api_keys_as_a_single_string() -> None:
    assert Emulator(api_keys="solo").api_keys == ("solo",)
    with pytest.raises(ValueError):
        Emulator(api_keys=())
