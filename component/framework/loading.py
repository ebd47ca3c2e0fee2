"""Lazy loading of a component's handlers, driven by a generated handler index.

A component declares each handler in some module; importing them all costs every input model.
The handler index (a JSON list of key, kind, label and declaring module, written by
`component.framework.manifest.write`) lets a process that runs one handler import only the module
that declares it, and lets a handler listing answer without importing pydantic at all.

`LazyHandlers` is also what a component's public face offers a host (`HostedComponent`):
`invoke`, `test_connection`, `aclose` and `manifest`, so a component module can expose it as is.

This module imports nothing heavy at load time: `list` reads the index through it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Coroutine, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from component.framework.hosting import HostedComponent
    from component.framework.inputs import InputModel
    from component.framework.runtime import Component

ConnT = TypeVar("ConnT", bound="InputModel")
CtxT = TypeVar("CtxT")

#: One entry of the handler index: key, kind ("action" or "dataSource"), label and module.
IndexEntry = dict[str, str]
_INDEX_FIELDS = ("key", "kind", "label", "module")


def read_index(path: Path) -> list[IndexEntry] | None:
    """The handler index at `path`, or None when it is missing or unreadable."""
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(loaded, list):
        return None
    entries = [e for e in loaded if isinstance(e, dict) and all(isinstance(e.get(f), str) for f in _INDEX_FIELDS)]
    return entries if len(entries) == len(loaded) else None


class LazyHandlers(Generic[ConnT, CtxT]):
    """A component whose handler modules are imported on demand.

    `component` builds the (empty) component; `modules` names every module that declares handlers
    on it, for when all are needed or the index does not know a key (a handler added since the
    index was last written).
    """

    def __init__(
        self, component: Callable[[], Component[ConnT, CtxT]], index_path: Path, modules: Callable[[], Iterable[str]]
    ) -> None:
        self._build = component
        self.index_path = index_path
        self._modules = modules
        self._all_loaded = False
        self._ready: set[str] = set()  # keys known to be declared: `invoke`'s look-up

    @cached_property
    def component(self) -> Component[ConnT, CtxT]:
        """The component, with whatever handlers are loaded so far."""
        return self._build()

    @cached_property
    def _module_of(self) -> dict[str, str]:
        return {entry["key"]: entry["module"] for entry in read_index(self.index_path) or ()}

    def _declared(self, key: str) -> bool:
        return key in self.component.actions or key in self.component.data_sources

    def load(self, key: str | None = None) -> Component[ConnT, CtxT]:
        """Declare the handler `key` (import its module), or every handler when `key` is None."""
        component = self.component
        if self._all_loaded:
            return component
        if key is not None:
            if self._declared(key):
                return component
            module = self._module_of.get(key)
            if module:
                importlib.import_module(module)
                if self._declared(key):
                    return component
        # No key, or one the index does not know: load all (an unknown key then fails as unknown).
        for module in self._modules():
            importlib.import_module(module)
        self._all_loaded = True
        return component

    def loaded(self) -> Component[ConnT, CtxT]:
        """The component with every handler declared."""
        return self.load()

    # --- what a host calls (HostedComponent) ---------------------------------------------------

    def invoke(
        self,
        key: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        connection: Mapping[str, Any] | None = None,
        debug: bool = False,
        **options: Any,
    ) -> Coroutine[Any, Any, dict[str, Any]]:
        """Run one action or picklist, importing only the module that declares `key`; see
        `component.framework.runtime.Component.invoke`.

        Not a coroutine function itself: it hands back the runtime's coroutine, so no frame of its
        own (holding the raw connection and its secrets) sits in an error's traceback or the call
        path while the handler runs.
        """
        if key in self._ready:
            component = self.component
        else:
            component = self.load(key)
            if self._declared(key):
                self._ready.add(key)
        if options:
            return component.invoke(key, inputs, connection=connection, debug=debug, **options)
        return component.invoke(key, inputs, connection=connection, debug=debug)  # no keyword dict to build

    def test_connection(
        self, connection: Mapping[str, Any] | None, *, debug: bool = False, **options: Any
    ) -> Coroutine[Any, Any, object]:
        """Run the connection's test; like `invoke`, hands back the runtime's coroutine."""
        return self.component.test_connection(connection, debug=debug, **options)

    async def aclose(self) -> None:
        """Release what the component pooled for the running event loop."""
        await self.component.aclose()

    def manifest(self) -> dict[str, Any]:
        """The manifest of every handler (all are loaded first)."""
        return self.loaded().manifest()


if TYPE_CHECKING:

    def _lazy_handlers_are_hostable(handlers: LazyHandlers[InputModel, object]) -> HostedComponent:
        return handlers  # mypy proves that LazyHandlers offers the calls a host makes
