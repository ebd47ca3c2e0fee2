"""Everything that knows Segment. This module is also the component's public face:

    from component import segment
    await segment.invoke("getSource", {"sourceId": "..."}, connection={...})
    segment.actions, segment.data_sources, segment.manifest(), await segment.aclose()

Handler modules load on demand: `invoke(key)` imports only the module that declares `key` (found
in the generated handler index), while `actions`, `data_sources`, `component` and `manifest()`
load them all. A process that runs one handler never pays for the other fifty-odd input models.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Coroutine, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from component.framework.registry import Handler
    from component.framework.runtime import Component

    # Provided by _SegmentModule below, loading every handler on first use.
    actions: dict[str, Handler]
    data_sources: dict[str, Handler]
    component: Component

INDEX_PATH = Path(__file__).resolve().parent.parent / "handlers.json"
_all_loaded = False


@cache
def _component() -> Component:
    from component.segment.definition import segment as the_component

    return the_component


@cache
def _module_of() -> dict[str, str]:
    try:
        return {entry["key"]: entry["module"] for entry in json.loads(INDEX_PATH.read_text())}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def load_handlers(key: str | None = None) -> None:
    """Declare the handler `key` (import its module), or every handler when `key` is None."""
    global _all_loaded
    if _all_loaded:
        return
    registry = _component()
    if key is not None:
        if key in registry.actions or key in registry.data_sources:
            return
        module = _module_of().get(key)
        if module:
            importlib.import_module(module)
            if key in registry.actions or key in registry.data_sources:
                return
    # No key, or one the index does not know (a new handler before `manifest --write`): load all.
    from component.segment.actions import module_names

    for module in [*module_names(), "component.segment.data_sources"]:
        importlib.import_module(module)
    _all_loaded = True


def invoke(
    key: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    connection: Mapping[str, Any] | None = None,
    debug: bool = False,
    **options: Any,
) -> Coroutine[Any, Any, dict[str, Any]]:
    """Run one action or picklist; see `component.framework.runtime.Component.invoke`.

    Not a coroutine function itself: it hands back the runtime's coroutine, so no frame of its
    own (holding the raw connection and its token) sits in an error's traceback or the call path.
    """
    load_handlers(key)
    return _component().invoke(key, inputs, connection=connection, debug=debug, **options)


def test_connection(
    connection: Mapping[str, Any] | None, *, debug: bool = False, **options: Any
) -> Coroutine[Any, Any, Any]:
    """GET / with the connection; the workspace's slug must be the connection's subdomain."""
    return _component().test_connection(connection, debug=debug, **options)


async def aclose() -> None:
    """Close the pooled HTTP session of the running event loop."""
    await _component().aclose()


def manifest() -> dict[str, Any]:
    load_handlers()
    return _component().manifest()


class _SegmentModule(ModuleType):
    """This module's type: `actions`, `data_sources` and `component` load every handler first.

    They are properties because the import system sets `actions` (the subpackage) and
    `data_sources` (the module) on this module when it imports them; the setters keep the public
    names meaning the declarations whatever was imported, and in which order.
    """

    @property
    def actions(self) -> dict[str, Handler]:
        load_handlers()
        return _component().actions

    @actions.setter
    def actions(self, _submodule: object) -> None:
        pass

    @property
    def data_sources(self) -> dict[str, Handler]:
        load_handlers()
        return _component().data_sources

    @data_sources.setter
    def data_sources(self, _submodule: object) -> None:
        pass

    @property
    def component(self) -> Component:
        load_handlers()
        return _component()


sys.modules[__name__].__class__ = _SegmentModule

__all__ = ["aclose", "actions", "component", "data_sources", "invoke", "load_handlers", "manifest",
           "test_connection"]
