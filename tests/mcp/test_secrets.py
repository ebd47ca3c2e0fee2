"""A canary token travels through a whole MCP session and appears in no message of it."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from mcp import Client

from component import segment
from component.emulator import DEMO_SUBDOMAIN, running_emulator
from component.hosts.mcp import McpHost
from component.segment.ids import DEMO_SOURCE, DEMO_SOURCE_METADATA
from component.segment.methods import HTTP_METHODS
from tests.helpers import CANARY

# An API (or proxy) that echoes the token in every field of its error answer.
ECHO = {
    "errors": [{"type": f"echo-{CANARY}", "message": f"bad token {CANARY}", "field": CANARY, "data": {"token": CANARY}}]
}


async def test_the_token_appears_in_no_message_of_the_session(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    async def record(message: Any) -> None:
        seen.append(repr(message))

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(f"{progress} {total} {message}")

    async with running_emulator(rate_limits=False, api_keys=(CANARY,)) as emulator:
        connection = {"apiKey": CANARY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}
        host = McpHost(segment, connection, methods=HTTP_METHODS, allow_writes=True, note="the emulator")
        async with Client(host.server(), message_handler=record) as client:
            seen.append(client.instructions or "")
            seen.append((await client.list_tools()).model_dump_json())
            calls: list[tuple[str, dict[str, Any]]] = [
                ("getSource", {"sourceId": DEMO_SOURCE, "debug": True}),
                ("sources", {}),
                (
                    "createSource",
                    {"slug": "canary-source", "metadataId": DEMO_SOURCE_METADATA, "settings": {"apiKey": CANARY}},
                ),
                ("deleteSource", {"sourceId": DEMO_SOURCE}),
                ("listSources", {"count": "not a number"}),
                ("rawRequest", {"url": "/sources", "method": "POST", "data": {"token": CANARY}}),
            ]
            for name, arguments in calls:
                result = await client.call_tool(name, arguments, progress_callback=on_progress)
                seen.append(result.model_dump_json())
            emulator.faults.inject(status=422, body=json.dumps(ECHO), headers={"X-Request-Id": CANARY}, times=None)
            for name, arguments in calls[:3]:
                result = await client.call_tool(name, arguments, progress_callback=on_progress)
                assert result.is_error
                seen.append(result.model_dump_json())
        # The calls did reach the API with the token: the test would notice a broken connection.
        assert any(r.headers.get("Authorization") == f"Bearer {CANARY}" for r in emulator.requests)
    seen.extend(record.getMessage() for record in caplog.records)
    assert len(seen) > 10
    assert not [text for text in seen if CANARY in text]


async def test_a_preview_masks_the_invocations_secrets_and_secret_looking_keys() -> None:
    async with running_emulator(rate_limits=False, api_keys=(CANARY,)) as emulator:
        connection = {"apiKey": CANARY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}
        host = McpHost(segment, connection, methods=HTTP_METHODS)
        async with Client(host.server()) as client:
            raw = await client.call_tool(
                "rawRequest", {"url": "/sources", "method": "POST", "data": {"note": f"key is {CANARY}"}}
            )
    assert not raw.is_error and raw.structured_content is not None
    assert raw.structured_content["wouldSend"]["body"] == {"note": "key is [redacted]"}
    assert emulator.requests == []
