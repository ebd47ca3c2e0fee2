"""Transformations (v1 in 73.2.0): lifecycle, references, nested validation."""

from __future__ import annotations

from component.emulator import DEMO_IDS, Emulator

from .conftest import Client

D = DEMO_IDS


async def test_lifecycle(api: Client, emu: Emulator) -> None:
    body = {
        "name": "Hash emails",
        "sourceId": D["secondSource"],
        "enabled": True,
        "if": 'event = "Signed Up"',
        "destinationMetadataId": D["destinationMetadata"],
        "newEventName": "Registered",
        "propertyRenames": [{"oldName": "mail", "newName": "email"}],
        "propertyValueTransformations": [{"propertyPaths": ["properties.plan"], "propertyValue": "pro"}],
        "fqlDefinedProperties": [{"fql": "lowercase(properties.email)", "propertyName": "properties.e"}],
        "allowProperties": ["properties.email"],
        "hashPropertiesConfiguration": {"algorithm": "SHA-256", "paths": ["properties.email"]},
        "drop": False,
    }
    created = await api.post("/transformations", body)
    assert created.status == 200
    t = created.data["transformation"]
    for key, value in body.items():
        assert t[key] == value, key
    tid = t["id"]
    assert (await api.get(f"/transformations/{tid}")).data == {"transformation": t}
    listed, _ = await api.walk("/transformations", "transformations", 2)
    assert listed[-1]["id"] == tid

    updated = await api.patch(f"/transformations/{tid}", {"enabled": False, "destinationMetadataId": None})
    assert updated.data["transformation"]["enabled"] is False
    assert "destinationMetadataId" not in updated.data["transformation"]
    assert updated.data["transformation"]["name"] == "Hash emails"

    assert (await api.delete(f"/transformations/{tid}")).body == {"data": {"status": "SUCCESS"}}
    assert tid not in emu.state.transformations
    assert (await api.get(f"/transformations/{tid}")).status == 404


async def test_minimal_create_has_defaults(api: Client) -> None:
    reply = await api.post("/transformations", {"name": "n", "sourceId": D["source"], "enabled": True, "if": "x"})
    t = reply.data["transformation"]
    assert t["propertyRenames"] == [] and t["drop"] is False
    assert "destinationMetadataId" not in t and "newEventName" not in t


async def test_validation(api: Client) -> None:
    reply = await api.post("/transformations", {"propertyRenames": [{"oldName": "a"}, 3]})
    assert reply.status == 422
    assert set(reply.error_fields) == {
        "name",
        "sourceId",
        "enabled",
        "if",
        "propertyRenames.0.newName",
        "propertyRenames.1",
    }
    reply = await api.patch(
        f"/transformations/{D['transformation']}", {"hashPropertiesConfiguration": {"algorithm": "MD5"}}
    )
    assert reply.error_fields == ["hashPropertiesConfiguration.paths"]


async def test_references(api: Client) -> None:
    base = {"name": "n", "enabled": True, "if": "x"}
    reply = await api.post("/transformations", {**base, "sourceId": "nope"})
    assert reply.status == 404 and reply.error["field"] == "sourceId"
    reply = await api.post("/transformations", {**base, "sourceId": D["source"], "destinationMetadataId": "nope"})
    assert reply.status == 404 and reply.error["field"] == "destinationMetadataId"
    reply = await api.patch(f"/transformations/{D['transformation']}", {"sourceId": "nope"})
    assert reply.status == 404 and reply.error["field"] == "sourceId"
