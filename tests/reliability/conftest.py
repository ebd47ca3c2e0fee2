"""Fixtures of the reliability suite: no stray base URL, and an emulator per test that accepts only
the canary token (the shared `conn` then carries it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from component.emulator import Emulator, running_emulator
from tests.helpers import CANARY


@pytest.fixture(autouse=True)
def _no_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENT_API_BASE_URL", raising=False)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A fresh demo workspace, rate limits off, that accepts only the canary token."""
    async with running_emulator(rate_limits=False, api_keys=(CANARY,)) as emu:
        yield emu


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Figures a test measured (`record_property("figures", text)`), after the run, not among the dots."""
    lines = [
        f"{report.nodeid}: {value}"
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "figures"
    ]
    if lines:
        terminalreporter.write_sep("-", "measured figures")
        for line in lines:
            terminalreporter.write_line(line)
