"""The tools an MCP client sees: every handler, its schema, and annotations that are true."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import mcp_types as types

from component import segment
from tests.helpers import PROJECT_DIR
from tests.mcp.conftest import Connect
from tests.unit.test_http_methods import _sent_methods

# (readOnly, destructive, idempotent, openWorld) by what the exact-request cases send.
EXPECTED = {
    "GET": (True, False, True, True),
    "POST": (False, False, False, True),
    "PATCH": (False, True, True, True),
    "DELETE": (False, True, True, True),
    "ANY": (False, True, False, True),
}


def _hints(tool: types.Tool) -> tuple[Any, ...]:
    a = tool.annotations
    assert a is not None, tool.name
    return (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint)


def _kind(methods: set[str]) -> str:
    return methods.pop() if len(methods) == 1 else "ANY"


async def test_every_handler_is_a_tool_with_its_schema_and_true_annotations(connect: Connect) -> None:
    async with connect() as client:
        check_every_handler_is_a_tool(list((await client.list_tools()).tools))


def check_every_handler_is_a_tool(listed: list[types.Tool]) -> None:
    """Every handler is a tool with its label, description, input schema (less the connection, plus
    `confirm` where a delete may be sent) and the annotations its exact-request cases make true."""
    manifest = segment.manifest()
    described = {**manifest["actions"], **manifest["dataSources"]}
    sent = _sent_methods()
    tools = {tool.name: tool for tool in listed}
    assert len(tools) == len(listed)
    assert set(tools) == set(described)
    for key, tool in tools.items():
        handler = described[key]
        assert tool.title == handler["label"]
        assert tool.description and handler["description"].rstrip(".") in tool.description
        expected = {k: v for k, v in handler["inputs"]["properties"].items() if k != handler["connectionInput"]}
        properties = dict(tool.input_schema["properties"])
        kind = _kind(set(sent[key]))
        if kind in ("DELETE", "ANY"):
            assert "confirm" in properties, key
            properties.pop("confirm")
        assert properties == expected, key
        assert tool.input_schema.get("required", []) == (
            [*handler["inputs"].get("required", []), "confirm"]
            if kind == "DELETE"
            else handler["inputs"].get("required", [])
        ), key
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)
        assert _hints(tool) == EXPECTED[kind], key
        # The example input is valid against the tool's schema (plus the confirmation a delete needs).
        example = dict(handler["exampleInput"])
        if kind == "DELETE":
            example["confirm"] = example[handler["inputs"]["required"][-1]]
        jsonschema.validate(example, tool.input_schema)


async def test_output_schemas_describe_the_example_payloads(connect: Connect) -> None:
    async with connect() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    payload = json.loads((PROJECT_DIR / "fixtures" / "actions" / "getSource.json").read_text())
    schema = tools["getSource"].output_schema
    assert schema is not None and schema["type"] == "object"
    assert "source" in schema["properties"]["data"]["properties"]["data"]["properties"]
    jsonschema.validate(payload, schema)
    assert tools["sources"].output_schema is not None
    assert tools["sources"].output_schema["properties"]["result"]["type"] == "array"


async def test_read_only_serves_only_the_tools_that_read(connect: Connect) -> None:
    sent = _sent_methods()
    async with connect(read_only=True) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        refused = await client.call_tool("deleteSource", {"sourceId": "x", "confirm": "x"})
    assert set(tools) == {key for key, methods in sent.items() if methods == {"GET"}}
    assert all(_hints(tool)[:2] == (True, False) for tool in tools.values())
    assert refused.is_error
    assert refused.structured_content is not None
    assert refused.structured_content["fields"][0]["field"] == "name"
    assert "read-only" in refused.structured_content["fields"][0]["reason"]


async def test_instructions_state_the_mode_and_the_connection(connect: Connect) -> None:
    async with connect() as client:
        assert client.instructions is not None
        assert "Preview mode" in client.instructions and "the emulator" in client.instructions
    async with connect(allow_writes=True) as client:
        assert client.instructions is not None and "Writes are enabled" in client.instructions
