"""Destination Subscriptions end to end against the emulator's demo workspace (rate limits off)."""

from __future__ import annotations

from typing import Any

import pytest

from component.emulator import Emulator
from component.segment.errors import NotFound
from component.segment.ids import DEMO_ACTION, DEMO_DESTINATION, DEMO_SUBSCRIPTION
from tests.e2e.conftest import run

V1ALPHA = "application/vnd.segment.v1alpha+json"
ORDER_WEBHOOK = "ny4UTU5aZuLiIeLWX9dSYr"
REF = {"destinationId": DEMO_DESTINATION, "subscriptionId": DEMO_SUBSCRIPTION}
SETTINGS = {
    "url": "https://example.com/hook",
    "method": "PUT",
    "enable_batching": True,
    "batch_size": 50,
    "headers": {"X-Env": "test"},
    "data": {"@path": "$.properties"},
}


def assert_alpha(emulator: Emulator, since: int) -> None:
    """Every request since index `since` asked for (and, with a body, sent) the alpha media type."""
    requests = emulator.requests[since:]
    assert requests
    for request in requests:
        assert request.headers["Accept"] == V1ALPHA
        if request.body:
            assert request.headers["Content-Type"] == V1ALPHA


async def test_get_destination_subscription(emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run("getDestinationSubscription", REF, conn)
    subscription = body["data"]["subscription"]
    assert subscription["id"] == DEMO_SUBSCRIPTION
    assert subscription["name"] == "Send Track Events"
    assert subscription["actionId"] == DEMO_ACTION
    assert subscription["destinationId"] == DEMO_DESTINATION
    assert subscription["settings"]["data"] == {"@path": "$."}
    assert_alpha(emulator, 0)


async def test_list_destination_subscriptions_one_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run("listDestinationSubscriptions", {"destinationId": ORDER_WEBHOOK, "count": 1}, conn)
    assert [s["id"] for s in body["data"]["subscriptions"]] == ["e1P19ZK60Aa7eaCnIHGHYw"]
    assert "next" not in body["data"]["pagination"]
    assert_alpha(emulator, 0)


async def test_list_fetch_all_follows_every_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    # More than one full page (1000) on one Destination, so fetchAll must follow `next`.
    for n in range(1001):
        emulator.state.create_subscription(
            DEMO_DESTINATION, name=f"Sub {n}", action_id=DEMO_ACTION, trigger='type = "track"', enabled=n % 2 == 0
        )
    before = len(emulator.requests)
    body = await run("listDestinationSubscriptions", {"destinationId": DEMO_DESTINATION, "fetchAll": True}, conn)
    ids = [s["id"] for s in body["data"]["subscriptions"]]
    expected = {s["id"] for s in emulator.state.subscriptions_of(DEMO_DESTINATION)}
    assert len(ids) == len(set(ids)) == len(expected) == 1002
    assert set(ids) == expected
    assert body["data"]["pagination"] == {"totalEntries": 1002}
    assert len(emulator.requests) - before == 2
    assert_alpha(emulator, before)


async def test_subscription_lifecycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    start = len(emulator.requests)
    created = await run(
        "createDestinationSubscription",
        {
            "destinationId": DEMO_DESTINATION,
            "name": "Send Pages",
            "actionId": DEMO_ACTION,
            "trigger": 'type = "page"',
            "enabled": "true",
            "settings": SETTINGS,
        },
        conn,
    )
    subscription = created["data"]["destinationSubscription"]
    new_id = subscription["id"]
    stored = emulator.state.subscriptions[new_id]
    assert stored["destinationId"] == DEMO_DESTINATION
    assert (stored["name"], stored["actionId"], stored["actionSlug"]) == ("Send Pages", DEMO_ACTION, "send")
    assert (stored["trigger"], stored["enabled"], stored["settings"]) == ('type = "page"', True, SETTINGS)
    assert "modelId" not in stored

    got = await run("getDestinationSubscription", {"destinationId": DEMO_DESTINATION, "subscriptionId": new_id}, conn)
    assert got["data"]["subscription"] == subscription

    listed = await run("listDestinationSubscriptions", {"destinationId": DEMO_DESTINATION}, conn)
    assert [s["id"] for s in listed["data"]["subscriptions"]].count(new_id) == 1

    ref = {"destinationId": DEMO_DESTINATION, "subscriptionId": new_id}
    updated = await run("updateDestinationSubscription", {**ref, "enabled": False}, conn)
    assert updated["data"]["subscription"]["enabled"] is False
    assert stored["enabled"] is False
    # A partial update changes only what was given.
    assert (stored["name"], stored["trigger"], stored["settings"]) == ("Send Pages", 'type = "page"', SETTINGS)

    await run(
        "updateDestinationSubscription",
        {
            **ref,
            "name": "Send Screens",
            "trigger": 'type = "screen"',
            "settings": {"url": "https://example.com/screens"},
        },
        conn,
    )
    assert (stored["name"], stored["trigger"]) == ("Send Screens", 'type = "screen"')
    assert stored["settings"] == {"url": "https://example.com/screens"}
    assert stored["enabled"] is False

    deleted = await run("deleteDestinationSubscription", ref, conn)
    assert deleted == {"data": {"status": "SUCCESS"}}
    assert new_id not in emulator.state.subscriptions
    with pytest.raises(NotFound):
        await run("getDestinationSubscription", ref, conn)
    assert_alpha(emulator, start)


async def test_create_with_a_model_id(emulator: Emulator, conn: dict[str, Any]) -> None:
    created = await run(
        "createDestinationSubscription",
        {
            "destinationId": DEMO_DESTINATION,
            "name": "rETL",
            "actionId": DEMO_ACTION,
            "trigger": 'type = "track"',
            "enabled": False,
            "modelId": "model-42",
        },
        conn,
    )
    new_id = created["data"]["destinationSubscription"]["id"]
    assert emulator.state.subscriptions[new_id]["modelId"] == "model-42"
    assert emulator.state.subscriptions[new_id]["settings"] == {}
    await run(
        "updateDestinationSubscription",
        {"destinationId": DEMO_DESTINATION, "subscriptionId": new_id, "reverseETLModelId": "model-43"},
        conn,
    )
    assert emulator.state.subscriptions[new_id]["modelId"] == "model-43"


@pytest.mark.parametrize(
    "key", ["getDestinationSubscription", "updateDestinationSubscription", "deleteDestinationSubscription"]
)
@pytest.mark.parametrize(
    "ref",
    [
        {"destinationId": DEMO_DESTINATION, "subscriptionId": "doesNotExist"},
        {"destinationId": "doesNotExist", "subscriptionId": DEMO_SUBSCRIPTION},
        # A subscription of another Destination is not found under this one.
        {"destinationId": ORDER_WEBHOOK, "subscriptionId": DEMO_SUBSCRIPTION},
    ],
    ids=["subscription", "destination", "other-destination"],
)
async def test_missing_subscription_is_not_found(
    emulator: Emulator, conn: dict[str, Any], key: str, ref: dict[str, str]
) -> None:
    with pytest.raises(NotFound):
        await run(key, {**ref, **({"name": "x"} if key.startswith("update") else {})}, conn)
    assert DEMO_SUBSCRIPTION in emulator.state.subscriptions


@pytest.mark.parametrize("key", ["listDestinationSubscriptions", "createDestinationSubscription"])
async def test_missing_destination_is_not_found(emulator: Emulator, conn: dict[str, Any], key: str) -> None:
    inputs: dict[str, Any] = {"destinationId": "doesNotExist"}
    if key.startswith("create"):
        inputs |= {"name": "x", "actionId": DEMO_ACTION, "trigger": 'type = "track"', "enabled": True}
    with pytest.raises(NotFound):
        await run(key, inputs, conn)


async def test_action_id_reaches_the_api(emulator: Emulator, conn: dict[str, Any]) -> None:
    created = await run(
        "createDestinationSubscription",
        {
            "destinationId": DEMO_DESTINATION,
            "name": "With Action",
            "actionId": DEMO_ACTION,
            "trigger": 'type = "track"',
            "enabled": True,
        },
        conn,
    )
    assert created["data"]["destinationSubscription"]["actionId"] == DEMO_ACTION
    assert emulator.requests[-1].json["actionId"] == DEMO_ACTION


async def test_enabled_is_a_boolean_on_create_and_update(emulator: Emulator, conn: dict[str, Any]) -> None:
    created = await run(
        "createDestinationSubscription",
        {
            "destinationId": DEMO_DESTINATION,
            "name": "Off",
            "actionId": DEMO_ACTION,
            "trigger": 'type = "track"',
            "enabled": "false",
        },
        conn,
    )
    assert emulator.requests[-1].json["enabled"] is False
    new_id = created["data"]["destinationSubscription"]["id"]
    assert emulator.state.subscriptions[new_id]["enabled"] is False
    await run(
        "updateDestinationSubscription",
        {"destinationId": DEMO_DESTINATION, "subscriptionId": new_id, "enabled": "true"},
        conn,
    )
    assert emulator.requests[-1].json == {"input": {"enabled": True}}
    assert emulator.state.subscriptions[new_id]["enabled"] is True


async def test_update_is_wrapped_in_input(emulator: Emulator, conn: dict[str, Any]) -> None:
    await run("updateDestinationSubscription", {**REF, "name": "Renamed"}, conn)
    assert emulator.requests[-1].json == {"input": {"name": "Renamed"}}
    assert emulator.state.subscriptions[DEMO_SUBSCRIPTION]["name"] == "Renamed"


async def test_typed_settings_reach_the_workspace(emulator: Emulator, conn: dict[str, Any]) -> None:
    text = (
        '{"url": "https://example.com/hook", "method": "PUT", "enable_batching": true, "batch_size": 50, '
        '"headers": {"X-Env": "test"}, "data": {"@path": "$.properties"}}'
    )
    await run("updateDestinationSubscription", {**REF, "settings": text}, conn)
    assert emulator.state.subscriptions[DEMO_SUBSCRIPTION]["settings"] == SETTINGS
    # Not given on update: omitted, so the stored settings stay.
    await run("updateDestinationSubscription", {**REF, "trigger": 'type = "page"'}, conn)
    assert emulator.requests[-1].json == {"input": {"trigger": 'type = "page"'}}
    assert emulator.state.subscriptions[DEMO_SUBSCRIPTION]["settings"] == SETTINGS
