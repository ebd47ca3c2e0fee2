"""Sources: /sources."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from component.framework.inputs import Input
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import DEMO_SOURCE, DEMO_SOURCE_METADATA, PathId, source_id, source_metadata_id
from component.segment.inputs import PageInputs, SegmentInputs, enabled_input, settings_input
from component.segment.listing import list_page
from component.segment.urls import path

SOURCE_REF = {"sourceId": DEMO_SOURCE}
SETTINGS_EXAMPLE = {"website": "https://www.example.com"}


class SourceRef(SegmentInputs):
    source_id: PathId = source_id()


class CreateSourceInputs(SegmentInputs):
    slug: str = Input(
        "Slug",
        "The slug that identifies the Source in the Segment app.",
        example="my-test-source-rhpd18",
        min_length=1,
    )
    enabled: bool = enabled_input("Source", verb="send data", default=True)
    metadata_id: str = source_metadata_id(
        "The id of the Source type in the Sources catalog (for example JavaScript).", label="Metadata ID"
    )
    settings: dict[str, Any] | None = settings_input("Source", example=SETTINGS_EXAMPLE)
    disconnect_all_warehouses: bool | None = Input(
        "Disconnect All Warehouses",
        "Segment connects a new Source to every Warehouse unless this is true. Leave empty for "
        "Segment's default (connect).",
        default=None,
        alias="disconnectAllWarehouses",
    )


class UpdateSourceInputs(SourceRef):
    name: str | None = Input("Name", "A new display name for the Source.", default=None, example="Website")
    slug: str | None = Input("Slug", "A new slug for the Source.", default=None, example="my-test-source-rhpd18")
    enabled: bool | None = enabled_input("Source", verb="send data")
    settings: dict[str, Any] | None = settings_input("Source", example=SETTINGS_EXAMPLE)


@action("getSource", label="Get Source", description="Returns a Source by its id.", example=SOURCE_REF)
def get_source(ctx: SegmentContext, inputs: SourceRef) -> Awaitable[Any]:
    return ctx.client.get(path("/sources/{sourceId}", sourceId=inputs.source_id))


@action("listSources", label="List Sources", description="Returns a list of Sources.", example={"count": 2})
def list_sources(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/sources", "sources", inputs)


@action(
    "createSource",
    label="Create Source",
    description="Creates a new Source.",
    example={"slug": "my-new-source", "metadataId": DEMO_SOURCE_METADATA, "settings": SETTINGS_EXAMPLE},
)
async def create_source(ctx: SegmentContext, inputs: CreateSourceInputs) -> Any:
    body = inputs.given("slug", "enabled", "metadata_id", "settings", "disconnect_all_warehouses")
    return await ctx.client.post("/sources", body)


@action(
    "updateSource",
    label="Update Source",
    description="Updates an existing Source. Only the inputs given are changed.",
    example={**SOURCE_REF, "name": "Marketing Website"},
)
async def update_source(ctx: SegmentContext, inputs: UpdateSourceInputs) -> Any:
    body = inputs.given("name", "slug", "enabled", "settings")
    return await ctx.client.patch(path("/sources/{sourceId}", sourceId=inputs.source_id), body)


@action("deleteSource", label="Delete Source", description="Deletes an existing Source.", example=SOURCE_REF)
def delete_source(ctx: SegmentContext, inputs: SourceRef) -> Awaitable[Any]:
    return ctx.client.delete(path("/sources/{sourceId}", sourceId=inputs.source_id))
