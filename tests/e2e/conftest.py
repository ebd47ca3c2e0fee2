"""End-to-end fixtures: the emulator on a free loopback port, a connection to it, and `run`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, Emulator, running_emulator


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A fresh demo workspace per test, rate limits off (tests that need them turn them on)."""
    async with running_emulator(rate_limits=False) as emu:
        yield emu


@pytest.fixture
def conn(emulator: Emulator) -> dict[str, Any]:
    return {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}


async def run(key: str, inputs: dict[str, Any], conn: dict[str, Any]) -> Any:
    """Invoke an action and return its `data` (the API's response body): an action's result is
    `{"data": ...}` and nothing else."""
    result = await segment.invoke(key, inputs, connection=conn)
    assert set(result) == {"data"}
    return result["data"]
