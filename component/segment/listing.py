"""List actions and picklists: one page, or every page, the same way for every resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from component.framework.registry import Choice
from component.segment.client import Query, SegmentClient, page_query
from component.segment.inputs import PageInputs


async def list_page(
    client: SegmentClient, route: str, collection: str, inputs: PageInputs, query: Query = (), **options: Any
) -> Any:
    """One page as the API returns it, or with `fetchAll` every item in one body.

    With `fetchAll` the body is `{"data": {<collection>: [all items], "pagination":
    {"totalEntries": N}}}`: the shape of a single page that has no `next`.
    """
    if not inputs.fetch_all:
        return await client.get(route, [*query, *page_query(inputs.count, inputs.cursor)], **options)
    items = await client.collect(route, collection, query=query, **options)
    return {"data": {collection: items, "pagination": {"totalEntries": len(items)}}}


async def choices(
    client: SegmentClient,
    route: str,
    collection: str,
    label: Callable[[dict[str, Any]], str],
    *,
    key: str = "id",
    query: Query = (),
    **options: Any,
) -> list[Choice]:
    """Every item of a list endpoint as a picklist choice (all pages).

    Each page is turned into choices as it arrives, so only the choices outlive their page: a
    picklist over 10,000 sources never holds 10,000 full source objects at once.
    """
    out: list[Choice] = []
    async for data in client.pages(route, query=query, collection=collection, **options):
        page = data.get(collection)
        if isinstance(page, list):
            out += [Choice(str(item[key]), label(item)) for item in page if isinstance(item, dict) and key in item]
    return out
