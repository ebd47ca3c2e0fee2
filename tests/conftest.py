"""Shared fixtures: every test leaves no open session behind."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from component import segment
from tests import aioresponses_compat

aioresponses_compat.install()


@pytest.fixture(autouse=True)
async def _close_sessions() -> AsyncIterator[None]:
    yield
    await segment.aclose()
