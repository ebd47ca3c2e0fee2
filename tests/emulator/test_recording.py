"""Emulator.requests: every request as received, in order."""

from __future__ import annotations

from component.emulator import DEMO_IDS, Emulator

from .conftest import Client

D = DEMO_IDS


async def test_records_every_request(api: Client, emu: Emulator) -> None:
    await api.get("/sources?pagination%5Bcount%5D=2&pagination[cursor]=MA%3D%3D&b=1&b=2")
    await api.post("/sources", {"slug": "rec", "enabled": True, "metadataId": D["sourceMetadata"]})
    await api.delete("/users?userIds.0=a&userIds.1=b", token="nope")
    await api.request("PATCH", f"/sources/{D['source']}", data=b"not json")
    first, second, third, fourth = emu.requests
    assert (first.method, first.path) == ("GET", "/sources")
    assert first.query == [("pagination[count]", "2"), ("pagination[cursor]", "MA=="), ("b", "1"), ("b", "2")]
    assert first.body == b"" and first.json is None
    assert first.headers["authorization"] == f"Bearer {emu.api_key}"
    assert first.headers["Authorization"] == f"Bearer {emu.api_key}"
    assert "ACCEPT" in first.headers
    assert isinstance(first.headers, dict)
    assert second.json == {"slug": "rec", "enabled": True, "metadataId": D["sourceMetadata"]}
    assert second.headers.get("content-type") == "application/vnd.segment.v1+json"
    assert third.query == [("userIds.0", "a"), ("userIds.1", "b")]
    assert (third.method, third.path) == ("DELETE", "/users")
    assert fourth.body == b"not json" and fourth.json is None


async def test_recording_can_be_switched_off(api: Client, emu: Emulator) -> None:
    emu.api.record_requests = False
    await api.get("/")
    assert emu.requests == []


async def test_raw_path_keeps_the_encoding(api: Client, emu: Emulator) -> None:
    await api.get("/sources/a%2Fb")
    (recorded,) = emu.requests
    assert recorded.path == "/sources/a/b"
    assert recorded.raw_path == "/sources/a%2Fb"
