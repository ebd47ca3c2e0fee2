"""The catalog: the Destination, Source and Warehouse types a workspace can use (/catalog).

The replaced component labelled the three list actions "Get ... Catalog"; they are
"List ... Catalog" here, as their keys say. They page like every other list (count, cursor, fetchAll).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import (
    DEMO_DESTINATION_METADATA,
    DEMO_SOURCE_METADATA,
    DEMO_WAREHOUSE_METADATA,
    PathId,
    destination_metadata_id,
    source_metadata_id,
    warehouse_metadata_id,
)
from component.segment.inputs import PageInputs, SegmentInputs
from component.segment.listing import list_page
from component.segment.urls import path

PAGE_EXAMPLE = {"count": 2}


class DestinationMetadataRef(SegmentInputs):
    destination_metadata_id: PathId = destination_metadata_id()


class SourceMetadataRef(SegmentInputs):
    source_metadata_id: PathId = source_metadata_id()


class WarehouseMetadataRef(SegmentInputs):
    warehouse_metadata_id: PathId = warehouse_metadata_id()


@action(
    "listDestinationCatalog",
    label="List Destination Catalog",
    description="Returns a list of all available Destinations in the Segment catalog.",
    example=PAGE_EXAMPLE,
)
def list_destination_catalog(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/catalog/destinations", "destinationsCatalog", inputs)


@action(
    "getDestinationMetadata",
    label="Get Destination Metadata",
    description="Returns a Destination catalog item by its id.",
    example={"destinationMetadataId": DEMO_DESTINATION_METADATA},
)
def get_destination_metadata(ctx: SegmentContext, inputs: DestinationMetadataRef) -> Awaitable[Any]:
    return ctx.client.get(
        path("/catalog/destinations/{destinationMetadataId}", destinationMetadataId=inputs.destination_metadata_id)
    )


@action(
    "listSourcesCatalog",
    label="List Sources Catalog",
    description="Returns a list of all available Sources in the Segment catalog.",
    example=PAGE_EXAMPLE,
)
def list_sources_catalog(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/catalog/sources", "sourcesCatalog", inputs)


@action(
    "getSourceMetadata",
    label="Get Source Metadata",
    description="Returns a Source catalog item by its id.",
    example={"sourceMetadataId": DEMO_SOURCE_METADATA},
)
def get_source_metadata(ctx: SegmentContext, inputs: SourceMetadataRef) -> Awaitable[Any]:
    return ctx.client.get(path("/catalog/sources/{sourceMetadataId}", sourceMetadataId=inputs.source_metadata_id))


@action(
    "listWarehousesCatalog",
    label="List Warehouses Catalog",
    description="Returns a list of all available Warehouses in the Segment catalog.",
    example=PAGE_EXAMPLE,
)
def list_warehouses_catalog(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/catalog/warehouses", "warehousesCatalog", inputs)


@action(
    "getWarehouseMetadata",
    label="Get Warehouse Metadata",
    description="Returns a Warehouse catalog item by its id.",
    example={"warehouseMetadataId": DEMO_WAREHOUSE_METADATA},
)
def get_warehouse_metadata(ctx: SegmentContext, inputs: WarehouseMetadataRef) -> Awaitable[Any]:
    return ctx.client.get(
        path("/catalog/warehouses/{warehouseMetadataId}", warehouseMetadataId=inputs.warehouse_metadata_id)
    )
