"""The picklists that fill id inputs in configuration screens.

Each returns Choices; the runtime filters them by `search` and sorts them by label. Labels are
made so that two items never look the same (a name with its slug or type); where two items still
share a label (two Destinations both named "Webhooks" of one type), the runtime adds each one's id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from component.framework.registry import Choice
from component.segment.client import V1ALPHA
from component.segment.connection import SegmentContext
from component.segment.definition import data_source
from component.segment.ids import DEMO_DESTINATION, PathId, destination_id
from component.segment.inputs import SegmentPicklistInputs
from component.segment.listing import choices
from component.segment.urls import path
from component.segment.values import FUNCTION_TYPES

Label = Callable[[dict[str, Any]], str]


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _field(name: str) -> Label:
    """Label an item by one of its fields, or by its id when that field is empty."""
    return lambda item: _text(item.get(name)) or str(item.get("id"))


def _instance_label(name: str | None, item: dict[str, Any]) -> str:
    """The label of an instance of a catalog type: "name (type)", or "type (id)" without a name of its own.

    The replaced component labelled Destinations and Warehouses by their type only, so two Postgres
    warehouses looked the same. A name equal to the type says nothing more, and counts as none.
    """
    metadata = item.get("metadata")
    kind = _text(metadata.get("name")) if isinstance(metadata, dict) else None
    if name and kind and name != kind:
        return f"{name} ({kind})"
    return f"{name or kind or 'Unnamed'} ({item.get('id')})"


def _source_label(source: dict[str, Any]) -> str:
    name, slug = source.get("name"), source.get("slug") or source.get("id")
    return f"{name} ({slug})" if name else str(slug)


def _destination_label(destination: dict[str, Any]) -> str:
    return _instance_label(_text(destination.get("name")), destination)


def _warehouse_label(warehouse: dict[str, Any]) -> str:
    # WarehouseV1 declares no name field: the name given on create may come back at the top level
    # (as the emulator answers) or in settings.name (as the Segment app stores it): read both.
    settings = warehouse.get("settings")
    name = _text(warehouse.get("name")) or (_text(settings.get("name")) if isinstance(settings, dict) else None)
    return _instance_label(name, warehouse)


def _function_label(function: dict[str, Any]) -> str:
    return f"{_text(function.get('displayName')) or function.get('id')} ({function.get('resourceType')})"


def _subscription_label(subscription: dict[str, Any]) -> str:
    name = _text(subscription.get("name")) or str(subscription.get("id"))
    slug = _text(subscription.get("actionSlug"))
    return f"{name} ({slug})" if slug else name


def _user_label(user: dict[str, Any]) -> str:
    name, email = _text(user.get("name")), _text(user.get("email")) or str(user.get("id"))
    return f"{name} ({email})" if name else email


class SubscriptionPicklistInputs(SegmentPicklistInputs):
    destination_id: PathId = destination_id("The Destination whose subscriptions to list.")


@data_source("sources", label="Fetch Sources", description="Every Source of the workspace, by name.")
def sources(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/sources", "sources", _source_label)


@data_source(
    "destination",
    label="Fetch Destination",
    description="Every Destination of the workspace, by name and type.",
)
def destination(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/destinations", "destinations", _destination_label)


@data_source(
    "warehouses",
    label="Fetch Warehouses",
    description="Every Warehouse of the workspace, by name and type.",
)
def warehouses(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/warehouses", "warehouses", _warehouse_label)


@data_source(
    "selectDestinationMetadata",
    label="Select Destination Metadata",
    description="A picklist of available Destination types from the Segment catalog.",
)
def select_destination_metadata(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/catalog/destinations", "destinationsCatalog", _field("name"))


@data_source(
    "selectSourceMetadata",
    label="Select Source Metadata",
    description="A picklist of available Source types from the Segment catalog.",
)
def select_source_metadata(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/catalog/sources", "sourcesCatalog", _field("name"))


@data_source(
    "selectWarehouseMetadata",
    label="Select Warehouse Metadata",
    description="A picklist of available Warehouse types from the Segment catalog.",
)
def select_warehouse_metadata(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/catalog/warehouses", "warehousesCatalog", _field("name"))


@data_source(
    "selectFunction",
    label="Select Function",
    description="A picklist of Functions available in your Segment workspace, of every type.",
)
async def select_function(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> list[Choice]:
    """One listing per resource type, run concurrently: the API requires `resourceType`."""
    per_type = await asyncio.gather(
        *(
            choices(ctx.client, "/functions", "functions", _function_label, query=[("resourceType", kind)])
            for kind in FUNCTION_TYPES
        )
    )
    return [choice for listed in per_type for choice in listed]


@data_source(
    "selectSubscription",
    label="Select Subscription",
    description="A picklist of the subscriptions of the selected Destination, by name and action.",
    example={"destinationId": DEMO_DESTINATION},
)
async def select_subscription(ctx: SegmentContext, inputs: SubscriptionPicklistInputs) -> list[Choice]:
    route = path("/destinations/{destinationId}/subscriptions", destinationId=inputs.destination_id)
    return await choices(ctx.client, route, "subscriptions", _subscription_label, media_type=V1ALPHA)


@data_source(
    "selectTransformation",
    label="Select Transformation",
    description="A picklist of Transformations available in your Segment workspace.",
)
def select_transformation(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/transformations", "transformations", _field("name"))


@data_source(
    "selectUser",
    label="Select User",
    description="A picklist of users with access to your Segment workspace, by name and email.",
)
def select_user(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/users", "users", _user_label)


@data_source(
    "selectRole",
    label="Select Role",
    description="A picklist of the roles that can be granted in your Segment workspace (for invites).",
)
def select_role(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> Awaitable[list[Choice]]:
    return choices(ctx.client, "/roles", "roles", _field("name"))
