"""The picklists end to end against the emulator: what they read, every page, labels that differ."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_API_KEY, DEMO_IDS, DEMO_SUBDOMAIN, Emulator, Workspace, running_emulator
from component.segment.errors import NotFound

# Every resourceType of GET /functions in 73.2.0: the API lists one per call, and the picklist must list each.
FUNCTION_TYPES = ("DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION", "SOURCE")
DESTINATION = DEMO_IDS["destination"]
WEBSITE = DEMO_IDS["source"]
PG = DEMO_IDS["warehouseMetadata"]
WEBHOOKS = DEMO_IDS["destinationMetadata"]


async def picklist(key: str, conn: dict[str, Any], **inputs: Any) -> dict[str, str]:
    result = await segment.invoke(key, inputs, connection=conn)
    assert set(result) == {"result"}
    choices = result["result"]
    labels = [choice["label"] for choice in choices]
    assert labels == sorted(labels, key=str.casefold), "a picklist is sorted by label"
    assert len(set(labels)) == len(labels), "two choices never look the same"
    return {choice["key"]: choice["label"] for choice in choices}


def expected_keys(ws: Workspace) -> dict[str, Iterable[str]]:
    """What each picklist must offer: every object of its kind in the workspace."""
    return {
        "sources": ws.sources,
        "destination": ws.destinations,
        "warehouses": ws.warehouses,
        "selectDestinationMetadata": ws.destination_catalog,
        "selectSourceMetadata": ws.source_catalog,
        "selectWarehouseMetadata": ws.warehouse_catalog,
        "selectFunction": ws.functions,
        "selectSubscription": [s["id"] for s in ws.subscriptions_of(DESTINATION)],
        "selectTransformation": ws.transformations,
        "selectUser": ws.users,
        "selectRole": ws.roles,
    }


@pytest.mark.parametrize("key", sorted(segment.data_sources))
async def test_example_input_offers_every_object(emulator: Emulator, conn: dict[str, Any], key: str) -> None:
    got = await picklist(key, conn, **segment.data_sources[key].example)
    assert got, "a picklist of the demo workspace is never empty"
    assert set(got) == set(expected_keys(emulator.state)[key])


async def test_sources_picklist_is_not_empty(emulator: Emulator, conn: dict[str, Any]) -> None:
    got = await picklist("sources", conn)
    assert got[WEBSITE] == "Website (my-test-source-rhpd18)"
    assert len(got) == len(emulator.state.sources) == 4


async def test_warehouses_picklist_reads_data_warehouses(emulator: Emulator, conn: dict[str, Any]) -> None:
    assert await picklist("warehouses", conn) == {
        DEMO_IDS["warehouse"]: "Analytics Postgres (Postgres)",
        DEMO_IDS["secondWarehouse"]: "Staging Postgres (Postgres)",
        "dV6zknPCTXuUzd3RS0W6rM": "Finance Snowflake (Snowflake)",
    }


async def test_select_function_lists_every_resource_type(emulator: Emulator, conn: dict[str, Any]) -> None:
    got = await picklist("selectFunction", conn)
    assert got == {fid: f"{f['displayName']} ({f['resourceType']})" for fid, f in emulator.state.functions.items()}
    assert {f["resourceType"] for f in emulator.state.functions.values()} == set(FUNCTION_TYPES)
    sent = sorted(dict(r.query)["resourceType"] for r in emulator.requests)
    assert sent == sorted(FUNCTION_TYPES)
    assert all(r.path == "/functions" for r in emulator.requests)


async def test_instances_of_one_type_get_different_labels(emulator: Emulator, conn: dict[str, Any]) -> None:
    warehouses = await picklist("warehouses", conn)
    assert warehouses[DEMO_IDS["warehouse"]] != warehouses[DEMO_IDS["secondWarehouse"]]
    destinations = await picklist("destination", conn)
    assert destinations[DESTINATION] == f"Webhooks (Actions) ({DESTINATION})"
    assert destinations[DEMO_IDS["secondDestination"]] == "Order Webhook (Webhooks (Actions))"

    # Same type and same name, or no name at all: the labels still differ.
    state = emulator.state
    twins = [
        state.create_warehouse(metadata_id=PG, name="Replica", settings={}, connect_sources=False)["id"]
        for _ in range(2)
    ]
    unnamed = [state.create_warehouse(metadata_id=PG, settings={}, connect_sources=False)["id"] for _ in range(2)]
    warehouses = await picklist("warehouses", conn)
    assert {warehouses[i] for i in twins} == {f"Replica (Postgres) [{i}]" for i in twins}
    assert {warehouses[i] for i in unnamed} == {f"Postgres ({i})" for i in unnamed}
    orders = [
        state.create_destination(
            source_id=WEBSITE, metadata_id=WEBHOOKS, name="Order Webhook", enabled=True, settings={}
        )["id"]
    ]
    destinations = await picklist("destination", conn)
    assert destinations[orders[0]] == f"Order Webhook (Webhooks (Actions)) [{orders[0]}]"


async def test_select_subscription_lists_the_chosen_destinations(emulator: Emulator, conn: dict[str, Any]) -> None:
    assert await picklist("selectSubscription", conn, destinationId=DESTINATION) == {
        DEMO_IDS["subscription"]: "Send Track Events (send)"
    }
    assert await picklist("selectSubscription", conn, destinationId=DEMO_IDS["secondDestination"]) == {
        "e1P19ZK60Aa7eaCnIHGHYw": "Send Orders (send)"
    }
    assert all(r.headers["Accept"] == "application/vnd.segment.v1alpha+json" for r in emulator.requests)
    with pytest.raises(NotFound):
        await picklist("selectSubscription", conn, destinationId="no-such-destination")


async def test_search_filters_a_picklist(emulator: Emulator, conn: dict[str, Any]) -> None:
    assert await picklist("selectUser", conn, search="GRACE") == {
        DEMO_IDS["secondUser"]: "Grace Hopper (grace@example.com)"
    }
    assert await picklist("selectRole", conn, search="source") == {
        "1x3H9tcPBckptxhnnKh4NPwHMBD": "Source Admin",
        "1xiWwWcoomrRb1W3QHmigHBFn2c": "Source Read-only",
    }


BULK = 1001


def _grow(key: str, ws: Workspace) -> None:
    """Add objects until the picklist's list takes more than one page of 1000."""
    growers: dict[str, Callable[[int], Any]] = {
        "warehouses": lambda n: ws.create_warehouse(
            metadata_id=PG, name=f"Bulk {n}", settings={}, connect_sources=False
        ),
        "selectFunction": lambda n: ws.create_function(
            resource_type="SOURCE", code="// bulk", display_name=f"Bulk {n}"
        ),
        "selectSubscription": lambda n: ws.create_subscription(
            DESTINATION, name=f"Bulk {n}", action_id=DEMO_IDS["action"], trigger='type = "track"', enabled=True
        ),
        "selectTransformation": lambda n: ws.create_transformation(
            {"name": f"Bulk {n}", "sourceId": WEBSITE, "enabled": True, "if": "true"}
        ),
        "selectUser": lambda n: ws.add_user(f"bulk{n}", f"User {n}", f"user{n}@example.com", []),
        "selectRole": lambda n: ws.add_role(f"role{n}", f"Role {n}", "A bulk role."),
    }
    if key in growers:
        for n in range(BULK):
            growers[key](n)


@pytest.mark.parametrize("key", sorted(segment.data_sources))
async def test_every_picklist_reads_past_the_first_page(key: str) -> None:
    # The bulk workspace has more than 1000 sources, destinations and catalog entries of each kind.
    async with running_emulator(seed=BULK, rate_limits=False) as emu:
        _grow(key, emu.state)
        conn = {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emu.url}
        want = set(expected_keys(emu.state)[key])
        assert len(want) > 1000
        got = await picklist(key, conn, **segment.data_sources[key].example)
        assert set(got) == want
        cursors = [dict(r.query).get("pagination[cursor]") for r in emu.requests]
        assert any(cursors), "a second page was asked for"
