"""A second, tiny component that exists only to prove the framework is generic: a shelf of books
kept in memory (a fake service, no HTTP), two actions and one picklist, its own connection model.

It is built exactly as the Segment component is: a `Component` declared in `definition`, handlers
declared in their own modules, loaded on demand through a generated handler index, and this
module as its public face (the calls a host makes). Nothing here imports Segment.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from component.framework.loading import LazyHandlers

if TYPE_CHECKING:
    from component.framework.runtime import Component
    from tests.toy.definition import ShelfConnection, ShelfContext

INDEX_PATH = Path(__file__).resolve().parent / "handlers.json"
HANDLER_MODULES = ("tests.toy.books", "tests.toy.picklists")


def _definition() -> Component[ShelfConnection, ShelfContext]:
    from tests.toy.definition import shelf

    return shelf


handlers: LazyHandlers[ShelfConnection, ShelfContext] = LazyHandlers(_definition, INDEX_PATH, lambda: HANDLER_MODULES)

# The calls a host makes, as the lazy handlers offer them.
invoke = handlers.invoke
test_connection = handlers.test_connection
aclose = handlers.aclose
manifest = handlers.manifest
