"""The shelf component: its connection (a key and the shelf's name) and the context its handlers
get (the shelf's books, held in memory in place of a remote service)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from component.framework.debug import Trace
from component.framework.errors import InputError
from component.framework.inputs import Input, InputModel
from component.framework.registry import ComponentInfo, Connection
from component.framework.runtime import Component

#: The key the fake service accepts.
SHELF_KEY = "open-sesame"
#: The fake service's state: books by id, per shelf.
LIBRARY: dict[str, dict[str, dict[str, str]]] = {}


class ShelfConnection(InputModel):
    key: SecretStr = Input("Key", "The key that opens the shelf.", secret=True, min_length=1)
    shelf: str = Input("Shelf", "The name of the shelf.", example="fiction", min_length=1)


@dataclass(eq=False)
class ShelfContext:
    books: dict[str, dict[str, str]]
    trace: Trace


def make_context(connection: ShelfConnection, inputs: InputModel | None, trace: Trace) -> ShelfContext:
    if connection.key.get_secret_value() != SHELF_KEY:
        raise InputError.single("connection.key", "does not open this shelf")
    return ShelfContext(LIBRARY.setdefault(connection.shelf, {}), trace)


async def check_shelf(ctx: ShelfContext, connection: ShelfConnection) -> dict[str, int]:
    return {"books": len(ctx.books)}


async def _nothing_to_close() -> None:
    return None


shelf: Component[ShelfConnection, ShelfContext] = Component(
    ComponentInfo(key="shelf", label="Shelf", description="Keeps books on named shelves."),
    Connection(
        key="shelfKey", label="Shelf Key", description="A key and a shelf.", model=ShelfConnection, test=check_shelf
    ),
    make_context=make_context,
    close=_nothing_to_close,
)
