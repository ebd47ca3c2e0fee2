"""The catalog end to end against the emulator: the three lists (paged and fetchAll) and the three gets."""

from __future__ import annotations

from typing import Any

import pytest

from component.emulator import DEMO_IDS, Emulator
from component.segment.errors import NotFound
from tests.e2e.conftest import run

# (list key, collection, state attribute, get key, id input, metadata key, a demo id)
CATALOGS = [
    (
        "listDestinationCatalog",
        "destinationsCatalog",
        "destination_catalog",
        "getDestinationMetadata",
        "destinationMetadataId",
        "destinationMetadata",
        "54521fd525e721e32a72ee91",
    ),
    (
        "listSourcesCatalog",
        "sourcesCatalog",
        "source_catalog",
        "getSourceMetadata",
        "sourceMetadataId",
        "sourceMetadata",
        "1bow82lmk",
    ),
    (
        "listWarehousesCatalog",
        "warehousesCatalog",
        "warehouse_catalog",
        "getWarehouseMetadata",
        "warehouseMetadataId",
        "warehouseMetadata",
        DEMO_IDS["warehouseMetadata"],
    ),
]
LISTS = [(c[0], c[1], c[2]) for c in CATALOGS]
GETS = [(c[3], c[4], c[5], c[6], c[2]) for c in CATALOGS]


@pytest.mark.parametrize(("key", "collection", "attribute"), LISTS)
async def test_list_one_page_then_the_next(
    key: str, collection: str, attribute: str, emulator: Emulator, conn: dict[str, Any]
) -> None:
    catalog = getattr(emulator.state, attribute)
    first = (await run(key, {"count": 2}, conn))["data"]
    assert [e["id"] for e in first[collection]] == list(catalog)[:2]
    assert first["pagination"]["totalEntries"] == len(catalog)
    assert emulator.requests[-1].query == [("pagination[count]", "2")]
    second = (await run(key, {"count": 2, "cursor": first["pagination"]["next"]}, conn))["data"]
    assert [e["id"] for e in second[collection]] == list(catalog)[2:4]
    assert emulator.requests[-1].query == [
        ("pagination[count]", "2"),
        ("pagination[cursor]", first["pagination"]["next"]),
    ]


@pytest.mark.parametrize(("key", "collection", "attribute"), LISTS)
async def test_list_fetch_all_sees_every_item_once(
    key: str, collection: str, attribute: str, emulator: Emulator, conn: dict[str, Any]
) -> None:
    catalog = getattr(emulator.state, attribute)
    # More entries than one page of the API's maximum (1000), so fetchAll must follow the cursor.
    template = next(iter(catalog.values()))
    for n in range(1001):
        entry_id = f"bulk{n:04d}"
        catalog[entry_id] = {**template, "id": entry_id, "name": f"Bulk {n}", "slug": f"bulk-{n}"}
    emulator.requests.clear()
    body = await run(key, {"fetchAll": True, "count": 1}, conn)
    ids = [e["id"] for e in body["data"][collection]]
    assert len(ids) == len(set(ids)) == len(catalog)
    assert ids == list(catalog)
    assert body["data"]["pagination"] == {"totalEntries": len(catalog)}
    assert len(emulator.requests) == 2
    assert emulator.requests[1].query[1][0] == "pagination[cursor]"


@pytest.mark.parametrize(("key", "id_input", "wrapper", "entry_id", "attribute"), GETS)
async def test_get_metadata(
    key: str, id_input: str, wrapper: str, entry_id: str, attribute: str, emulator: Emulator, conn: dict[str, Any]
) -> None:
    body = await run(key, {id_input: entry_id}, conn)
    entry = body["data"][wrapper]
    assert entry == getattr(emulator.state, attribute)[entry_id]
    assert {"id", "name", "slug", "description", "logos", "options"} <= set(entry)


async def test_destination_metadata_carries_its_actions(emulator: Emulator, conn: dict[str, Any]) -> None:
    entry = (await run("getDestinationMetadata", {"destinationMetadataId": "54521fd525e721e32a72ee91"}, conn))["data"][
        "destinationMetadata"
    ]
    assert entry["name"] == "Webhooks (Actions)"
    assert DEMO_IDS["action"] in [a["id"] for a in entry["actions"]]


async def test_warehouse_metadata_has_its_options(emulator: Emulator, conn: dict[str, Any]) -> None:
    entry = (await run("getWarehouseMetadata", {"warehouseMetadataId": DEMO_IDS["warehouseMetadata"]}, conn))["data"][
        "warehouseMetadata"
    ]
    assert entry["name"] == "Postgres"
    options = {o["name"]: o["type"] for o in entry["options"]}
    assert options["password"] == "password" and options["port"] == "number"


@pytest.mark.parametrize(("key", "id_input", "wrapper", "entry_id", "attribute"), GETS)
async def test_missing_metadata_is_not_found(
    key: str, id_input: str, wrapper: str, entry_id: str, attribute: str, emulator: Emulator, conn: dict[str, Any]
) -> None:
    with pytest.raises(NotFound) as caught:
        await run(key, {id_input: "no-such-type"}, conn)
    assert caught.value.status == 404
