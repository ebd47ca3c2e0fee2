"""Shared fixtures: every test leaves no open session behind."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from component import segment
from component.segment import client as client_module
from tests import aioresponses_compat

aioresponses_compat.install()


@pytest.fixture(autouse=True)
async def _close_sessions() -> AsyncIterator[None]:
    yield
    await segment.aclose()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record each retry wait instead of sleeping it (the client's `pause` hook)."""
    recorded: list[float] = []

    async def fake_pause(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(client_module, "pause", fake_pause)
    return recorded
