"""Unit fixtures: `mock`, aioresponses in place of the network (a test adds the answers it needs,
and a request with no answer fails)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aioresponses import aioresponses


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m
