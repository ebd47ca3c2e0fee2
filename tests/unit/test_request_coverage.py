"""Every handler has at least one exact-request case."""

from __future__ import annotations

import importlib
import pkgutil

from component import segment
from tests import unit


def test_every_handler_has_an_exact_request_case() -> None:
    covered: set[str] = set()
    for module in pkgutil.iter_modules(unit.__path__):
        if module.name.startswith("test_requests_"):
            cases = importlib.import_module(f"tests.unit.{module.name}").CASES
            covered |= {case.key for case in cases}
    missing = (set(segment.actions) | set(segment.data_sources)) - covered
    assert not missing, f"handlers without an exact-request case: {sorted(missing)}"
