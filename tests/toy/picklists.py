"""The shelf's picklist."""

from __future__ import annotations

from component.framework.inputs import PicklistInputModel
from component.framework.registry import Choice
from tests.toy.definition import ShelfContext, shelf


@shelf.data_source("books", label="Books", description="The books on the shelf.")
async def books(ctx: ShelfContext, inputs: PicklistInputModel) -> list[Choice]:
    return [Choice(book["id"], book["title"]) for book in ctx.books.values()]
