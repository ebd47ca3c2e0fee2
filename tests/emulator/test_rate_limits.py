"""Rate limits: headers on success, 429 body and Retry-After, per-token/operation buckets, switches."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import aiohttp
import pytest

from component.emulator import DEFAULT_PER_MINUTE, DEMO_API_KEY, DEMO_IDS, Emulator, running_emulator

from .conftest import Client
from .operations import BY_ID

D = DEMO_IDS


async def test_headers_on_success(api: Client) -> None:
    for n in (1, 2, 3):
        reply = await api.get(f"/sources/{D['source']}")
        assert reply.headers["X-RateLimit-Consumed"] == str(n)
        assert reply.headers["X-RateLimit-Remaining"] == str(DEFAULT_PER_MINUTE - n)
        reset = parsedate_to_datetime(reply.headers["X-RateLimit-Reset"])
        assert reset.tzinfo is not None
        assert 0 < reset.timestamp() - time.time() <= 61
        assert reply.headers["X-RateLimit-Reset"].endswith(" GMT")
    # Another operation has its own bucket.
    assert (await api.get("/sources")).headers["X-RateLimit-Consumed"] == "1"


@pytest.mark.parametrize(
    ("operation_id", "limit"),
    [
        ("createDestinationSubscription", 5),
        ("updateSubscriptionForDestination", 5),
        ("removeSubscriptionFromDestination", 5),
        ("createInvites", 60),
        ("deleteUsers", 60),
        ("getEventsVolumeFromWorkspace", 60),
        ("getSource", DEFAULT_PER_MINUTE),
        ("listSubscriptionsFromDestination", DEFAULT_PER_MINUTE),
    ],
)
async def test_default_limits(api: Client, operation_id: str, limit: int) -> None:
    op = BY_ID[operation_id]
    reply = await api.request(op.method, op.path(), **({} if op.body is None else {"json_body": op.body}))
    assert reply.status == op.status
    assert reply.headers["X-RateLimit-Remaining"] == str(limit - 1)


async def test_429_when_over_the_limit(api: Client, emu: Emulator) -> None:
    emu.rate_limits.set("GET", "/sources/*", per_minute=3)
    statuses = [(await api.get(f"/sources/{D['source']}")).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    reply = await api.get(f"/sources/{D['source']}")
    assert reply.status == 429
    assert reply.headers["Content-Type"] == "application/json"
    retry_after = int(reply.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    (error,) = reply.body["errors"]
    assert error["type"] == "RequestError"
    assert error["message"] == "Too many requests"
    assert error["status"] == 429
    assert error["data"]["remainingPoints"] == 0
    assert error["data"]["consumedPoints"] == 4
    assert 0 < error["data"]["msBeforeNext"] <= 60_000
    assert retry_after == -(-error["data"]["msBeforeNext"] // 1000)
    assert reply.headers["X-RateLimit-Remaining"] == "0"
    # Other operations and other paths are not limited by that override.
    assert (await api.get("/sources")).status == 200
    assert (await api.get(f"/destinations/{D['destination']}")).status == 200
    # Rejected attempts count too.
    assert (await api.get(f"/sources/{D['source']}")).body["errors"][0]["data"]["consumedPoints"] == 5


async def test_buckets_are_per_token(session: aiohttp.ClientSession) -> None:
    async with running_emulator(api_keys=(DEMO_API_KEY, "second-token")) as emu:
        emu.rate_limits.set("*", "/", per_minute=1)
        first = Client(emu, session)
        assert (await first.get("/")).status == 200
        assert (await first.get("/")).status == 429
        assert (await first.get("/", token="second-token")).status == 200


async def test_disabled_limits_send_no_headers(api: Client, emu: Emulator) -> None:
    emu.rate_limits.set("GET", "/", per_minute=1)
    emu.rate_limits.enabled = False
    for _ in range(3):
        reply = await api.get("/")
        assert reply.status == 200
        assert "X-RateLimit-Remaining" not in reply.headers
    emu.rate_limits.enabled = True
    assert (await api.get("/")).status == 200
    assert (await api.get("/")).status == 429


async def test_reset(api: Client, emu: Emulator) -> None:
    emu.rate_limits.set("GET", "/", per_minute=1)
    await api.get("/")
    assert (await api.get("/")).status == 429
    emu.rate_limits.reset()
    reply = await api.get("/")
    assert reply.status == 200
    assert reply.headers["X-RateLimit-Consumed"] == "1"


async def test_no_rate_limits_option(session: aiohttp.ClientSession) -> None:
    async with running_emulator(rate_limits=False) as emu:
        client = Client(emu, session)
        body = {"name": "x", "actionId": D["action"], "trigger": 'type = "track"', "enabled": True}
        path = f"/destinations/{D['destination']}/subscriptions"
        assert [(await client.post(path, body)).status for _ in range(8)] == [200] * 8


async def test_invites_limit_is_60(api: Client) -> None:
    body = {"invites": [{"email": "x@example.com"}]}
    statuses = [(await api.post("/invites", body)).status for _ in range(61)]
    assert statuses == [201] * 60 + [429]
