"""Everything that knows Segment. This module is also the component's public face:

    from component import segment
    await segment.invoke("getSource", {"sourceId": "..."}, connection={...})
    segment.actions, segment.data_sources, segment.manifest(), await segment.aclose()

Handler modules load on demand (`component.framework.loading`): `invoke(key)` imports only the
module that declares `key` (found in the generated handler index), while `actions`,
`data_sources`, `component` and `manifest()` load them all. A process that runs one handler never
pays for the other fifty-odd input models.
"""

from __future__ import annotations

import sys
from collections.abc import Coroutine, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from component.framework.loading import LazyHandlers
from component.paths import INDEX_PATH

if TYPE_CHECKING:
    from component.framework.registry import Handler
    from component.framework.runtime import Component
    from component.segment.connection import SegmentConnection, SegmentContext

    # Provided by _SegmentModule below, loading every handler on first use.
    actions: dict[str, Handler[SegmentContext]]
    data_sources: dict[str, Handler[SegmentContext]]
    component: Component[SegmentConnection, SegmentContext]


def _definition() -> Component[SegmentConnection, SegmentContext]:
    from component.segment.definition import segment as the_component

    return the_component


def _handler_modules() -> list[str]:
    from component.segment.actions import module_names

    return [*module_names(), "component.segment.data_sources"]


handlers: LazyHandlers[SegmentConnection, SegmentContext] = LazyHandlers(_definition, INDEX_PATH, _handler_modules)


def load_handlers(key: str | None = None) -> None:
    """Declare the handler `key` (import its module), or every handler when `key` is None."""
    handlers.load(key)


#: Run one action or picklist: `invoke(key, inputs, *, connection, debug=False, **options)`; see
#: `component.framework.runtime.Component.invoke`. The lazy handlers' own method, so no frame of
#: this module's (holding the raw connection and its token) sits in an error's traceback or the
#: call path: it hands back the runtime's coroutine.
invoke = handlers.invoke


def test_connection(
    connection: Mapping[str, Any] | None, *, debug: bool = False, **options: Any
) -> Coroutine[Any, Any, Any]:
    """GET / with the connection; the workspace's slug must be the connection's subdomain.

    Like `invoke`, not a coroutine function: it hands back the runtime's coroutine.
    """
    return handlers.test_connection(connection, debug=debug, **options)


async def aclose() -> None:
    """Close the pooled HTTP session of the running event loop."""
    await handlers.aclose()


def manifest() -> dict[str, Any]:
    """The manifest of every handler: what `manifest.json` holds."""
    return handlers.manifest()


class _SegmentModule(ModuleType):
    """This module's type: `actions`, `data_sources` and `component` load every handler first.

    They are properties because the import system sets `actions` (the subpackage) and
    `data_sources` (the module) on this module when it imports them; the setters keep the public
    names meaning the declarations whatever was imported, and in which order.
    """

    @property
    def actions(self) -> dict[str, Handler[SegmentContext]]:
        return handlers.loaded().actions

    @actions.setter
    def actions(self, _submodule: object) -> None:
        pass

    @property
    def data_sources(self) -> dict[str, Handler[SegmentContext]]:
        return handlers.loaded().data_sources

    @data_sources.setter
    def data_sources(self, _submodule: object) -> None:
        pass

    @property
    def component(self) -> Component[SegmentConnection, SegmentContext]:
        return handlers.loaded()


sys.modules[__name__].__class__ = _SegmentModule

__all__ = ["aclose", "actions", "component", "data_sources", "invoke", "load_handlers", "manifest", "test_connection"]
