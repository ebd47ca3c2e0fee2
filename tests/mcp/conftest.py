"""MCP fixtures: the emulator, and an in-memory MCP client on a host over it in a given mode."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from mcp import Client

from component import segment
from component.emulator import Emulator
from component.hosts.mcp import McpHost
from component.paths import DATA_DIR
from component.segment.methods import HTTP_METHODS
from tests.helpers import emulator_connection

Connect = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def connect(emulator: Emulator) -> Connect:
    """`async with connect(allow_writes=True) as client:` a client of a host on the emulator."""

    @asynccontextmanager
    async def open_client(**mode: Any) -> AsyncIterator[Client]:
        host = McpHost(
            segment,
            emulator_connection(emulator),
            methods=HTTP_METHODS,
            note="the emulator",
            examples_dir=DATA_DIR,
            **mode,
        )
        async with Client(host.server()) as client:
            yield client

    return open_client
