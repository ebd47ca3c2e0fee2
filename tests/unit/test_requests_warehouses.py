"""Exact requests: Warehouses, their connected Sources, and the catalog."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from component import segment
from tests.helpers import CONNECTION, US, sent
from tests.request_cases import Case, check_exact_request

WAREHOUSE = "WHxy7bqXaGCpo4TZDW2LMe"
SOURCE = "kjU72LCJexvrqL7G4TMHHN"
PG = "55d3d3aea3c"
CONNECTED = f"/warehouses/{WAREHOUSE}/connected-sources"
SETTINGS = {"hostname": "db.example.com", "port": 5432, "ssl": True, "schemas": ["a", "b"], "tunnel": {"on": False}}

CASES = [
    Case("getWarehouse", {"warehouseId": WAREHOUSE}, "GET", f"/warehouses/{WAREHOUSE}"),
    Case("getWarehouse", {"warehouseId": "a/b", "region": "us"}, "GET", "/warehouses/a%2Fb"),
    Case("listWarehouses", {}, "GET", "/warehouses", [("pagination[count]", "50")]),
    Case(
        "listWarehouses",
        {"count": "10", "cursor": "MTA="},
        "GET",
        "/warehouses",
        [("pagination[count]", "10"), ("pagination[cursor]", "MTA=")],
    ),
    Case(
        "createWarehouse",
        {"metadataId": PG, "settings": {"hostname": "h"}},
        "POST",
        "/warehouses",
        body={"metadataId": PG, "settings": {"hostname": "h"}},
    ),
    Case(
        "createWarehouse",
        {"metadataId": PG, "settings": SETTINGS, "name": "WH", "enabled": False, "disconnectAllSources": True},
        "POST",
        "/warehouses",
        body={"metadataId": PG, "settings": SETTINGS, "name": "WH", "enabled": False, "disconnectAllSources": True},
    ),
    Case(
        "createWarehouse",
        {"metadataId": PG, "settings": '{"port": 5432}', "enabled": "true", "disconnectAllSources": "false"},
        "POST",
        "/warehouses",
        body={"metadataId": PG, "settings": {"port": 5432}, "enabled": True, "disconnectAllSources": False},
    ),
    # settings is required by the 73.2.0 model, so it is a required input (never a silent {}).
    Case(
        "updateWarehouse",
        {"warehouseId": WAREHOUSE, "settings": SETTINGS},
        "PATCH",
        f"/warehouses/{WAREHOUSE}",
        body={"settings": SETTINGS},
    ),
    Case(
        "updateWarehouse",
        {"warehouseId": WAREHOUSE, "name": "WH", "settings": {}},
        "PATCH",
        f"/warehouses/{WAREHOUSE}",
        body={"name": "WH", "settings": {}},
    ),
    Case(
        "updateWarehouse",
        {"warehouseId": WAREHOUSE, "enabled": False, "settings": SETTINGS},
        "PATCH",
        f"/warehouses/{WAREHOUSE}",
        body={"enabled": False, "settings": SETTINGS},
    ),
    Case(
        "updateWarehouse",
        {"warehouseId": WAREHOUSE, "name": "WH", "enabled": "true", "settings": SETTINGS},
        "PATCH",
        f"/warehouses/{WAREHOUSE}",
        body={"name": "WH", "enabled": True, "settings": SETTINGS},
    ),
    Case("deleteWarehouse", {"warehouseId": WAREHOUSE}, "DELETE", f"/warehouses/{WAREHOUSE}"),
    Case(
        "addConnectionFromSourceToWarehouse",
        {"warehouseId": WAREHOUSE, "sourceId": SOURCE},
        "POST",
        f"{CONNECTED}/{SOURCE}",
        status=201,
        response={"data": {"status": "CONNECTED"}},
    ),
    Case(
        "removeSourceConnectionFromWarehouse",
        {"warehouseId": WAREHOUSE, "sourceId": SOURCE},
        "DELETE",
        f"{CONNECTED}/{SOURCE}",
    ),
    Case(
        "listConnectedSourcesFromWarehouse", {"warehouseId": WAREHOUSE}, "GET", CONNECTED, [("pagination[count]", "50")]
    ),
    Case(
        "listConnectedSourcesFromWarehouse",
        {"warehouseId": WAREHOUSE, "count": 5, "cursor": "NQ=="},
        "GET",
        CONNECTED,
        [("pagination[count]", "5"), ("pagination[cursor]", "NQ==")],
    ),
    Case("listDestinationCatalog", {}, "GET", "/catalog/destinations", [("pagination[count]", "50")]),
    Case(
        "listDestinationCatalog",
        {"count": 200, "cursor": "MjAw"},
        "GET",
        "/catalog/destinations",
        [("pagination[count]", "200"), ("pagination[cursor]", "MjAw")],
    ),
    Case(
        "getDestinationMetadata",
        {"destinationMetadataId": "54521fd525e721e32a72ee91"},
        "GET",
        "/catalog/destinations/54521fd525e721e32a72ee91",
    ),
    Case("listSourcesCatalog", {}, "GET", "/catalog/sources", [("pagination[count]", "50")]),
    Case(
        "listSourcesCatalog",
        {"count": 3, "cursor": "Mw=="},
        "GET",
        "/catalog/sources",
        [("pagination[count]", "3"), ("pagination[cursor]", "Mw==")],
    ),
    Case("getSourceMetadata", {"sourceMetadataId": "1bow82lmk"}, "GET", "/catalog/sources/1bow82lmk"),
    Case("listWarehousesCatalog", {}, "GET", "/catalog/warehouses", [("pagination[count]", "50")]),
    Case(
        "listWarehousesCatalog",
        {"count": 1, "cursor": "MQ=="},
        "GET",
        "/catalog/warehouses",
        [("pagination[count]", "1"), ("pagination[cursor]", "MQ==")],
    ),
    Case("getWarehouseMetadata", {"warehouseMetadataId": PG}, "GET", f"/catalog/warehouses/{PG}"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_exact_request(case: Case) -> None:
    await check_exact_request(case)


def _page(items: list[dict[str, Any]], collection: str, next_cursor: str | None) -> dict[str, Any]:
    pagination: dict[str, Any] = {"current": "MA=="}
    if next_cursor:
        pagination["next"] = next_cursor
    return {"data": {collection: items, "pagination": pagination}}


async def test_connected_sources_send_pagination_and_fetch_all_follows_pages() -> None:
    schema = segment.actions["listConnectedSourcesFromWarehouse"].spec.schema["properties"]
    assert schema["count"]["type"] == "integer"
    assert schema["count"]["default"] == 50
    assert schema["cursor"]["type"] == "string"
    assert schema["fetchAll"]["type"] == "boolean"
    url = f"{US}{CONNECTED}"
    with aioresponses() as mock:
        mock.get(f"{url}?pagination%5Bcount%5D=1000", payload=_page([{"id": "a"}, {"id": "b"}], "sources", "Mg=="))
        mock.get(
            f"{url}?pagination%5Bcount%5D=1000&pagination%5Bcursor%5D=Mg%3D%3D",
            payload=_page([{"id": "c"}], "sources", None),
        )
        result = await segment.invoke(
            "listConnectedSourcesFromWarehouse", {"warehouseId": WAREHOUSE, "fetchAll": "true"}, connection=CONNECTION
        )
        requests = sent(mock)
    assert [r.query for r in requests] == [
        [("pagination[count]", "1000")],
        [("pagination[count]", "1000"), ("pagination[cursor]", "Mg==")],
    ]
    assert result == {
        "data": {"data": {"sources": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "pagination": {"totalEntries": 3}}}
    }


def test_update_warehouse_settings_is_a_json_object() -> None:
    for key in ("updateWarehouse", "createWarehouse"):
        prop = segment.actions[key].spec.schema["properties"]["settings"]
        assert prop["type"] == "object", key
        assert "x-secret" not in prop and "writeOnly" not in prop, key
    assert "settings" in segment.actions["updateWarehouse"].spec.schema["required"]
    assert "settings" in segment.actions["createWarehouse"].spec.schema["required"]


async def test_update_warehouse_settings_keep_their_json_types() -> None:
    text = '{"port": 5432, "ssl": true, "schemas": ["a"], "tunnel": {"on": false}, "ratio": 0.5}'
    with aioresponses() as mock:
        mock.patch(f"{US}/warehouses/{WAREHOUSE}", payload={"data": {"warehouse": {}}})
        await segment.invoke("updateWarehouse", {"warehouseId": WAREHOUSE, "settings": text}, connection=CONNECTION)
        (request,) = sent(mock)
    assert request.body == {
        "settings": {"port": 5432, "ssl": True, "schemas": ["a"], "tunnel": {"on": False}, "ratio": 0.5}
    }


def test_create_warehouse_is_registered() -> None:
    create = segment.actions["createWarehouse"]
    assert create.label == "Create Warehouse"
    assert {"metadataId", "settings", "name", "enabled", "disconnectAllSources"} <= set(
        create.spec.schema["properties"]
    )
    assert segment.manifest()["actions"]["createWarehouse"]["label"] == "Create Warehouse"


def test_create_warehouse_metadata_id_names_warehouses_and_its_picklist() -> None:
    prop = segment.actions["createWarehouse"].spec.schema["properties"]["metadataId"]
    assert prop["x-dataSource"] == "selectWarehouseMetadata"
    assert prop["title"] == "Metadata ID"
    assert "Warehouse" in prop["description"]
    assert "Destination" not in prop["description"] and "Source" not in prop["description"]


def test_catalog_list_labels_say_list() -> None:
    assert segment.actions["listDestinationCatalog"].label == "List Destination Catalog"
    assert segment.actions["listSourcesCatalog"].label == "List Sources Catalog"
    assert segment.actions["listWarehousesCatalog"].label == "List Warehouses Catalog"


def test_id_inputs_are_wired_to_their_picklists() -> None:
    wired = {
        ("getWarehouse", "warehouseId"): "warehouses",
        ("addConnectionFromSourceToWarehouse", "sourceId"): "sources",
        ("removeSourceConnectionFromWarehouse", "warehouseId"): "warehouses",
        ("listConnectedSourcesFromWarehouse", "warehouseId"): "warehouses",
        ("getDestinationMetadata", "destinationMetadataId"): "selectDestinationMetadata",
        ("getSourceMetadata", "sourceMetadataId"): "selectSourceMetadata",
        ("getWarehouseMetadata", "warehouseMetadataId"): "selectWarehouseMetadata",
    }
    for (key, name), source in wired.items():
        assert segment.actions[key].spec.schema["properties"][name]["x-dataSource"] == source, (key, name)
