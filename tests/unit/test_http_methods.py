"""The HTTP method table hosts annotate actions with is what each action's exact-request cases send."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from component import segment
from component.segment.methods import HTTP_METHODS
from tests import unit


def _sent_methods() -> dict[str, set[str]]:
    sent: dict[str, set[str]] = defaultdict(set)
    for module in pkgutil.iter_modules(unit.__path__):
        if module.name.startswith("test_requests_"):
            for case in importlib.import_module(f"tests.unit.{module.name}").CASES:
                sent[case.key].add(case.method)
    return sent


def test_every_action_has_the_method_its_exact_requests_send() -> None:
    sent = _sent_methods()
    assert set(HTTP_METHODS) == set(segment.actions)
    for key, method in HTTP_METHODS.items():
        if method is None:  # the method is an input: the cases send more than one
            assert len(sent[key]) > 1, key
        else:
            assert sent[key] == {method}, key


def test_picklists_only_read() -> None:
    sent = _sent_methods()
    for key in segment.data_sources:
        assert sent[key] == {"GET"}, key
