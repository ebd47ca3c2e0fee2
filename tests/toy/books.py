"""The shelf's two actions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from component.framework.errors import InputError
from component.framework.inputs import Input, InputModel
from tests.toy.definition import ShelfContext, shelf


class NewBook(InputModel):
    title: str = Input("Title", "The book's title.", example="Dune", min_length=1)
    pages: int = Input("Pages", "How many pages it has.", default=100, ge=1)


class BookRef(InputModel):
    book_id: str = Input("Book ID", "The id of the book.", example="b1", data_source="books", min_length=1)


@shelf.action(
    "addBook", label="Add Book", description="Puts a book on the shelf.", example={"title": "Dune", "pages": 412}
)
async def add_book(ctx: ShelfContext, inputs: NewBook) -> dict[str, str]:
    book = {"id": f"b{len(ctx.books) + 1}", "title": inputs.title, "pages": str(inputs.pages)}
    ctx.books[book["id"]] = book
    return book


@shelf.action("getBook", label="Get Book", description="Returns a book by its id.", example={"bookId": "b1"})
def get_book(ctx: ShelfContext, inputs: BookRef) -> Awaitable[dict[str, str]]:
    """A handler of one step, in the plain form: it hands back an awaitable instead of being a
    coroutine function, and its refusal is raised when it is called, before anything is awaited."""
    book = ctx.books.get(inputs.book_id)
    if book is None:
        raise InputError.single("bookId", "is not on this shelf")
    return asyncio.sleep(0, book)
