"""Functions end to end against the emulator: every action, the create-to-delete cycle, and
no sample settings or missing function types."""

from __future__ import annotations

from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_IDS, Emulator
from component.segment.errors import InputError, NotFound
from tests.e2e.conftest import run

SOURCE_FN = DEMO_IDS["function"]
BY_TYPE = {
    "DESTINATION": DEMO_IDS["destinationFunction"],
    "INSERT_DESTINATION": DEMO_IDS["insertDestinationFunction"],
    "INSERT_SOURCE": DEMO_IDS["insertSourceFunction"],
    "INSERT_TRANSFORMATION": DEMO_IDS["insertTransformationFunction"],
    "SOURCE": SOURCE_FN,
}
TYPES = list(BY_TYPE)
CODE = "async function onTrack(event, settings) {\n  return event\n}\n"
SETTINGS = [
    {
        "name": "apiKey",
        "label": "API Key",
        "description": "Key for the upstream API.",
        "type": "STRING",
        "required": True,
        "sensitive": True,
    },
    {"name": "regions", "label": "Regions", "description": "", "type": "ARRAY", "required": False, "sensitive": False},
]


def sent(emulator: Emulator, method: str) -> list[Any]:
    """The bodies of the requests to /functions* made with `method`, in order."""
    return [r.json for r in emulator.requests if r.method == method and r.path.startswith("/functions")]


async def test_get_function(emulator: Emulator, conn: dict[str, Any]) -> None:
    function = (await run("getFunction", {"functionId": SOURCE_FN}, conn))["data"]["function"]
    assert function == emulator.state.functions[SOURCE_FN]
    assert (function["displayName"], function["resourceType"]) == ("Stripe Webhook Parser", "SOURCE")
    assert "onRequest" in function["code"]


@pytest.mark.parametrize("key", ["getFunction", "updateFunction", "deleteFunction"])
async def test_missing_function_is_not_found(emulator: Emulator, conn: dict[str, Any], key: str) -> None:
    with pytest.raises(NotFound) as caught:
        await run(key, {"functionId": "sfnc_missing"}, conn)
    assert caught.value.status == 404


async def test_list_functions_one_page_and_next_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    for n in range(2):
        emulator.state.create_function(resource_type="DESTINATION", code=CODE, display_name=f"Extra {n}")
    ids = [f for f, r in emulator.state.functions.items() if r["resourceType"] == "DESTINATION"]
    first = (await run("listFunctions", {"resourceType": "DESTINATION", "count": 2}, conn))["data"]
    assert [f["id"] for f in first["functions"]] == ids[:2]
    assert first["pagination"]["totalEntries"] == 3
    assert all("code" not in f for f in first["functions"])
    second = (
        await run(
            "listFunctions", {"resourceType": "DESTINATION", "count": "2", "cursor": first["pagination"]["next"]}, conn
        )
    )["data"]
    assert [f["id"] for f in second["functions"]] == ids[2:]
    assert "next" not in second["pagination"]


async def test_list_functions_fetch_all_sees_every_function_once(emulator: Emulator, conn: dict[str, Any]) -> None:
    # fetchAll reads pages of the API's maximum (1000): make sure there are more than one.
    for n in range(1000):
        emulator.state.create_function(resource_type="SOURCE", code=CODE, display_name=f"Bulk {n}")
    emulator.state.create_function(resource_type="DESTINATION", code=CODE, display_name="Other type")
    expected = [f for f, r in emulator.state.functions.items() if r["resourceType"] == "SOURCE"]
    emulator.requests.clear()
    body = await run("listFunctions", {"resourceType": "SOURCE", "fetchAll": True, "count": 1}, conn)
    ids = [f["id"] for f in body["data"]["functions"]]
    assert ids == expected
    assert len(set(ids)) == 1001
    assert body["data"]["pagination"] == {"totalEntries": 1001}
    assert len(emulator.requests) == 2
    assert all(("resourceType", "SOURCE") in r.query for r in emulator.requests)


async def test_list_functions_requires_resource_type(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        await run("listFunctions", {}, conn)
    assert "resourceType" in str(caught.value)
    with pytest.raises(InputError):
        await run("listFunctions", {"resourceType": "WAREHOUSE"}, conn)
    assert emulator.requests == []


async def test_function_create_get_list_update_delete_cycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    created = (
        await run(
            "createFunction",
            {
                "code": CODE,
                "displayName": "Order Forwarder",
                "resourceType": "DESTINATION",
                "settings": SETTINGS,
                "logoUrl": "https://example.com/logo.png",
                "description": "Forwards orders.",
            },
            conn,
        )
    )["data"]["function"]
    fid = created["id"]
    assert fid.startswith("dfn_")
    stored = emulator.state.functions[fid]
    assert stored == created
    assert (stored["code"], stored["displayName"], stored["resourceType"]) == (CODE, "Order Forwarder", "DESTINATION")
    assert stored["settings"] == SETTINGS
    assert (stored["logoUrl"], stored["description"]) == ("https://example.com/logo.png", "Forwards orders.")

    got = (await run("getFunction", {"functionId": fid}, conn))["data"]["function"]
    assert got == stored

    listed = (await run("listFunctions", {"resourceType": "DESTINATION", "fetchAll": True}, conn))["data"]
    assert fid in [f["id"] for f in listed["functions"]]
    others = (await run("listFunctions", {"resourceType": "SOURCE", "fetchAll": True}, conn))["data"]
    assert fid not in [f["id"] for f in others["functions"]]

    updated = (await run("updateFunction", {"functionId": fid, "displayName": "Order Relay"}, conn))["data"]
    assert updated["function"]["displayName"] == "Order Relay"
    assert sent(emulator, "PATCH")[-1] == {"displayName": "Order Relay"}
    assert emulator.state.functions[fid]["displayName"] == "Order Relay"
    assert emulator.state.functions[fid]["settings"] == SETTINGS
    assert emulator.state.functions[fid]["code"] == CODE

    new_code = CODE.replace("return event", "return null")
    await run(
        "updateFunction",
        {"functionId": fid, "code": new_code, "settings": SETTINGS[:1], "description": "Drops orders."},
        conn,
    )
    stored = emulator.state.functions[fid]
    assert (stored["code"], stored["settings"], stored["description"]) == (new_code, SETTINGS[:1], "Drops orders.")
    assert stored["displayName"] == "Order Relay"
    got = (await run("getFunction", {"functionId": fid}, conn))["data"]["function"]
    assert got["settings"] == SETTINGS[:1]

    deleted = await run("deleteFunction", {"functionId": fid}, conn)
    assert deleted == {"data": {"status": "SUCCESS"}}
    assert fid not in emulator.state.functions
    with pytest.raises(NotFound):
        await run("getFunction", {"functionId": fid}, conn)


async def test_settings_are_checked_before_any_request(emulator: Emulator, conn: dict[str, Any]) -> None:
    bad = [{"name": "apiKey", "label": "API Key", "description": "", "type": "NUMBER", "required": True}]
    with pytest.raises(InputError) as caught:
        await run("createFunction", {"code": CODE, "displayName": "X", "resourceType": "SOURCE", "settings": bad}, conn)
    message = str(caught.value)
    assert "settings.0.type" in message and "settings.0.sensitive" in message
    assert emulator.requests == []


def test_settings_schema_shows_the_item_shape() -> None:
    schema = segment.actions["createFunction"].spec.schema
    settings = schema["properties"]["settings"]
    assert settings["type"] == "array" and settings["title"] == "Function Settings"
    item = schema["$defs"][settings["items"]["$ref"].rsplit("/", 1)[-1]]
    assert set(item["required"]) == {"name", "label", "description", "type", "required", "sensitive"}
    assert item["properties"]["type"]["enum"] == ["ARRAY", "BOOLEAN", "STRING", "TEXT_MAP"]
    assert item["properties"]["required"]["type"] == "boolean"


# The replaced component: updateFunction sent a two-entry sample settings list (apiKey, mySecret) on every update.
async def test_update_function_omits_settings_when_not_given(emulator: Emulator, conn: dict[str, Any]) -> None:
    schema = segment.actions["updateFunction"].spec.schema
    assert schema["required"] == ["functionId"]
    assert "default" not in schema["properties"]["settings"]
    before = list(emulator.state.functions[SOURCE_FN]["settings"])

    await run("updateFunction", {"functionId": SOURCE_FN, "description": "New text", "settings": ""}, conn)
    assert sent(emulator, "PATCH") == [{"description": "New text"}]
    assert emulator.state.functions[SOURCE_FN]["settings"] == before

    await run("updateFunction", {"functionId": SOURCE_FN, "settings": []}, conn)
    assert sent(emulator, "PATCH")[-1] == {"settings": []}
    assert emulator.state.functions[SOURCE_FN]["settings"] == []


# The replaced component: only DESTINATION, INSERT_DESTINATION and SOURCE were offered.
@pytest.mark.parametrize("kind", TYPES)
async def test_every_resource_type_is_accepted(emulator: Emulator, conn: dict[str, Any], kind: str) -> None:
    for key in ("createFunction", "listFunctions"):
        choices = segment.actions[key].spec.schema["properties"]["resourceType"]["oneOf"]
        assert [c["const"] for c in choices] == TYPES

    created = (await run("createFunction", {"code": CODE, "displayName": f"A {kind}", "resourceType": kind}, conn))[
        "data"
    ]["function"]
    assert sent(emulator, "POST")[-1]["resourceType"] == kind
    assert emulator.state.functions[created["id"]]["resourceType"] == kind

    listed = (await run("listFunctions", {"resourceType": kind}, conn))["data"]["functions"]
    assert [f["id"] for f in listed] == [BY_TYPE[kind], created["id"]]
    assert {f["resourceType"] for f in listed} == {kind}
    assert ("resourceType", kind) in emulator.requests[-1].query
