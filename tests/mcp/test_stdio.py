"""The real `segment-component mcp` process, driven over stdio by the SDK's own client.

With no SEGMENT_API_KEY the process runs its built-in emulator, so the workspace's state is
checked through the server's own read tools; the canary test points the process at an emulator
in this test instead, to see every request and make every answer echo the token.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, cast

import mcp_types as types
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from component.emulator import DEMO_SUBDOMAIN, running_emulator
from component.segment.ids import DEMO_SOURCE, DEMO_SOURCE_METADATA
from tests.helpers import CANARY, PROJECT_DIR
from tests.mcp.test_tools import check_every_handler_is_a_tool

Open = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def serve(tmp_path: Path) -> Open:
    """`async with serve("--allow-writes") as client:` the CLI's MCP server as a subprocess."""

    @asynccontextmanager
    async def open_client(*flags: str, env: dict[str, str] | None = None) -> AsyncIterator[Client]:
        # The SDK passes the child only a safe subset of this environment (no SEGMENT_* variable).
        child_env = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"), **(env or {})}
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "component", "mcp", *flags], env=child_env, cwd=str(PROJECT_DIR)
        )
        with (tmp_path / "stderr.txt").open("a") as errlog:
            async with Client(stdio_client(params, errlog=errlog), read_timeout_seconds=60) as client:
                yield client

    return open_client


def _body(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structured_content is not None
    return cast(dict[str, Any], result.structured_content)


async def _source_ids(client: Client) -> set[str]:
    result = await client.call_tool("sources", {})
    assert not result.is_error
    return {item["key"] for item in _body(result)["result"]}


async def test_preview_mode_reads_and_previews_writes_against_the_built_in_emulator(serve: Open) -> None:
    async with serve() as client:
        assert client.instructions is not None and "emulator" in client.instructions
        assert "Preview mode" in client.instructions
        check_every_handler_is_a_tool(list((await client.list_tools()).tools))

        before = await _source_ids(client)
        assert DEMO_SOURCE in before
        read = await client.call_tool("getSource", {"sourceId": DEMO_SOURCE})
        assert _body(read)["data"]["data"]["source"]["id"] == DEMO_SOURCE

        created = await client.call_tool("createSource", {"slug": "stdio-source", "metadataId": DEMO_SOURCE_METADATA})
        assert _body(created)["dryRun"] is True and _body(created)["wouldSend"]["method"] == "POST"
        unconfirmed = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE})
        assert unconfirmed.is_error and _body(unconfirmed)["fields"][0]["field"] == "confirm"
        confirmed = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE, "confirm": DEMO_SOURCE})
        assert _body(confirmed)["wouldSend"]["path"] == f"/sources/{DEMO_SOURCE}"
        assert await _source_ids(client) == before

        bad = await client.call_tool("listSources", {"count": 0})
        assert bad.is_error and [f["field"] for f in _body(bad)["fields"]] == ["count"]


async def test_allow_writes_creates_and_deletes_with_confirm(serve: Open) -> None:
    async with serve("--allow-writes") as client:
        created = await client.call_tool("createSource", {"slug": "stdio-source", "metadataId": DEMO_SOURCE_METADATA})
        new_id = _body(created)["data"]["data"]["source"]["id"]
        assert new_id in await _source_ids(client)

        unconfirmed = await client.call_tool("deleteSource", {"sourceId": new_id})
        assert unconfirmed.is_error and new_id in await _source_ids(client)
        deleted = await client.call_tool("deleteSource", {"sourceId": new_id, "confirm": new_id})
        assert not deleted.is_error
        assert new_id not in await _source_ids(client)
        gone = await client.call_tool("getSource", {"sourceId": new_id})
        assert gone.is_error and _body(gone)["status"] == 404


async def test_read_only_offers_only_reads(serve: Open) -> None:
    async with serve("--read-only") as client:
        tools = (await client.list_tools()).tools
        assert tools and all(tool.annotations and tool.annotations.read_only_hint for tool in tools)
        assert "deleteSource" not in {tool.name for tool in tools}
        refused = await client.call_tool("deleteSource", {"sourceId": DEMO_SOURCE, "confirm": DEMO_SOURCE})
        assert refused.is_error
        assert DEMO_SOURCE in await _source_ids(client)


async def test_a_canary_token_appears_in_no_message_nor_on_stderr(serve: Open, tmp_path: Path) -> None:
    echo = {"errors": [{"type": f"echo-{CANARY}", "message": f"bad token {CANARY}", "field": CANARY}]}
    seen: list[str] = []
    async with running_emulator(rate_limits=False, api_keys=(CANARY,)) as emulator:
        env = {"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": DEMO_SUBDOMAIN, "SEGMENT_API_BASE_URL": emulator.url}
        async with serve("--allow-writes", env=env) as client:
            seen.append(client.instructions or "")
            seen.append((await client.list_tools()).model_dump_json())
            calls: list[tuple[str, dict[str, Any]]] = [
                ("getSource", {"sourceId": DEMO_SOURCE, "debug": True}),
                ("sources", {}),
                ("createSource", {"slug": "canary", "metadataId": DEMO_SOURCE_METADATA, "settings": {"k": CANARY}}),
            ]
            for name, arguments in calls:
                seen.append((await client.call_tool(name, arguments)).model_dump_json())
            emulator.faults.inject(status=401, body=json.dumps(echo), headers={"X-Request-Id": CANARY}, times=None)
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                assert result.is_error
                seen.append(result.model_dump_json())
        assert any(r.headers.get("Authorization") == f"Bearer {CANARY}" for r in emulator.requests)
    seen.append((tmp_path / "stderr.txt").read_text())
    assert not [text for text in seen if CANARY in text]


async def test_a_long_picklist_reports_its_pages_as_progress_notifications_over_stdio(serve: Open) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with running_emulator(seed=2500, rate_limits=False, api_keys=(CANARY,)) as emulator:
        env = {"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": DEMO_SUBDOMAIN, "SEGMENT_API_BASE_URL": emulator.url}
        async with serve("--read-only", env=env) as client:
            result = await client.call_tool("sources", {}, progress_callback=on_progress)
        total = len(emulator.state.sources)
    assert not result.is_error and len(_body(result)["result"]) == total
    messages = [message for _, _, message in seen]
    assert messages == [
        "sources: started",
        "GET /sources: 1 page, 1000 items so far",
        "GET /sources: 2 pages, 2000 items so far",
        f"GET /sources: 3 pages, {total} items so far",
        "sources: done",
    ]
    assert [progress for progress, _, _ in seen] == [1, 2, 3, 4, 5] and seen[-1][1] == 5
