"""Routing by declaration: each resource module declares its operations next to their handlers.

    @route("GET", "/sources/{sourceId}", "getSource")
    def get_source(ws: Workspace, c: Call) -> Answer:
        ...

Every module of :mod:`component.emulator.resources` is imported by :func:`declared_routes`, so a
new resource is one new module there and nothing else. Paths are matched by a trie over segments,
each percent-decoded on its own (an encoded ``/`` stays inside its id); a literal segment wins over
a parameter.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

from .call import Call
from .errors import ApiError
from .state import Workspace

Answer = tuple[int, dict[str, Any]]
Handler = Callable[[Workspace, Call], Answer]
H = TypeVar("H", bound=Handler)

SUCCESS: dict[str, Any] = {"data": {"status": "SUCCESS"}}


@dataclass(slots=True)
class Route:
    operation_id: str
    handler: Handler
    alpha: bool = False  # served only as v1alpha (Destination Subscriptions)
    has_body: bool = False


@dataclass(frozen=True, slots=True)
class Declared:
    method: str
    template: str
    route: Route


_DECLARED: list[Declared] = []


def route(
    method: str, template: str, operation_id: str, *, alpha: bool = False, body: bool = False
) -> Callable[[H], H]:
    """Declare ``handler`` as the operation ``operation_id`` at ``method template``."""

    def register(handler: H) -> H:
        _DECLARED.append(Declared(method, template, Route(operation_id, handler, alpha, body)))
        return handler

    return register


def declared_routes() -> list[Declared]:
    """Every operation of every module in :mod:`component.emulator.resources`."""
    from . import resources

    for module in sorted(m.name for m in pkgutil.iter_modules(resources.__path__)):
        importlib.import_module(f"{resources.__name__}.{module}")
    return list(_DECLARED)


@dataclass(slots=True)
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    routes: dict[str, Route] = field(default_factory=dict)


class Router:
    """A trie over path segments; a literal segment wins over a parameter."""

    def __init__(self, declared: list[Declared] | None = None) -> None:
        self.root = _Node()
        self.templates: list[tuple[str, str, str]] = []
        for d in declared_routes() if declared is None else declared:
            self.add(d.method, d.template, d.route)

    def add(self, method: str, template: str, route: Route) -> None:
        node = self.root
        for seg in [s for s in template.split("/") if s]:
            if seg.startswith("{"):
                if node.param is None:
                    node.param = (seg[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.literal.setdefault(seg, _Node())
        node.routes[method] = route
        self.templates.append((method, template, route.operation_id))

    def resolve(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]]:
        node: _Node | None = self.root
        params: dict[str, str] = {}
        for seg in raw_path.split("/"):
            if not seg:
                continue
            if "%" in seg:
                seg = unquote(seg)
            assert node is not None
            nxt = node.literal.get(seg)
            if nxt is None and node.param is not None:
                params[node.param[0]] = seg
                nxt = node.param[1]
            node = nxt
            if node is None:
                break
        route = node.routes.get(method) if node is not None else None
        if route is None:
            raise ApiError(404, f"No operation for {method} {unquote(raw_path)}")
        return route, params
