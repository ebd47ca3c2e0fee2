"""Fixtures of the reliability suite: no real waiting, no stray base URL, an emulator per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from component.emulator import DEMO_SUBDOMAIN, Emulator, running_emulator
from tests.helpers import CANARY


@pytest.fixture(autouse=True)
def _no_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENT_API_BASE_URL", raising=False)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A fresh demo workspace, rate limits off, that accepts only the canary token."""
    async with running_emulator(rate_limits=False, api_keys=(CANARY,)) as emu:
        yield emu


@pytest.fixture
def conn(emulator: Emulator) -> dict[str, Any]:
    return {"apiKey": CANARY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}
