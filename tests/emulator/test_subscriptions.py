"""Destination Subscriptions: alpha-only media types, the input wrapper, ownership by destination."""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS, Emulator

from .conftest import V1, V1ALPHA, Client

D = DEMO_IDS
BASE = f"/destinations/{D['destination']}/subscriptions"


async def test_lifecycle(api: Client, emu: Emulator) -> None:
    created = await api.post(
        BASE,
        {
            "name": "Pages",
            "actionId": D["action"],
            "trigger": 'type = "page"',
            "enabled": True,
            "settings": {"url": "https://example.com/p"},
            "modelId": "model-1",
        },
    )
    assert created.status == 200
    assert set(created.data) == {"destinationSubscription"}
    sub = created.data["destinationSubscription"]
    assert sub["actionSlug"] == "send"
    assert sub["destinationId"] == D["destination"]
    assert sub["modelId"] == "model-1"
    sid = sub["id"]
    assert emu.state.subscriptions[sid]["trigger"] == 'type = "page"'

    got = await api.get(f"{BASE}/{sid}")
    assert got.data == {"subscription": sub}

    listed, _ = await api.walk(BASE, "subscriptions", 1)
    assert [s["id"] for s in listed] == [D["subscription"], sid]

    updated = await api.patch(f"{BASE}/{sid}", {"input": {"name": "All Pages", "enabled": False}})
    assert set(updated.data) == {"subscription"}
    assert updated.data["subscription"]["name"] == "All Pages"
    assert updated.data["subscription"]["enabled"] is False
    assert updated.data["subscription"]["trigger"] == 'type = "page"'

    assert (await api.delete(f"{BASE}/{sid}")).body == {"data": {"status": "SUCCESS"}}
    assert sid not in emu.state.subscriptions
    assert (await api.get(f"{BASE}/{sid}")).status == 404


async def test_subscriptions_belong_to_their_destination(api: Client) -> None:
    other = f"/destinations/{D['secondDestination']}/subscriptions"
    listed, _ = await api.walk(other, "subscriptions", 10)
    assert [s["id"] for s in listed] == ["e1P19ZK60Aa7eaCnIHGHYw"]
    # Reached through the wrong destination, a subscription does not exist.
    assert (await api.get(f"{other}/{D['subscription']}")).status == 404
    assert (await api.patch(f"{other}/{D['subscription']}", {"input": {"enabled": False}})).status == 404
    assert (await api.delete(f"{other}/{D['subscription']}")).status == 404
    assert (await api.get(f"{BASE}/{D['subscription']}")).status == 200


async def test_create_validation(api: Client) -> None:
    reply = await api.post(BASE, {"settings": []})
    assert reply.status == 422
    assert set(reply.error_fields) == {"name", "actionId", "trigger", "enabled", "settings"}


async def test_action_must_belong_to_the_destination_type(api: Client) -> None:
    reply = await api.post(
        BASE, {"name": "x", "actionId": "GfoKXXcF046JrTvuAIPvvR", "trigger": "type = 'track'", "enabled": True}
    )
    assert reply.status == 422
    assert reply.error["field"] == "actionId"


async def test_update_needs_the_input_wrapper(api: Client) -> None:
    reply = await api.patch(f"{BASE}/{D['subscription']}", {"name": "unwrapped"})
    assert reply.status == 422
    assert reply.error["field"] == "input"
    reply = await api.patch(f"{BASE}/{D['subscription']}", {"input": "x"})
    assert reply.status == 422
    assert reply.error["field"] == "input"
    reply = await api.patch(f"{BASE}/{D['subscription']}", {"input": {"enabled": "no", "trigger": 1}})
    assert reply.status == 422
    assert set(reply.error_fields) == {"input.enabled", "input.trigger"}
    reply = await api.patch(f"{BASE}/{D['subscription']}", {"input": {"reverseETLSchedule": {}}})
    assert reply.error_fields == ["input.reverseETLSchedule.strategy"]


async def test_update_reverse_etl_fields(api: Client) -> None:
    reply = await api.patch(
        f"{BASE}/{D['subscription']}",
        {"input": {"reverseETLModelId": "m1", "reverseETLSchedule": {"strategy": "PERIODIC", "config": {}}}},
    )
    assert reply.status == 200
    assert reply.data["subscription"]["modelId"] == "m1"
    assert reply.data["subscription"]["reverseETLSchedule"]["strategy"] == "PERIODIC"


@pytest.mark.parametrize(
    "accept", [V1, "application/vnd.segment.v1beta+json", "text/html", f"{V1}, application/vnd.segment.v1beta+json"]
)
async def test_non_alpha_accept_is_406(api: Client, accept: str) -> None:
    reply = await api.get(BASE, headers={"Accept": accept})
    assert reply.status == 406
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.error["status"] == 406
    created = await api.post(
        BASE,
        {"name": "x", "actionId": D["action"], "trigger": 'type = "track"', "enabled": True},
        headers={"Accept": accept},
    )
    assert created.status == 406


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        (V1ALPHA, V1ALPHA),
        ("application/json", "application/json"),
        ("*/*", V1ALPHA),
        (None, V1ALPHA),
        (f"{V1}, {V1ALPHA}", V1ALPHA),
        (f"{V1ALPHA}; q=0.5, application/json", "application/json"),
    ],
)
async def test_alpha_accept_is_served(api: Client, accept: str | None, served: str) -> None:
    reply = await api.get(BASE, headers={"Accept": accept})
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == served


async def test_non_alpha_request_body_is_415(api: Client) -> None:
    body = {"name": "x", "actionId": D["action"], "trigger": 'type = "track"', "enabled": True}
    reply = await api.post(BASE, body, headers={"Content-Type": V1})
    assert reply.status == 415
    ok = await api.post(BASE, body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status == 200


async def test_unknown_destination(api: Client) -> None:
    reply = await api.get("/destinations/nope/subscriptions")
    assert reply.status == 404
    assert "nope" in reply.error["message"]


async def test_subscription_writes_are_limited_to_5_per_minute(api: Client) -> None:
    body = {"name": "x", "actionId": D["action"], "trigger": 'type = "track"', "enabled": True}
    replies = [await api.post(BASE, body) for _ in range(6)]
    assert [r.status for r in replies] == [200] * 5 + [429]
    assert replies[0].headers["X-RateLimit-Remaining"] == "4"
    # Reads are not under the write limit.
    assert (await api.get(BASE)).status == 200


async def test_no_accept_header_at_all(api: Client, emu: Emulator) -> None:
    reply = await api.get(BASE, headers={"Accept": None})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == V1ALPHA
    assert "Accept" not in emu.requests[-1].headers
