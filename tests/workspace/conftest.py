"""Fixtures for workspace-as-code tests: the demo workspace and an empty one, each on its own
emulator, and a way to run the component's actions against either."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from component import segment
from component.emulator import Emulator, running_emulator
from component.workspace.export import Invoke
from tests.helpers import emulator_connection

WRITE_PREFIXES = ("create", "update", "delete", "add", "remove")


def invoker(emulator: Emulator, calls: list[str] | None = None) -> Invoke:
    """segment.invoke against the emulator; `calls` records each action's key."""
    conn = emulator_connection(emulator)

    async def invoke(key: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if calls is not None:
            calls.append(key)
        return await segment.invoke(key, inputs, connection=conn)

    return invoke


def is_write(key: str) -> bool:
    return key.startswith(WRITE_PREFIXES)


@pytest.fixture
async def demo() -> AsyncIterator[Emulator]:
    async with running_emulator(rate_limits=False) as emu:
        yield emu


@pytest.fixture
async def empty() -> AsyncIterator[Emulator]:
    async with running_emulator(rate_limits=False, empty=True) as emu:
        yield emu


def counts(emulator: Emulator) -> dict[str, int]:
    state = emulator.state
    return {
        "sources": len(state.sources),
        "destinations": len(state.destinations),
        "subscriptions": len(state.subscriptions),
        "warehouses": len(state.warehouses),
        "functions": len(state.functions),
        "transformations": len(state.transformations),
        "connections": sum(len(c) for c in state.connections.values()),
    }
