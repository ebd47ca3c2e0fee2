"""Functions: typed id prefixes, resourceType-filtered lists, settings validation."""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS, Emulator

from .conftest import Client

D = DEMO_IDS
PREFIXES = {
    "SOURCE": "sfnc_",
    "DESTINATION": "dfn_",
    "INSERT_DESTINATION": "ifnd_",
    "INSERT_SOURCE": "ifns_",
    "INSERT_TRANSFORMATION": "iftr_",
}
SETTING = {
    "name": "apiKey",
    "label": "API key",
    "description": "",
    "type": "STRING",
    "required": True,
    "sensitive": True,
}


@pytest.mark.parametrize(("kind", "prefix"), PREFIXES.items())
async def test_create_get_list_each_type(api: Client, emu: Emulator, kind: str, prefix: str) -> None:
    created = await api.post(
        "/functions",
        {
            "code": "// code",
            "displayName": f"My {kind}",
            "resourceType": kind,
            "settings": [SETTING],
            "description": "d",
            "logoUrl": "https://example.com/l.png",
        },
    )
    assert created.status == 200
    fn = created.data["function"]
    assert fn["id"].startswith(prefix) and len(fn["id"]) == len(prefix) + 22
    assert fn["resourceType"] == kind
    assert fn["code"] == "// code"
    assert fn["settings"] == [SETTING]
    assert fn["createdBy"] == D["user"]
    assert (await api.get(f"/functions/{fn['id']}")).data == {"function": fn}

    listed, _ = await api.walk("/functions", "functions", 1, query=f"resourceType={kind}")
    assert {f["resourceType"] for f in listed} == {kind}
    assert [f["id"] for f in listed][-1] == fn["id"]
    assert len(listed) == 2  # the demo one and the new one
    assert all("code" not in f and "settings" not in f for f in listed)
    assert fn["id"] in emu.state.functions


async def test_update_and_delete(api: Client, emu: Emulator) -> None:
    fid = D["function"]
    updated = await api.patch(f"/functions/{fid}", {"code": "// v2", "displayName": "Parser v2", "settings": []})
    fn = updated.data["function"]
    assert (fn["code"], fn["displayName"], fn["settings"]) == ("// v2", "Parser v2", [])
    assert fn["resourceType"] == "SOURCE"
    assert (await api.delete(f"/functions/{fid}")).body == {"data": {"status": "SUCCESS"}}
    assert fid not in emu.state.functions
    assert (await api.get(f"/functions/{fid}")).status == 404


async def test_list_requires_resource_type(api: Client) -> None:
    reply = await api.get("/functions?pagination[count]=5")
    assert reply.status == 422
    assert reply.error["field"] == "resourceType"
    reply = await api.get("/functions?resourceType=WEBHOOK")
    assert reply.status == 422
    assert reply.error["field"] == "resourceType"


async def test_create_validation(api: Client) -> None:
    reply = await api.post("/functions", {"resourceType": "WEBHOOK"})
    assert reply.status == 422
    assert set(reply.error_fields) == {"code", "displayName", "resourceType"}
    bad_setting = {**SETTING, "type": "NUMBER"}
    del bad_setting["sensitive"]
    reply = await api.post(
        "/functions", {"code": "x", "displayName": "x", "resourceType": "SOURCE", "settings": [SETTING, bad_setting]}
    )
    assert set(reply.error_fields) == {"settings.1.type", "settings.1.sensitive"}
    reply = await api.patch(f"/functions/{D['function']}", {"settings": "x", "code": 1})
    assert set(reply.error_fields) == {"settings", "code"}
