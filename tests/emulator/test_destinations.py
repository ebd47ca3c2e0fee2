"""Destinations: lifecycle, validation, references, single-instance types, censored settings."""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS, MASK, Emulator

from .conftest import Client

D = DEMO_IDS
AMPLITUDE = "5f7dd6d21ad74f3842b1fc47"
MIXPANEL = "1dd257d50f4bf777e1030fe1"


async def test_lifecycle(api: Client, emu: Emulator) -> None:
    created = await api.post(
        "/destinations",
        {
            "sourceId": D["source"],
            "metadataId": AMPLITUDE,
            "settings": {"apiKey": "k", "secretKey": "s"},
            "name": "Amp Web",
            "enabled": True,
        },
    )
    assert created.status == 200
    dest = created.data["destination"]
    did = dest["id"]
    assert dest["name"] == "Amp Web"
    assert dest["enabled"] is True
    assert dest["sourceId"] == D["source"]
    assert dest["metadata"]["id"] == AMPLITUDE
    assert dest["metadata"]["actions"]
    assert dest["settings"] == {"apiKey": "k", "secretKey": MASK}
    assert emu.state.destinations[did]["settings"]["secretKey"] == "s"

    assert (await api.get(f"/destinations/{did}")).data == {"destination": dest}
    listed, _ = await api.walk("/destinations", "destinations", 3)
    assert listed[-1]["id"] == did

    updated = await api.patch(f"/destinations/{did}", {"name": "Amplitude Web", "settings": {"apiKey": "k2"}})
    assert updated.data["destination"]["name"] == "Amplitude Web"
    assert updated.data["destination"]["settings"] == {"apiKey": "k2"}
    # A null name is "no change" (the field is nullable in the spec).
    assert (await api.patch(f"/destinations/{did}", {"name": None})).data["destination"]["name"] == "Amplitude Web"

    assert (await api.delete(f"/destinations/{did}")).body == {"data": {"status": "SUCCESS"}}
    assert did not in emu.state.destinations
    assert (await api.get(f"/destinations/{did}")).status == 404


async def test_defaults(api: Client) -> None:
    reply = await api.post("/destinations", {"sourceId": D["source"], "metadataId": AMPLITUDE, "settings": {}})
    dest = reply.data["destination"]
    assert dest["enabled"] is False
    assert dest["name"] == "Amplitude (Actions)"


async def test_missing_fields(api: Client) -> None:
    reply = await api.post("/destinations", {"name": 5})
    assert reply.status == 422
    assert set(reply.error_fields) == {"sourceId", "metadataId", "settings", "name"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sourceId": "nope", "metadataId": AMPLITUDE, "settings": {}}, "sourceId"),
        ({"sourceId": D["source"], "metadataId": "nope", "settings": {}}, "metadataId"),
    ],
)
async def test_unknown_references(api: Client, body: dict[str, object], field: str) -> None:
    reply = await api.post("/destinations", body)
    assert reply.status == 404
    assert reply.error["field"] == field
    assert "nope" in reply.error["message"]


async def test_single_instance_type_refuses_a_second_one(api: Client) -> None:
    backend = "dImPXq5IIDjNgmQfS10qMZ"
    reply = await api.post("/destinations", {"sourceId": backend, "metadataId": MIXPANEL, "settings": {}})
    assert reply.status == 400
    assert reply.error["type"] == "bad-request"
    assert "Multiple configurations" in reply.error["message"]
    # Another source may have one.
    ok = await api.post("/destinations", {"sourceId": D["source"], "metadataId": MIXPANEL, "settings": {}})
    assert ok.status == 200


async def test_multi_instance_type_allows_several(api: Client, emu: Emulator) -> None:
    same = [
        d
        for d in emu.state.destinations.values()
        if d["sourceId"] == D["source"] and d["metadata"]["id"] == D["destinationMetadata"]
    ]
    assert len(same) == 2 and len({d["name"] for d in same}) == 2
    reply = await api.post(
        "/destinations", {"sourceId": D["source"], "metadataId": D["destinationMetadata"], "settings": {}}
    )
    assert reply.status == 200


async def test_masked_value_sent_back_keeps_the_secret(api: Client, emu: Emulator) -> None:
    did = "BYd87L8DNp2RDSly8Gvnkv"
    got = (await api.get(f"/destinations/{did}")).data["destination"]
    assert got["settings"]["secretKey"] == MASK
    assert got["settings"]["apiKey"] != MASK  # not a password-type option
    await api.patch(f"/destinations/{did}", {"settings": got["settings"]})
    assert emu.state.destinations[did]["settings"]["secretKey"] == "s3cr3t-amplitude"


async def test_update_validation(api: Client) -> None:
    reply = await api.patch(f"/destinations/{D['destination']}", {"enabled": 1, "settings": "x"})
    assert reply.status == 422
    assert set(reply.error_fields) == {"enabled", "settings"}


async def test_delete_removes_its_subscriptions(api: Client, emu: Emulator) -> None:
    assert D["subscription"] in emu.state.subscriptions
    await api.delete(f"/destinations/{D['destination']}")
    assert D["subscription"] not in emu.state.subscriptions
    assert not any(s["destinationId"] == D["destination"] for s in emu.state.subscriptions.values())
    assert "e1P19ZK60Aa7eaCnIHGHYw" in emu.state.subscriptions  # another destination's
