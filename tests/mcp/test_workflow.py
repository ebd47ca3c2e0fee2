"""An agent manages the demo workspace end to end: ids from picklists, then create, update, delete."""

from __future__ import annotations

from typing import Any, cast

import mcp_types as types

from component.emulator import Emulator
from tests.mcp.conftest import Connect


def _body(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.structured_content
    assert result.structured_content is not None
    return cast(dict[str, Any], result.structured_content)


async def _pick(client: Any, picklist: str, search: str = "") -> list[dict[str, str]]:
    items: list[dict[str, str]] = _body(await client.call_tool(picklist, {"search": search}))["result"]
    return items


async def test_a_source_and_its_destination_from_creation_to_deletion(connect: Connect, emulator: Emulator) -> None:
    async with connect(allow_writes=True) as client:
        source_type = (await _pick(client, "selectSourceMetadata", "javascript"))[0]["key"]
        created = _body(await client.call_tool("createSource", {"slug": "agent-site", "metadataId": source_type}))
        source_id = created["data"]["data"]["source"]["id"]
        assert emulator.state.sources[source_id]["slug"] == "agent-site"
        assert source_id in {item["key"] for item in await _pick(client, "sources", "agent-site")}

        _body(await client.call_tool("updateSource", {"sourceId": source_id, "name": "Agent Site", "enabled": False}))
        assert (emulator.state.sources[source_id]["name"], emulator.state.sources[source_id]["enabled"]) == (
            "Agent Site",
            False,
        )

        destination_type = (await _pick(client, "selectDestinationMetadata"))[0]["key"]
        made = _body(
            await client.call_tool(
                "createDestination", {"sourceId": source_id, "metadataId": destination_type, "name": "Agent Hook"}
            )
        )
        destination_id = made["data"]["data"]["destination"]["id"]
        assert emulator.state.destinations[destination_id]["sourceId"] == source_id
        assert destination_id in {item["key"] for item in await _pick(client, "destination", "Agent Hook")}

        _body(await client.call_tool("deleteDestination", {"destinationId": destination_id, "confirm": destination_id}))
        assert destination_id not in emulator.state.destinations
        _body(await client.call_tool("deleteSource", {"sourceId": source_id, "confirm": source_id}))
        assert source_id not in emulator.state.sources
