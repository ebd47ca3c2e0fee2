"""Exact requests of the picklists, every page followed, and labels that tell items apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses
from yarl import URL

from component import segment
from tests.helpers import CONNECTION, sent
from tests.request_cases import V1, V1ALPHA, Case, check_exact_request

# Every resourceType of GET /functions in 73.2.0: the API lists one per call, and the picklist must list each.
FUNCTION_TYPES = ("DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION", "SOURCE")
DESTINATION = "fP7qoQw2HTWt9WdMr718gn"
FIRST_PAGE = [("pagination[count]", "1000")]


def empty(collection: str) -> dict[str, Any]:
    return {"data": {collection: [], "pagination": {"current": "MA=="}}}


# Each picklist's key, route, the collection it reads and an item as the API returns it.
PICKLISTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "sources": ("/sources", "sources", {"name": "Website", "slug": "website"}),
    "destination": ("/destinations", "destinations", {"name": "Orders", "metadata": {"name": "Webhooks"}}),
    "warehouses": ("/warehouses", "warehouses", {"name": "Analytics", "metadata": {"name": "Postgres"}}),
    "selectDestinationMetadata": ("/catalog/destinations", "destinationsCatalog", {"name": "Amplitude"}),
    "selectSourceMetadata": ("/catalog/sources", "sourcesCatalog", {"name": "Javascript"}),
    "selectWarehouseMetadata": ("/catalog/warehouses", "warehousesCatalog", {"name": "Postgres"}),
    "selectSubscription": (
        f"/destinations/{DESTINATION}/subscriptions",
        "subscriptions",
        {"name": "Send Track Events", "actionSlug": "send"},
    ),
    "selectTransformation": ("/transformations", "transformations", {"name": "Rename"}),
    "selectUser": ("/users", "users", {"name": "Ada", "email": "ada@example.com"}),
    "selectRole": ("/roles", "roles", {"name": "Workspace Owner"}),
    "selectFunction": ("/functions", "functions", {"displayName": "Parser", "resourceType": "SOURCE"}),
}
INPUTS: dict[str, dict[str, Any]] = {"selectSubscription": {"destinationId": DESTINATION}}
MEDIA_TYPES: dict[str, str] = {"selectSubscription": V1ALPHA}

CASES = [
    *(
        Case(
            key,
            INPUTS.get(key, {}),
            "GET",
            route,
            FIRST_PAGE,
            media_type=MEDIA_TYPES.get(key, V1),
            response=empty(collection),
        )
        for key, (route, collection, _) in PICKLISTS.items()
        if key != "selectFunction"
    ),
    Case(
        "selectSubscription",
        {"destinationId": "a b/c"},
        "GET",
        "/destinations/a%20b%2Fc/subscriptions",
        FIRST_PAGE,
        media_type=V1ALPHA,
        response=empty("subscriptions"),
    ),
    Case(
        "destination",
        {"search": "web", "region": "us"},
        "GET",
        "/destinations",
        FIRST_PAGE,
        response=empty("destinations"),
    ),
    # selectFunction sends one request per resource type: these rows are checked together below.
    *(
        Case(
            "selectFunction",
            {},
            "GET",
            "/functions",
            sorted([("resourceType", kind), *FIRST_PAGE]),
            response=empty("functions"),
        )
        for kind in FUNCTION_TYPES
    ),
]
FAN_OUT = {"selectFunction"}


@pytest.mark.parametrize("case", [case for case in CASES if case.key not in FAN_OUT], ids=str)
async def test_exact_request(case: Case) -> None:
    await check_exact_request(case)


async def test_select_function_sends_each_resource_type_once() -> None:
    expected = [case for case in CASES if case.key == "selectFunction"]
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), payload=empty("functions"), repeat=True)
        assert await segment.invoke("selectFunction", {}, connection=CONNECTION) == {"result": []}
        requests = sent(mock)
    assert sorted((r.method, r.path, r.query) for r in requests) == sorted(
        (c.method, c.path, c.query) for c in expected
    )
    assert {dict(r.query)["resourceType"] for r in requests} == set(FUNCTION_TYPES)
    assert all(r.headers["Accept"] == V1 for r in requests)


def paginated(collection: str, item: dict[str, Any], pages: int = 3, per_page: int = 2) -> Callable[..., Any]:
    """A fake list endpoint serving `pages` pages of `per_page` items, linked by `next` cursors.

    It answers fewer items than the 1000 asked for, as the API may: only `next` says more follow.
    """

    def answer(url: URL, **_: Any) -> CallbackResult:
        tag = url.query.get("resourceType", "")
        page = int(url.query.get("pagination[cursor]", "0"))
        items = [
            {
                **item,
                "id": f"{tag}{page}-{n}",
                "name": f"{item.get('name')} {tag}{page}-{n}",
                "displayName": f"{item.get('displayName')} {tag}{page}-{n}",
            }
            for n in range(per_page)
        ]
        pagination: dict[str, Any] = {"current": str(page)}
        if page + 1 < pages:
            pagination["next"] = str(page + 1)
        return CallbackResult(payload={"data": {collection: items, "pagination": pagination}})

    return answer


@pytest.mark.parametrize("key", PICKLISTS)
async def test_every_picklist_follows_every_page(key: str) -> None:
    route, collection, item = PICKLISTS[key]
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), callback=paginated(collection, item), repeat=True)
        result = (await segment.invoke(key, INPUTS.get(key, {}), connection=CONNECTION))["result"]
        requests = sent(mock)
    calls = len(FUNCTION_TYPES) if key == "selectFunction" else 1
    assert len(requests) == 3 * calls
    assert all(r.path == route for r in requests)
    cursors = sorted(dict(r.query).get("pagination[cursor]", "") for r in requests)
    assert cursors == sorted(["", "1", "2"] * calls)
    assert len(result) == 3 * 2 * calls
    assert len({choice["key"] for choice in result}) == len(result)
    assert len({choice["label"] for choice in result}) == len(result)


async def picklist(key: str, collection: str, items: list[dict[str, Any]], **inputs: Any) -> dict[str, str]:
    """Run picklist `key` over one page of `items`: {key: label}."""
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), payload={"data": {collection: items, "pagination": {}}}, repeat=True)
        result = (await segment.invoke(key, inputs, connection=CONNECTION))["result"]
    return {choice["key"]: choice["label"] for choice in result}


async def test_sources_picklist_reads_data_sources() -> None:
    got = await picklist("sources", "sources", [{"id": "s1", "name": "Website", "slug": "website"}])
    assert got == {"s1": "Website (website)"}


async def test_warehouses_picklist_reads_data_warehouses() -> None:
    got = await picklist(
        "warehouses", "warehouses", [{"id": "w1", "name": "Analytics", "metadata": {"name": "Postgres"}}]
    )
    assert got == {"w1": "Analytics (Postgres)"}


async def test_two_warehouses_of_one_type_get_different_labels() -> None:
    postgres = {"id": "55d3d3aea3c", "name": "Postgres"}
    got = await picklist(
        "warehouses",
        "warehouses",
        [
            {"id": "w1", "name": "Analytics", "metadata": postgres, "settings": {}},
            {"id": "w2", "metadata": postgres, "settings": {"name": "Staging"}},
            {"id": "w3", "metadata": postgres, "settings": {}},
            {"id": "w4", "metadata": postgres, "settings": {"hostname": "db"}},
            {"id": "w5", "name": "Same", "metadata": postgres, "settings": {}},
            {"id": "w6", "name": "Same", "metadata": postgres, "settings": {}},
        ],
    )
    assert got == {
        "w1": "Analytics (Postgres)",
        "w2": "Staging (Postgres)",
        "w3": "Postgres (w3)",
        "w4": "Postgres (w4)",
        "w5": "Same (Postgres) [w5]",
        "w6": "Same (Postgres) [w6]",
    }


async def test_two_destinations_of_one_type_get_different_labels() -> None:
    webhooks = {"id": "54521fd525e721e32a72ee91", "name": "Webhooks (Actions)"}
    got = await picklist(
        "destination",
        "destinations",
        [
            {"id": "d1", "name": "Order Webhook", "metadata": webhooks},
            {"id": "d2", "name": "Signup Webhook", "metadata": webhooks},
            {"id": "d3", "name": "Webhooks (Actions)", "metadata": webhooks},
            {"id": "d4", "name": "", "metadata": webhooks},
            {"id": "d5", "name": "Order Webhook", "metadata": webhooks},
        ],
    )
    assert got == {
        "d1": "Order Webhook (Webhooks (Actions)) [d1]",
        "d2": "Signup Webhook (Webhooks (Actions))",
        "d3": "Webhooks (Actions) (d3)",
        "d4": "Webhooks (Actions) (d4)",
        "d5": "Order Webhook (Webhooks (Actions)) [d5]",
    }


async def test_labels_of_the_other_picklists() -> None:
    assert await picklist(
        "selectUser",
        "users",
        [
            {"id": "u1", "name": "Ada", "email": "ada@example.com"},
            {"id": "u2", "name": "", "email": "anon@example.com"},
        ],
    ) == {"u1": "Ada (ada@example.com)", "u2": "anon@example.com"}
    assert await picklist(
        "selectSubscription",
        "subscriptions",
        [
            {"id": "s1", "name": "Send", "actionSlug": "send"},
            {"id": "s2", "name": "Send", "actionSlug": "sendBatch"},
            {"id": "s3", "name": "Send", "actionSlug": "send"},
        ],
        destinationId=DESTINATION,
    ) == {"s1": "Send (send) [s1]", "s2": "Send (sendBatch)", "s3": "Send (send) [s3]"}
    assert await picklist("selectRole", "roles", [{"id": "r1", "name": "Workspace Owner"}, {"id": "r2"}]) == {
        "r1": "Workspace Owner",
        "r2": "r2",
    }
    assert await picklist(
        "selectTransformation",
        "transformations",
        [
            {"id": "t1", "name": "Rename"},
            {"id": "t2", "name": "Rename"},
        ],
    ) == {"t1": "Rename [t1]", "t2": "Rename [t2]"}


async def test_select_function_labels_name_the_type() -> None:
    def answer(url: URL, **_: Any) -> CallbackResult:
        kind = url.query["resourceType"]
        return CallbackResult(
            payload={
                "data": {
                    "functions": [{"id": f"fn_{kind}", "displayName": "Enrich", "resourceType": kind}],
                    "pagination": {},
                }
            }
        )

    with aioresponses() as mock:
        mock.get(re.compile(r".*"), callback=answer, repeat=True)
        result = (await segment.invoke("selectFunction", {}, connection=CONNECTION))["result"]
    assert {c["key"]: c["label"] for c in result} == {f"fn_{kind}": f"Enrich ({kind})" for kind in FUNCTION_TYPES}


def test_select_subscription_depends_on_its_destination() -> None:
    handler = segment.data_sources["selectSubscription"]
    prop = handler.spec.schema["properties"]["destinationId"]
    assert prop["x-dataSource"] == "destination"
    assert "destinationId" in handler.spec.schema["required"]
    assert handler.example == {"destinationId": DESTINATION}


def test_picklist_labels_are_those_of_the_replaced_component() -> None:
    labels = {key: handler.label for key, handler in segment.data_sources.items()}
    assert labels == {
        "sources": "Fetch Sources",
        "destination": "Fetch Destination",
        "warehouses": "Fetch Warehouses",
        "selectDestinationMetadata": "Select Destination Metadata",
        "selectFunction": "Select Function",
        "selectSourceMetadata": "Select Source Metadata",
        "selectSubscription": "Select Subscription",
        "selectTransformation": "Select Transformation",
        "selectUser": "Select User",
        "selectWarehouseMetadata": "Select Warehouse Metadata",
        "selectRole": "Select Role",
    }
