"""Warehouses: lifecycle, the censored password, required settings, source connections."""

from __future__ import annotations

from component.emulator import DEMO_IDS, MASK, Emulator

from .conftest import Client

D = DEMO_IDS
SNOWFLAKE = "8a3798bf36c"


async def test_lifecycle(api: Client, emu: Emulator) -> None:
    created = await api.post(
        "/warehouses",
        {"metadataId": SNOWFLAKE, "name": "Lake", "settings": {"account": "a1", "password": "hunter2"}},
    )
    assert created.status == 200
    wh = created.data["warehouse"]
    wid = wh["id"]
    assert wh["enabled"] is True  # "Defaults to true"
    assert wh["name"] == "Lake"
    assert wh["workspaceId"] == D["workspace"]
    assert wh["metadata"]["id"] == SNOWFLAKE
    assert wh["settings"] == {"account": "a1", "password": MASK}
    assert emu.state.warehouses[wid]["settings"]["password"] == "hunter2"

    assert (await api.get(f"/warehouses/{wid}")).data == {"warehouse": wh}
    listed, _ = await api.walk("/warehouses", "warehouses", 2)
    assert listed[-1] == wh
    assert all(w["settings"].get("password") in (None, MASK) for w in listed)

    updated = await api.patch(f"/warehouses/{wid}", {"enabled": False, "settings": {"account": "a2"}})
    assert updated.data["warehouse"]["enabled"] is False
    assert updated.data["warehouse"]["settings"] == {"account": "a2"}
    renamed = await api.patch(f"/warehouses/{wid}", {"name": None, "settings": {}})
    assert "name" not in renamed.data["warehouse"]

    assert (await api.delete(f"/warehouses/{wid}")).body == {"data": {"status": "SUCCESS"}}
    assert wid not in emu.state.warehouses and wid not in emu.state.connections
    assert (await api.get(f"/warehouses/{wid}")).status == 404


async def test_create_validation(api: Client) -> None:
    reply = await api.post("/warehouses", {"enabled": "x"})
    assert reply.status == 422
    assert set(reply.error_fields) == {"metadataId", "settings", "enabled"}
    reply = await api.post("/warehouses", {"metadataId": "nope", "settings": {}})
    assert reply.status == 404
    assert reply.error["field"] == "metadataId"


async def test_update_requires_settings(api: Client) -> None:
    reply = await api.patch(f"/warehouses/{D['warehouse']}", {"name": "x"})
    assert reply.status == 422
    assert reply.error["field"] == "settings"
    assert (await api.patch(f"/warehouses/{D['warehouse']}", {"settings": {}})).status == 200


async def test_masked_password_round_trip_keeps_it(api: Client, emu: Emulator) -> None:
    got = (await api.get(f"/warehouses/{D['warehouse']}")).data["warehouse"]
    assert got["settings"]["password"] == MASK
    await api.patch(f"/warehouses/{D['warehouse']}", {"settings": got["settings"]})
    assert emu.state.warehouses[D["warehouse"]]["settings"]["password"] == "pg-analytics-pass"
    await api.patch(f"/warehouses/{D['warehouse']}", {"settings": {**got["settings"], "password": "new"}})
    assert emu.state.warehouses[D["warehouse"]]["settings"]["password"] == "new"


async def test_connections(api: Client, emu: Emulator) -> None:
    wid, other = D["warehouse"], D["secondWarehouse"]
    listed, _ = await api.walk(f"/warehouses/{wid}/connected-sources", "sources", 1)
    assert [s["id"] for s in listed] == [D["source"], D["secondSource"]]
    assert listed[0]["metadata"]["id"] == D["sourceMetadata"]

    added = await api.post(f"/warehouses/{other}/connected-sources/{D['source']}")
    assert added.status == 201
    assert added.body == {"data": {"status": "CONNECTED"}}
    again = await api.post(f"/warehouses/{other}/connected-sources/{D['source']}")
    assert again.status == 201  # idempotent
    assert list(emu.state.connections[other]).count(D["source"]) == 1

    removed = await api.delete(f"/warehouses/{wid}/connected-sources/{D['source']}")
    assert removed.body == {"data": {"status": "SUCCESS"}}
    assert D["source"] not in emu.state.connections[wid]
    gone = await api.delete(f"/warehouses/{wid}/connected-sources/{D['source']}")
    assert gone.status == 404


async def test_new_warehouse_connects_every_source_unless_told(api: Client, emu: Emulator) -> None:
    body = {"metadataId": D["warehouseMetadata"], "settings": {}}
    wid = (await api.post("/warehouses", body)).data["warehouse"]["id"]
    assert list(emu.state.connections[wid]) == list(emu.state.sources)
    lone = (await api.post("/warehouses", {**body, "disconnectAllSources": True})).data["warehouse"]["id"]
    assert emu.state.connections[lone] == {}
    listed, pages = await api.walk(f"/warehouses/{lone}/connected-sources", "sources", 5)
    assert listed == [] and pages == 1


async def test_delete_removes_connections(api: Client, emu: Emulator) -> None:
    await api.delete(f"/warehouses/{D['warehouse']}")
    assert D["warehouse"] not in emu.state.connections
    assert (await api.get(f"/warehouses/{D['warehouse']}/connected-sources")).status == 404
