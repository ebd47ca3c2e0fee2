"""Warehouses end to end against the emulator: every action, the create-to-delete cycle, connections."""

from __future__ import annotations

from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_IDS, MASK, Emulator
from component.segment.errors import InputError, NotFound
from tests.e2e.conftest import run

WAREHOUSE = DEMO_IDS["warehouse"]
SECOND_WAREHOUSE = DEMO_IDS["secondWarehouse"]
PG = DEMO_IDS["warehouseMetadata"]
WEBSITE = "kjU72LCJexvrqL7G4TMHHN"
IOS = "p1EpNWphY9v4Fpm0jGx8Ew"
BACKEND = "dImPXq5IIDjNgmQfS10qMZ"
SETTINGS = {
    "hostname": "new.db.example.com",
    "port": 5433,
    "database": "events",
    "username": "loader",
    "password": "s3cret",
}


def connected(emulator: Emulator, warehouse_id: str) -> list[str]:
    return list(emulator.state.connections.get(warehouse_id, {}))


async def test_get_warehouse(emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run("getWarehouse", {"warehouseId": WAREHOUSE}, conn)
    warehouse = body["data"]["warehouse"]
    assert warehouse["id"] == WAREHOUSE
    assert warehouse["name"] == "Analytics Postgres"
    assert warehouse["metadata"]["id"] == PG
    assert warehouse["settings"]["hostname"] == "analytics.db.example.com"
    # The API never echoes a warehouse password.
    assert warehouse["settings"]["password"] == MASK


async def test_list_warehouses_one_page_and_next_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    first = (await run("listWarehouses", {"count": 2}, conn))["data"]
    assert len(first["warehouses"]) == 2
    assert first["pagination"]["totalEntries"] == 3
    second = (await run("listWarehouses", {"count": "2", "cursor": first["pagination"]["next"]}, conn))["data"]
    assert "next" not in second["pagination"]
    ids = [w["id"] for w in first["warehouses"] + second["warehouses"]]
    assert sorted(ids) == sorted(emulator.state.warehouses)


async def test_list_warehouses_fetch_all_sees_every_item_once(emulator: Emulator, conn: dict[str, Any]) -> None:
    for n in range(4):
        await run(
            "createWarehouse",
            {"metadataId": PG, "settings": {"database": f"db{n}"}, "disconnectAllSources": True},
            conn,
        )
    # fetchAll reads pages of the API's maximum (1000): make sure there is more than one.
    for n in range(1000):
        emulator.state.create_warehouse(metadata_id=PG, settings={"database": f"bulk{n}"}, connect_sources=False)
    emulator.requests.clear()
    body = await run("listWarehouses", {"fetchAll": True, "count": 1}, conn)
    ids = [w["id"] for w in body["data"]["warehouses"]]
    assert len(ids) == len(set(ids)) == 1007
    assert ids == list(emulator.state.warehouses)
    assert body["data"]["pagination"] == {"totalEntries": 1007}
    assert [r.query[0] for r in emulator.requests] == [("pagination[count]", "1000")] * 2
    assert emulator.requests[1].query[1][0] == "pagination[cursor]"


async def test_warehouse_cycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    before = set(emulator.state.warehouses)

    created = (
        await run(
            "createWarehouse",
            {
                "metadataId": PG,
                "name": "Events",
                "settings": SETTINGS,
                "enabled": False,
                "disconnectAllSources": True,
            },
            conn,
        )
    )["data"]["warehouse"]
    warehouse_id = created["id"]
    assert warehouse_id not in before
    stored = emulator.state.warehouses[warehouse_id]
    assert stored["name"] == "Events"
    assert stored["enabled"] is False
    assert stored["settings"] == SETTINGS  # port stays a number
    assert stored["metadata"]["id"] == PG
    assert connected(emulator, warehouse_id) == []
    assert created["settings"]["password"] == MASK

    got = (await run("getWarehouse", {"warehouseId": warehouse_id}, conn))["data"]["warehouse"]
    assert got["name"] == "Events" and got["settings"]["port"] == 5433

    listed = (await run("listWarehouses", {"fetchAll": True}, conn))["data"]["warehouses"]
    assert warehouse_id in [w["id"] for w in listed]

    new_settings = {**SETTINGS, "hostname": "moved.db.example.com", "port": 6543}
    updated = (
        await run(
            "updateWarehouse",
            {
                "warehouseId": warehouse_id,
                "name": "Events v2",
                "enabled": "true",
                "settings": new_settings,
            },
            conn,
        )
    )["data"]["warehouse"]
    assert updated["name"] == "Events v2" and updated["enabled"] is True
    stored = emulator.state.warehouses[warehouse_id]
    assert (stored["name"], stored["enabled"], stored["settings"]) == ("Events v2", True, new_settings)

    # Only what is given changes: no name given leaves the name as it is.
    await run("updateWarehouse", {"warehouseId": warehouse_id, "enabled": False, "settings": new_settings}, conn)
    stored = emulator.state.warehouses[warehouse_id]
    assert (stored["name"], stored["enabled"]) == ("Events v2", False)
    patch = [r for r in emulator.requests if r.method == "PATCH"][-1]
    assert patch.json == {"enabled": False, "settings": new_settings}

    deleted = await run("deleteWarehouse", {"warehouseId": warehouse_id}, conn)
    assert deleted == {"data": {"status": "SUCCESS"}}
    assert warehouse_id not in emulator.state.warehouses
    with pytest.raises(NotFound):
        await run("getWarehouse", {"warehouseId": warehouse_id}, conn)
    listed = (await run("listWarehouses", {"fetchAll": True}, conn))["data"]["warehouses"]
    assert warehouse_id not in [w["id"] for w in listed]


async def test_create_warehouse_connects_every_source_unless_told_not_to(
    emulator: Emulator,
    conn: dict[str, Any],
) -> None:
    body = await run("createWarehouse", {"metadataId": PG, "settings": {"database": "all"}}, conn)
    warehouse_id = body["data"]["warehouse"]["id"]
    sent = [r for r in emulator.requests if r.method == "POST" and r.path == "/warehouses"][-1]
    # enabled and disconnectAllSources are left to Segment's defaults when not given.
    assert sent.json == {"metadataId": PG, "settings": {"database": "all"}}
    assert set(connected(emulator, warehouse_id)) == set(emulator.state.sources)
    assert emulator.state.warehouses[warehouse_id]["enabled"] is True


async def test_connections_cycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    assert connected(emulator, SECOND_WAREHOUSE) == [BACKEND]

    added = await run(
        "addConnectionFromSourceToWarehouse", {"warehouseId": SECOND_WAREHOUSE, "sourceId": WEBSITE}, conn
    )
    assert added == {"data": {"status": "CONNECTED"}}
    assert connected(emulator, SECOND_WAREHOUSE) == [BACKEND, WEBSITE]
    post = [r for r in emulator.requests if r.method == "POST"][-1]
    assert post.body == b""  # the API takes no body here

    listed = (await run("listConnectedSourcesFromWarehouse", {"warehouseId": SECOND_WAREHOUSE}, conn))["data"]
    assert [s["id"] for s in listed["sources"]] == [BACKEND, WEBSITE]
    assert listed["sources"][1]["slug"] == "my-test-source-rhpd18"

    removed = await run(
        "removeSourceConnectionFromWarehouse", {"warehouseId": SECOND_WAREHOUSE, "sourceId": BACKEND}, conn
    )
    assert removed == {"data": {"status": "SUCCESS"}}
    assert connected(emulator, SECOND_WAREHOUSE) == [WEBSITE]
    listed = (await run("listConnectedSourcesFromWarehouse", {"warehouseId": SECOND_WAREHOUSE}, conn))["data"]
    assert [s["id"] for s in listed["sources"]] == [WEBSITE]


async def test_connected_sources_page_with_count_cursor_and_fetch_all(
    emulator: Emulator,
    conn: dict[str, Any],
) -> None:
    for source_id in (BACKEND, "vyL9G0qJtgyeOQGpHTpSov"):
        await run("addConnectionFromSourceToWarehouse", {"warehouseId": WAREHOUSE, "sourceId": source_id}, conn)
    expected = [WEBSITE, IOS, BACKEND, "vyL9G0qJtgyeOQGpHTpSov"]

    first = (await run("listConnectedSourcesFromWarehouse", {"warehouseId": WAREHOUSE, "count": 3}, conn))["data"]
    assert [s["id"] for s in first["sources"]] == expected[:3]
    request = emulator.requests[-1]
    assert request.query == [("pagination[count]", "3")]
    second = (
        await run(
            "listConnectedSourcesFromWarehouse",
            {"warehouseId": WAREHOUSE, "count": 3, "cursor": first["pagination"]["next"]},
            conn,
        )
    )["data"]
    assert [s["id"] for s in second["sources"]] == expected[3:]
    assert emulator.requests[-1].query == [
        ("pagination[count]", "3"),
        ("pagination[cursor]", first["pagination"]["next"]),
    ]

    emulator.requests.clear()
    every = await run("listConnectedSourcesFromWarehouse", {"warehouseId": WAREHOUSE, "fetchAll": True}, conn)
    assert [s["id"] for s in every["data"]["sources"]] == expected
    assert every["data"]["pagination"] == {"totalEntries": 4}

    # fetchAll reads pages of the API's maximum (1000): make sure there is more than one.
    for n in range(1001):
        source = emulator.state.create_source(
            slug=f"bulk-{n}", enabled=True, metadata_id="1bow82lmk", connect_warehouses=False
        )
        emulator.state.connect(WAREHOUSE, source["id"])
    emulator.requests.clear()
    every = await run("listConnectedSourcesFromWarehouse", {"warehouseId": WAREHOUSE, "fetchAll": True}, conn)
    ids = [s["id"] for s in every["data"]["sources"]]
    assert len(ids) == len(set(ids)) == 1005
    assert ids == connected(emulator, WAREHOUSE)
    assert len(emulator.requests) == 2
    assert emulator.requests[1].query[1][0] == "pagination[cursor]"


async def test_update_warehouse_settings_keep_json_types(emulator: Emulator, conn: dict[str, Any]) -> None:
    settings = {"hostname": "h", "port": 5432, "ssl": True, "schemas": ["a", "b"], "tunnel": {"on": False}}
    await run("updateWarehouse", {"warehouseId": WAREHOUSE, "settings": settings}, conn)
    assert emulator.state.warehouses[WAREHOUSE]["settings"] == settings
    # JSON text from a form host is read as the object it spells.
    await run("updateWarehouse", {"warehouseId": WAREHOUSE, "settings": '{"port": 6000, "ssl": false}'}, conn)
    assert emulator.state.warehouses[WAREHOUSE]["settings"] == {"port": 6000, "ssl": False}
    with pytest.raises(InputError) as caught:
        await run("updateWarehouse", {"warehouseId": WAREHOUSE, "settings": "host: 'aws.redshift.dev'"}, conn)
    assert [e.field for e in caught.value.errors] == ["settings"]


async def test_create_warehouse_end_to_end(emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run(
        "createWarehouse",
        {"metadataId": PG, "settings": SETTINGS, "name": "Registered", "disconnectAllSources": "true"},
        conn,
    )
    warehouse_id = body["data"]["warehouse"]["id"]
    assert emulator.state.warehouses[warehouse_id]["name"] == "Registered"
    got = (await run("getWarehouse", {"warehouseId": warehouse_id}, conn))["data"]["warehouse"]
    assert got["metadata"]["name"] == "Postgres"


async def test_create_warehouse_metadata_id_is_a_warehouse_type(emulator: Emulator, conn: dict[str, Any]) -> None:
    prop = segment.actions["createWarehouse"].spec.schema["properties"]["metadataId"]
    assert prop["x-dataSource"] == "selectWarehouseMetadata"
    assert "Warehouses catalog" in prop["description"]
    # A Source type is not a Warehouse type.
    with pytest.raises(NotFound):
        await run("createWarehouse", {"metadataId": "1bow82lmk", "settings": {}}, conn)


@pytest.mark.parametrize(
    "key", ["getWarehouse", "updateWarehouse", "deleteWarehouse", "listConnectedSourcesFromWarehouse"]
)
async def test_missing_warehouse_is_not_found(key: str, emulator: Emulator, conn: dict[str, Any]) -> None:
    extra: dict[str, Any] = {"settings": {}} if key == "updateWarehouse" else {}
    with pytest.raises(NotFound) as caught:
        await run(key, {"warehouseId": "no-such-warehouse", **extra}, conn)
    assert caught.value.status == 404


async def test_connection_to_missing_ids_is_not_found(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        await run("addConnectionFromSourceToWarehouse", {"warehouseId": WAREHOUSE, "sourceId": "nope"}, conn)
    with pytest.raises(NotFound):
        await run("removeSourceConnectionFromWarehouse", {"warehouseId": "nope", "sourceId": WEBSITE}, conn)
    with pytest.raises(NotFound):  # a Source that is not connected
        await run("removeSourceConnectionFromWarehouse", {"warehouseId": WAREHOUSE, "sourceId": BACKEND}, conn)
