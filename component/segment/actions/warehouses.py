"""Warehouses: /warehouses, and the Sources connected to each.

A Warehouse's `settings` may hold its database `password`. The input is not marked secret: it is
an object of many settings, most of them not secret, and the component never logs request or
response bodies, so the password reaches no log either way.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from component.framework.inputs import Input
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import (
    DEMO_SOURCE,
    DEMO_WAREHOUSE,
    DEMO_WAREHOUSE_METADATA,
    PathId,
    source_id,
    warehouse_id,
    warehouse_metadata_id,
)
from component.segment.inputs import PageInputs, SegmentInputs, enabled_input, settings_input
from component.segment.listing import list_page
from component.segment.urls import path

WAREHOUSE_REF = {"warehouseId": DEMO_WAREHOUSE}
# The options of the demo catalog's Postgres entry, without its password.
SETTINGS_EXAMPLE = {
    "hostname": "analytics.db.example.com",
    "port": 5432,
    "database": "analytics",
    "username": "segment",
}
NAME_EXAMPLE = "Analytics Postgres"


class WarehouseRef(SegmentInputs):
    warehouse_id: PathId = warehouse_id()


CONNECTION = "/warehouses/{warehouseId}/connected-sources/{sourceId}"


class ConnectedSourcesInputs(PageInputs):
    warehouse_id: PathId = warehouse_id()


class ConnectSourceInputs(WarehouseRef):
    source_id: PathId = source_id("The id of the Source to connect to the Warehouse.")


class DisconnectSourceInputs(WarehouseRef):
    source_id: PathId = source_id("The id of the Source to disconnect from the Warehouse.")


class CreateWarehouseInputs(SegmentInputs):
    metadata_id: str = warehouse_metadata_id(
        "The id of the Warehouse type in the Warehouses catalog (for example Postgres).", label="Metadata ID"
    )
    settings: dict[str, Any] = settings_input("Warehouse", example=SETTINGS_EXAMPLE, required=True)
    name: str | None = Input("Name", "An optional display name for the Warehouse.", default=None, example=NAME_EXAMPLE)
    enabled: bool | None = Input(
        "Enabled",
        "Enable to allow this Warehouse to receive data. Leave empty for Segment's default (enabled).",
        default=None,
    )
    disconnect_all_sources: bool | None = Input(
        "Disconnect All Sources",
        "Segment connects a new Warehouse to every Source unless this is true. Leave empty for "
        "Segment's default (connect).",
        default=None,
        alias="disconnectAllSources",
    )


class UpdateWarehouseInputs(WarehouseRef):
    name: str | None = Input("Name", "A new display name for the Warehouse.", default=None, example=NAME_EXAMPLE)
    enabled: bool | None = enabled_input("Warehouse", verb="receive data")
    settings: dict[str, Any] = Input(
        "Settings",
        "The Warehouse's complete settings as a JSON object (connection details included). The API "
        "requires them on every update; see the Warehouses catalog for the options.",
        example=SETTINGS_EXAMPLE,
    )


@action("getWarehouse", label="Get Warehouse", description="Returns a Warehouse by its id.", example=WAREHOUSE_REF)
def get_warehouse(ctx: SegmentContext, inputs: WarehouseRef) -> Awaitable[Any]:
    return ctx.client.get(path("/warehouses/{warehouseId}", warehouseId=inputs.warehouse_id))


@action("listWarehouses", label="List Warehouses", description="Returns a list of Warehouses.", example={"count": 2})
def list_warehouses(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/warehouses", "warehouses", inputs)


@action(
    "createWarehouse",
    label="Create Warehouse",
    description="Creates a new Warehouse.",
    example={
        "metadataId": DEMO_WAREHOUSE_METADATA,
        "name": "Example Warehouse",
        "settings": {**SETTINGS_EXAMPLE, "hostname": "example.db.example.com", "database": "example"},
        "disconnectAllSources": True,
    },
)
async def create_warehouse(ctx: SegmentContext, inputs: CreateWarehouseInputs) -> Any:
    """Sends `enabled` and `disconnectAllSources` only when given, so Segment's defaults apply.

    The replaced component defined this action but never registered it.
    """
    body = inputs.given("metadata_id", "settings", "name", "enabled", "disconnect_all_sources")
    return await ctx.client.post("/warehouses", body)


@action(
    "updateWarehouse",
    label="Update Warehouse",
    description=(
        "Updates an existing Warehouse: its settings (required by the API), and its name and enabled state when given."
    ),
    example={**WAREHOUSE_REF, "name": NAME_EXAMPLE, "enabled": True, "settings": SETTINGS_EXAMPLE},
)
async def update_warehouse(ctx: SegmentContext, inputs: UpdateWarehouseInputs) -> Any:
    """`name` and `enabled` only when given; `settings` always, and never made up.

    The 73.2.0 model of the body (UpdateWarehouseV1Input) requires `settings`. Sending `{}` on the
    user's behalf would satisfy it, but nothing documents whether the API then keeps the stored
    settings or replaces them (the emulator replaces them), and a replaced password would cut the
    warehouse off. Resending what GET returns is no better: the password comes back censored. So
    the input is required, as the API's own model is.
    """
    body = inputs.given("name", "enabled", "settings")
    return await ctx.client.patch(path("/warehouses/{warehouseId}", warehouseId=inputs.warehouse_id), body)


@action(
    "deleteWarehouse", label="Delete Warehouse", description="Deletes an existing Warehouse.", example=WAREHOUSE_REF
)
def delete_warehouse(ctx: SegmentContext, inputs: WarehouseRef) -> Awaitable[Any]:
    return ctx.client.delete(path("/warehouses/{warehouseId}", warehouseId=inputs.warehouse_id))


@action(
    "addConnectionFromSourceToWarehouse",
    label="Add Connection From Source to Warehouse",
    description="Connects a Source to a Warehouse.",
    example={**WAREHOUSE_REF, "sourceId": DEMO_SOURCE},
)
def add_connection_from_source_to_warehouse(ctx: SegmentContext, inputs: ConnectSourceInputs) -> Awaitable[Any]:
    return ctx.client.post(path(CONNECTION, warehouseId=inputs.warehouse_id, sourceId=inputs.source_id))


@action(
    "removeSourceConnectionFromWarehouse",
    label="Remove Source Connection from Warehouse",
    description="Disconnects a Source from a Warehouse.",
    example={**WAREHOUSE_REF, "sourceId": DEMO_SOURCE},
)
def remove_source_connection_from_warehouse(ctx: SegmentContext, inputs: DisconnectSourceInputs) -> Awaitable[Any]:
    return ctx.client.delete(path(CONNECTION, warehouseId=inputs.warehouse_id, sourceId=inputs.source_id))


@action(
    "listConnectedSourcesFromWarehouse",
    label="List Connected Sources from Warehouse",
    description="Returns the list of Sources that are connected to a Warehouse.",
    example={**WAREHOUSE_REF, "count": 2},
)
async def list_connected_sources_from_warehouse(ctx: SegmentContext, inputs: ConnectedSourcesInputs) -> Any:
    route = path("/warehouses/{warehouseId}/connected-sources", warehouseId=inputs.warehouse_id)
    return await list_page(ctx.client, route, "sources", inputs)
