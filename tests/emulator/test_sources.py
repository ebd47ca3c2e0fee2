"""Sources: lifecycle, validation, slugs, warehouse auto-connection, cascading deletes."""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS, MASK, Emulator

from .conftest import Client

D = DEMO_IDS


async def test_lifecycle(api: Client, emu: Emulator) -> None:
    created = await api.post(
        "/sources",
        {"slug": "checkout-web", "enabled": True, "metadataId": D["sourceMetadata"], "settings": {"a": 1}},
    )
    assert created.status == 201
    source = created.data["source"]
    sid = source["id"]
    assert len(sid) == 22 and sid.isalnum()
    assert source["slug"] == "checkout-web"
    assert source["name"] == "checkout-web"
    assert source["workspaceId"] == D["workspace"]
    assert source["metadata"]["id"] == D["sourceMetadata"]
    assert source["metadata"]["slug"] == "javascript"
    assert set(source["metadata"]["logos"]) == {"default", "mark", "alt"}
    assert len(source["writeKeys"]) == 1
    assert source["labels"] == []
    assert source["settings"] == {"a": 1}
    assert emu.state.sources[sid]["slug"] == "checkout-web"

    got = await api.get(f"/sources/{sid}")
    assert got.data == {"source": source, "trackingPlanId": None}

    listed, _ = await api.walk("/sources", "sources", 200)
    assert listed[-1]["id"] == sid

    updated = await api.patch(f"/sources/{sid}", {"name": "Checkout", "enabled": False, "settings": {"b": 2}})
    assert updated.status == 200
    assert updated.data["source"]["name"] == "Checkout"
    assert updated.data["source"]["enabled"] is False
    assert updated.data["source"]["slug"] == "checkout-web"
    assert updated.data["source"]["settings"] == {"b": 2}  # replaced, not merged

    assert (await api.patch(f"/sources/{sid}", {})).data["source"]["name"] == "Checkout"

    deleted = await api.delete(f"/sources/{sid}")
    assert deleted.body == {"data": {"status": "SUCCESS"}}
    assert sid not in emu.state.sources
    assert (await api.get(f"/sources/{sid}")).status == 404
    assert (await api.delete(f"/sources/{sid}")).status == 404


async def test_name_may_be_given(api: Client) -> None:
    reply = await api.post(
        "/sources", {"slug": "named", "name": "Named One", "enabled": True, "metadataId": D["sourceMetadata"]}
    )
    assert reply.data["source"]["name"] == "Named One"


async def test_missing_required_fields_are_all_named(api: Client) -> None:
    reply = await api.post("/sources", {})
    assert reply.status == 422
    assert reply.error["type"] == "ValidationFailure"
    assert set(reply.error_fields) == {"slug", "enabled", "metadataId"}
    assert all(e["status"] == 422 for e in reply.body["errors"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": 5, "enabled": True, "metadataId": "1bow82lmk"}, "slug"),
        ({"slug": "", "enabled": True, "metadataId": "1bow82lmk"}, "slug"),
        ({"slug": "s", "enabled": "yes", "metadataId": "1bow82lmk"}, "enabled"),
        ({"slug": "s", "enabled": True, "metadataId": None}, "metadataId"),
        ({"slug": "s", "enabled": True, "metadataId": "1bow82lmk", "settings": []}, "settings"),
        (
            {"slug": "s", "enabled": True, "metadataId": "1bow82lmk", "disconnectAllWarehouses": 1},
            "disconnectAllWarehouses",
        ),
    ],
)
async def test_bad_fields(api: Client, body: dict[str, object], field: str) -> None:
    reply = await api.post("/sources", body)
    assert reply.status == 422
    assert reply.error_fields == [field]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "", "null", '"text"'])
async def test_body_not_a_json_object_is_400(api: Client, raw: str) -> None:
    reply = await api.request("POST", "/sources", data=raw)
    assert reply.status == 400
    assert reply.error["type"] == "bad-request"


async def test_update_validation(api: Client) -> None:
    reply = await api.patch(f"/sources/{D['source']}", {"enabled": "no", "name": 3})
    assert reply.status == 422
    assert set(reply.error_fields) == {"enabled", "name"}
    assert (await api.request("PATCH", f"/sources/{D['source']}", data="nope")).status == 400


async def test_unknown_metadata_is_404_naming_the_field(api: Client) -> None:
    reply = await api.post("/sources", {"slug": "x", "enabled": True, "metadataId": "nope"})
    assert reply.status == 404
    assert reply.error["field"] == "metadataId"
    assert "nope" in reply.error["message"]


async def test_slug_is_unique(api: Client) -> None:
    reply = await api.post(
        "/sources", {"slug": "my-test-source-rhpd18", "enabled": True, "metadataId": D["sourceMetadata"]}
    )
    assert reply.status == 409
    assert reply.error["field"] == "slug"
    other = await api.post("/sources", {"slug": "other", "enabled": True, "metadataId": D["sourceMetadata"]})
    sid = other.data["source"]["id"]
    reply = await api.patch(f"/sources/{sid}", {"slug": "my-test-source-rhpd18"})
    assert reply.status == 409
    # Keeping one's own slug is not a conflict.
    assert (await api.patch(f"/sources/{sid}", {"slug": "other"})).status == 200


async def test_new_source_is_connected_to_every_warehouse(api: Client, emu: Emulator) -> None:
    reply = await api.post("/sources", {"slug": "auto", "enabled": True, "metadataId": D["sourceMetadata"]})
    sid = reply.data["source"]["id"]
    assert all(sid in connected for connected in emu.state.connections.values())
    for wid in emu.state.warehouses:
        listed, _ = await api.walk(f"/warehouses/{wid}/connected-sources", "sources", 50)
        assert sid in [s["id"] for s in listed]


async def test_disconnect_all_warehouses(api: Client, emu: Emulator) -> None:
    reply = await api.post(
        "/sources",
        {"slug": "lonely", "enabled": True, "metadataId": D["sourceMetadata"], "disconnectAllWarehouses": True},
    )
    sid = reply.data["source"]["id"]
    assert not any(sid in connected for connected in emu.state.connections.values())


async def test_delete_cascades(api: Client, emu: Emulator) -> None:
    sid = D["source"]
    own_destinations = [d for d, r in emu.state.destinations.items() if r["sourceId"] == sid]
    own_subscriptions = [s for s, r in emu.state.subscriptions.items() if r["destinationId"] in own_destinations]
    assert own_destinations and own_subscriptions
    assert sid in emu.state.connections[D["warehouse"]]
    assert (await api.delete(f"/sources/{sid}")).status == 200
    assert not any(sid in c for c in emu.state.connections.values())
    assert not any(d in emu.state.destinations for d in own_destinations)
    assert not any(s in emu.state.subscriptions for s in own_subscriptions)
    assert not any(t["sourceId"] == sid for t in emu.state.transformations.values())
    listed, _ = await api.walk(f"/warehouses/{D['warehouse']}/connected-sources", "sources", 10)
    assert sid not in [s["id"] for s in listed]
    assert (await api.get(f"/destinations/{D['destination']}")).status == 404
    # Other sources keep their destinations.
    assert (await api.get("/destinations/oCQ7f3PS1I4Hfcr6tjmtV9")).status == 200


async def test_sensitive_source_settings_are_censored(api: Client, emu: Emulator) -> None:
    stripe = "vyL9G0qJtgyeOQGpHTpSov"
    reply = await api.get(f"/sources/{stripe}")
    assert reply.data["source"]["settings"]["apiKey"] == MASK
    assert emu.state.sources[stripe]["settings"]["apiKey"].startswith("rk_live_")
