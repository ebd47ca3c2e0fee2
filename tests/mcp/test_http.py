"""`segment-component mcp --http PORT`: the streamable HTTP transport, on loopback only."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx2
from mcp import Client

from component.segment.ids import DEMO_SOURCE
from tests.cli.helpers import free_port
from tests.helpers import HANDLER_COUNT, PROJECT_DIR


async def _wait_until_listening(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(600):  # generous: the process imports the SDK and starts the emulator first
        assert process.returncode is None, "the server exited"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("the server never listened")


async def test_the_http_transport_serves_the_same_tools(tmp_path: Path) -> None:
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "component",
        "mcp",
        "--http",
        str(port),
        cwd=PROJECT_DIR,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _wait_until_listening(port, process)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            assert client.instructions is not None and "emulator" in client.instructions
            assert len((await client.list_tools()).tools) == HANDLER_COUNT
            result = await client.call_tool("getSource", {"sourceId": DEMO_SOURCE})
            assert result.structured_content is not None
            assert result.structured_content["data"]["data"]["source"]["id"] == DEMO_SOURCE
        # A page of another origin may not drive it (DNS rebinding protection).
        async with httpx2.AsyncClient() as http:
            answer = await http.post(
                f"http://127.0.0.1:{port}/mcp",
                headers={"Origin": "http://evil.example"},
                json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            )
        assert answer.status_code == 403
    finally:
        process.terminate()
        assert process.stderr is not None
        await process.stderr.read()
        await process.wait()
