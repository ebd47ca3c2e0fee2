"""Fault injection: status, delay, dropped connection, malformed body, extra headers, times=N."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest

from component.emulator import DEMO_IDS, Emulator, running_emulator

from .conftest import Client

D = DEMO_IDS
SOURCE = f"/sources/{D['source']}"


async def test_status_fault_times_then_normal(api: Client, emu: Emulator) -> None:
    fault = emu.faults.inject(method="GET", path="/sources/*", status=503, times=2)
    first, second, third = [await api.get(SOURCE) for _ in range(3)]
    assert (first.status, second.status, third.status) == (503, 503, 200)
    assert first.headers["Content-Type"] == "application/json"
    assert first.body == {"errors": [{"type": "service-unavailable", "message": "Service Unavailable", "status": 503}]}
    assert fault.hits == 2 and fault.exhausted
    assert emu.faults.faults == []
    # Faulted requests are recorded like any other.
    assert [r.path for r in emu.requests] == [SOURCE] * 3


async def test_fault_matching(api: Client, emu: Emulator) -> None:
    emu.faults.inject(method="POST", path="/sources", status=500, times=1)
    assert (await api.get("/sources")).status == 200  # other method
    assert (await api.get(SOURCE)).status == 200  # other path
    body = {"slug": "f", "enabled": True, "metadataId": D["sourceMetadata"]}
    reply = await api.post("/sources", body)
    assert reply.status == 500
    assert reply.error["type"] == "internal"
    assert (await api.post("/sources", body)).status == 201


async def test_fault_precedes_auth_and_routing(api: Client, emu: Emulator) -> None:
    emu.faults.inject(path="/no/such/*", status=502)
    assert (await api.get("/no/such/thing", token=None)).status == 502


async def test_unlimited_until_cleared(api: Client, emu: Emulator) -> None:
    emu.faults.inject(path="/", status=500, times=None)
    assert [(await api.get("/")).status for _ in range(4)] == [500] * 4
    emu.faults.clear()
    assert (await api.get("/")).status == 200


async def test_429_fault_with_retry_after(api: Client, emu: Emulator) -> None:
    emu.faults.inject(method="GET", path="/sources/*", status=429, headers={"Retry-After": "1"})
    reply = await api.get(SOURCE)
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "1"
    assert reply.error["type"] == "RequestError"
    assert reply.error["data"]["msBeforeNext"] == 1000
    emu.faults.inject(method="GET", path="/sources/*", status=429)
    assert "Retry-After" not in (await api.get(SOURCE)).headers


async def test_malformed_body(api: Client, emu: Emulator) -> None:
    emu.faults.inject(method="GET", path="/sources/*", body=b'{"data": ', status=200, times=1)
    reply = await api.get(SOURCE)
    assert reply.status == 200
    assert reply.text == '{"data": '
    with pytest.raises(json.JSONDecodeError):
        _ = reply.body
    assert (await api.get(SOURCE)).body["data"]["source"]["id"] == D["source"]


async def test_success_status_without_body(api: Client, emu: Emulator) -> None:
    emu.faults.inject(path="/", status=202)
    reply = await api.get("/")
    assert (reply.status, reply.body) == (202, {"data": {}})


async def test_delay(api: Client, emu: Emulator) -> None:
    emu.faults.inject(method="*", path="/sources", delay=1.0, times=1)
    started = time.perf_counter()
    reply = await api.get("/sources")
    assert reply.status == 200
    assert time.perf_counter() - started >= 1.0
    assert emu.faults.faults == [], "times=1: the fault is used up"
    started = time.perf_counter()
    await api.get("/sources")
    # Generous: an undelayed answer takes milliseconds; only a second delay would reach a second.
    assert time.perf_counter() - started < 1.0


async def test_delay_then_status(api: Client, emu: Emulator) -> None:
    emu.faults.inject(path="/", delay=0.1, status=504)
    started = time.perf_counter()
    assert (await api.get("/")).status == 504
    assert time.perf_counter() - started >= 0.1


async def test_delay_hits_client_timeout(emu: Emulator) -> None:
    emu.faults.inject(path="/", delay=5.0)
    timeout = aiohttp.ClientTimeout(total=0.2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(asyncio.TimeoutError):
            async with session.get(emu.url + "/", headers={"Authorization": f"Bearer {emu.api_key}"}) as r:
                await r.read()


async def test_drop(api: Client, emu: Emulator, session: aiohttp.ClientSession) -> None:
    emu.faults.inject(method="POST", path="/sources", drop=True, times=1)
    body = {"slug": "dropped", "enabled": True, "metadataId": D["sourceMetadata"]}
    started = time.perf_counter()
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        await api.post("/sources", body)
    assert time.perf_counter() - started < 10  # at once, not after a client timeout (minutes)
    assert not any(s["slug"] == "dropped" for s in emu.state.sources.values())
    assert (await api.post("/sources", body)).status == 201


async def test_shutdown_does_not_wait_for_delayed_requests(session: aiohttp.ClientSession) -> None:
    async with running_emulator() as emu:
        emu.faults.inject(path="/", delay=30.0)
        pending = asyncio.ensure_future(session.get(emu.url + "/", headers={"Authorization": f"Bearer {emu.api_key}"}))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
    assert time.perf_counter() - started < 15  # the delay is 30 s
    try:
        response = await asyncio.wait_for(pending, 5)
        response.release()
    except (TimeoutError, aiohttp.ClientError):
        pass


def test_inject_rejects_nonsense() -> None:
    emu = Emulator()
    with pytest.raises(ValueError):
        emu.faults.inject(times=0)
    with pytest.raises(ValueError):
        emu.faults.inject(status=42)
    with pytest.raises(ValueError):
        emu.faults.inject(delay=-1)
