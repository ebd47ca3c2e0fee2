"""Calls through an in-memory MCP client, checked against the emulator's state and requests."""

from __future__ import annotations

from typing import Any, cast

import mcp_types as types

from component.emulator import Emulator
from component.segment.ids import DEMO_SECOND_USER, DEMO_SOURCE, DEMO_SOURCE_METADATA, DEMO_WAREHOUSE_METADATA
from tests.mcp.conftest import Connect

NEW_SOURCE = {
    "slug": "mcp-made-source",
    "metadataId": DEMO_SOURCE_METADATA,
    "settings": {"website": "https://a.example"},
}


def _body(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structured_content is not None
    return cast(dict[str, Any], result.structured_content)


def _writes(emulator: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emulator.requests if r.method != "GET"]


def _field_errors(result: types.CallToolResult) -> dict[str, str]:
    assert result.is_error
    return {e["field"]: e["reason"] for e in _body(result)["fields"]}


async def test_a_read_returns_the_api_body(connect: Connect, emulator: Emulator) -> None:
    async with connect() as client:
        result = await client.call_tool("getSource", {"sourceId": DEMO_SOURCE})
    assert not result.is_error
    assert _body(result)["data"]["data"]["source"]["name"] == emulator.state.sources[DEMO_SOURCE]["name"]
    assert [(r.method, r.path) for r in emulator.requests] == [("GET", f"/sources/{DEMO_SOURCE}")]
    assert result.content and isinstance(result.content[0], types.TextContent)


async def test_a_picklist_gives_the_ids_other_tools_take(connect: Connect, emulator: Emulator) -> None:
    async with connect(read_only=True) as client:
        result = await client.call_tool("sources", {"search": ""})
    keys = [item["key"] for item in _body(result)["result"]]
    assert sorted(keys) == sorted(emulator.state.sources)
    assert _writes(emulator) == []


async def test_without_allow_writes_a_write_answers_what_it_would_send_and_sends_nothing(
    connect: Connect, emulator: Emulator
) -> None:
    before = dict(emulator.state.sources)
    async with connect() as client:
        created = await client.call_tool("createSource", NEW_SOURCE)
        updated = await client.call_tool("updateSource", {"sourceId": DEMO_SOURCE, "name": "Renamed"})
    assert not created.is_error and not updated.is_error
    assert _body(created)["dryRun"] is True
    assert _body(created)["wouldSend"] == {
        "method": "POST",
        "path": "/sources",
        "query": [],
        "body": {
            "slug": "mcp-made-source",
            "enabled": True,
            "metadataId": DEMO_SOURCE_METADATA,
            "settings": {"website": "https://a.example"},
        },
    }
    assert _body(updated)["wouldSend"]["method"] == "PATCH"
    assert _body(updated)["wouldSend"]["body"] == {"name": "Renamed"}
    assert emulator.state.sources == before and emulator.state.sources[DEMO_SOURCE]["name"] != "Renamed"
    assert emulator.requests == []


async def test_a_preview_masks_passwords_in_the_body(connect: Connect, emulator: Emulator) -> None:
    password = "hunter2-warehouse-password"
    async with connect() as client:
        result = await client.call_tool(
            "createWarehouse",
            {
                "metadataId": DEMO_WAREHOUSE_METADATA,
                "settings": {"host": "db.example", "password": password},
            },
        )
    assert not result.is_error
    assert _body(result)["wouldSend"]["body"]["settings"] == {"host": "db.example", "password": "[masked]"}
    assert password not in result.model_dump_json()
    assert emulator.requests == []


async def test_with_allow_writes_a_write_is_sent(connect: Connect, emulator: Emulator) -> None:
    async with connect(allow_writes=True) as client:
        created = await client.call_tool("createSource", NEW_SOURCE)
        updated = await client.call_tool("updateSource", {"sourceId": DEMO_SOURCE, "name": "Renamed"})
    new_id = _body(created)["data"]["data"]["source"]["id"]
    assert emulator.state.sources[new_id]["slug"] == "mcp-made-source"
    assert not updated.is_error and emulator.state.sources[DEMO_SOURCE]["name"] == "Renamed"
    assert _writes(emulator) == ["POST /sources", f"PATCH /sources/{DEMO_SOURCE}"]


async def test_a_delete_needs_the_exact_id_in_confirm(connect: Connect, emulator: Emulator) -> None:
    async with connect(allow_writes=True) as client:
        missing = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE})
        wrong = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE, "confirm": DEMO_SOURCE[:-1]})
        assert DEMO_SOURCE in emulator.state.sources and _writes(emulator) == []
        done = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE, "confirm": DEMO_SOURCE})
    assert "sourceId" in _field_errors(missing)["confirm"]
    assert "nothing was deleted" in _field_errors(wrong)["confirm"]
    assert not done.is_error
    assert DEMO_SOURCE not in emulator.state.sources
    assert _writes(emulator) == [f"DELETE /sources/{DEMO_SOURCE}"]


async def test_a_delete_of_a_list_of_ids_confirms_the_same_list(connect: Connect, emulator: Emulator) -> None:
    async with connect(allow_writes=True) as client:
        wrong = await client.call_tool("deleteUser", {"userIds": [DEMO_SECOND_USER], "confirm": ["someone-else"]})
        assert DEMO_SECOND_USER in emulator.state.users
        done = await client.call_tool("deleteUser", {"userIds": [DEMO_SECOND_USER], "confirm": [DEMO_SECOND_USER]})
    assert "confirm" in _field_errors(wrong)
    assert not done.is_error and DEMO_SECOND_USER not in emulator.state.users


async def test_a_confirmed_delete_without_allow_writes_is_only_previewed(connect: Connect, emulator: Emulator) -> None:
    async with connect() as client:
        missing = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE})
        result = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE, "confirm": DEMO_SOURCE})
    assert "confirm" in _field_errors(missing)
    assert _body(result)["wouldSend"] == {
        "method": "DELETE",
        "path": f"/sources/{DEMO_SOURCE}",
        "query": [],
        "body": None,
    }
    assert DEMO_SOURCE in emulator.state.sources and emulator.requests == []


async def test_a_raw_delete_confirms_its_path_and_a_raw_read_is_sent(connect: Connect, emulator: Emulator) -> None:
    path = f"/sources/{DEMO_SOURCE}"
    async with connect(allow_writes=True) as client:
        read = await client.call_tool("rawRequest", {"url": path, "method": "GET"})
        unconfirmed = await client.call_tool("rawRequest", {"url": path, "method": "DELETE"})
        assert DEMO_SOURCE in emulator.state.sources
        done = await client.call_tool("rawRequest", {"url": path, "method": "DELETE", "confirm": path})
    assert _body(read)["data"]["data"]["source"]["id"] == DEMO_SOURCE
    assert path in _field_errors(unconfirmed)["confirm"]
    assert not done.is_error and DEMO_SOURCE not in emulator.state.sources


async def test_bad_arguments_are_a_tool_error_naming_the_field(connect: Connect, emulator: Emulator) -> None:
    async with connect(allow_writes=True) as client:
        wrong_type = await client.call_tool("listSources", {"count": "many"})
        unknown = await client.call_tool("getSource", {"sourceId": DEMO_SOURCE, "colour": "red"})
        missing = await client.call_tool("createSource", {"slug": "x"})
        no_tool = await client.call_tool("noSuchTool", {})
        other_connection = await client.call_tool(
            "getSource", {"sourceId": DEMO_SOURCE, "connectionInput": {"apiKey": "k", "baseUrl": "http://elsewhere"}}
        )
    assert set(_field_errors(wrong_type)) == {"count"}
    assert set(_field_errors(unknown)) == {"colour"}
    assert set(_field_errors(missing)) == {"metadataId"}
    assert set(_field_errors(no_tool)) == {"name"}
    assert set(_field_errors(other_connection)) == {"connectionInput"}
    assert emulator.requests == []
    for result in (wrong_type, unknown, missing, no_tool, other_connection):
        assert "Traceback" not in result.model_dump_json()


async def test_an_api_error_is_a_tool_error_with_its_status_and_message(connect: Connect, emulator: Emulator) -> None:
    async with connect() as client:
        result = await client.call_tool("getSource", {"sourceId": "no-such-source"})
    assert result.is_error
    body = _body(result)
    assert (body["error"], body["status"]) == ("NotFound", 404)
    assert body["message"]


async def test_an_answer_unlike_the_example_payload_still_passes_the_output_schema(
    connect: Connect, emulator: Emulator
) -> None:
    async with connect() as client:  # the SDK's client validates structured results against outputSchema
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert tools["rawRequest"].output_schema is not None
        text = await client.call_tool("rawRequest", {"url": "/sources", "method": "GET", "responseType": "text"})
    assert not text.is_error
    assert isinstance(_body(text)["data"], str) and DEMO_SOURCE in _body(text)["data"]


async def test_the_servers_default_inputs_apply_where_a_call_leaves_them_out(
    connect: Connect, emulator: Emulator
) -> None:
    async with connect(default_inputs={"region": "mars"}) as client:
        defaulted = await client.call_tool("getSource", {"sourceId": DEMO_SOURCE})
        given = await client.call_tool("getSource", {"sourceId": DEMO_SOURCE, "region": "api"})
    assert list(_field_errors(defaulted)) == ["region"]
    assert not given.is_error
