"""Shared fixtures: every test leaves no open session behind; an emulator and a connection to it
for the suites that run against one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from component import segment
from component.emulator import Emulator, running_emulator
from component.segment import client as client_module
from tests import aioresponses_compat
from tests.helpers import emulator_connection

aioresponses_compat.install()


@pytest.fixture(autouse=True)
async def _close_sessions() -> AsyncIterator[None]:
    yield
    await segment.aclose()


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A fresh demo workspace per test on a free loopback port, rate limits off (tests that need
    them turn them on). Suites whose emulator accepts only the canary token override it."""
    async with running_emulator(rate_limits=False) as emu:
        yield emu


@pytest.fixture
def conn(emulator: Emulator) -> dict[str, Any]:
    return emulator_connection(emulator)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record each retry wait instead of sleeping it (the client's `pause` hook)."""
    recorded: list[float] = []

    async def fake_pause(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(client_module, "pause", fake_pause)
    return recorded


@pytest.fixture(autouse=True)
def _emulator_state_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in emulator keeps its workspace in a per-user file: in a test's own directory,
    never in the real home (CLI subprocesses inherit the variable)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("SEGMENT_EMULATOR_STATE", raising=False)
