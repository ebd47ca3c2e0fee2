"""Destinations: /destinations."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from component.framework.inputs import Input
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import (
    DEMO_DESTINATION,
    DEMO_DESTINATION_METADATA,
    DEMO_SOURCE,
    PathId,
    destination_id,
    destination_metadata_id,
    source_id,
)
from component.segment.inputs import PageInputs, SegmentInputs, enabled_input, settings_input
from component.segment.listing import list_page
from component.segment.urls import path

DESTINATION_REF = {"destinationId": DEMO_DESTINATION}
# Webhooks (Actions), the demo Destination type, has one option: a shared secret that signs requests.
SETTINGS_EXAMPLE = {"sharedSecret": "whsec_example"}


class DestinationRef(SegmentInputs):
    destination_id: PathId = destination_id()


class CreateDestinationInputs(SegmentInputs):
    source_id: str = source_id("The id of the Source the Destination receives data from.")
    metadata_id: str = destination_metadata_id(
        "The id of the Destination type in the Destinations catalog (for example Webhooks (Actions)).",
        label="Metadata ID",
    )
    name: str | None = Input(
        "Name",
        "The display name of the Destination. Leave empty to use the name of its catalog type.",
        default=None,
        example="Example Webhook",
    )
    enabled: bool | None = Input(
        "Enabled",
        "Enable to allow this Destination to receive data. Leave empty for Segment's default.",
        default=None,
    )
    settings: dict[str, Any] | None = Input(
        "Settings",
        "The Destination's settings as a JSON object, with the types its catalog entry's options declare "
        "(strings, numbers, booleans, lists, objects). See the Destinations catalog for the options. The "
        "API requires this object: when left empty, {} is sent and the Destination starts with its "
        "defaults.",
        default=None,
        example=SETTINGS_EXAMPLE,
    )


class UpdateDestinationInputs(DestinationRef):
    name: str | None = Input("Name", "A new display name for the Destination.", default=None, example="Example Webhook")
    enabled: bool | None = enabled_input("Destination", verb="receive data")
    settings: dict[str, Any] | None = settings_input("Destination", example=SETTINGS_EXAMPLE)


@action(
    "getDestination",
    label="Get Destination",
    description="Returns a Destination by its id. Sensitive settings come back censored.",
    example=DESTINATION_REF,
)
def get_destination(ctx: SegmentContext, inputs: DestinationRef) -> Awaitable[Any]:
    return ctx.client.get(path("/destinations/{destinationId}", destinationId=inputs.destination_id))


@action(
    "listDestinations",
    label="List Destinations",
    description="Returns a list of Destinations.",
    example={"count": 2},
)
def list_destinations(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/destinations", "destinations", inputs)


@action(
    "createDestination",
    label="Create Destination",
    description="Creates a new Destination on a Source.",
    example={
        "sourceId": DEMO_SOURCE,
        "metadataId": DEMO_DESTINATION_METADATA,
        "name": "Example Webhook",
        "enabled": True,
        "settings": SETTINGS_EXAMPLE,
    },
)
async def create_destination(ctx: SegmentContext, inputs: CreateDestinationInputs) -> Any:
    """`settings` is required by the API but optional here: an empty form sends `{}`."""
    body = inputs.given("source_id", "metadata_id", "name", "enabled")
    body["settings"] = inputs.settings if inputs.settings is not None else {}
    return await ctx.client.post("/destinations", body)


@action(
    "updateDestination",
    label="Update Destination",
    description=(
        "Updates an existing Destination. Only the inputs given are changed. Settings that are read-only "
        "are ignored, and a Settings object with only read-only settings is refused."
    ),
    example={**DESTINATION_REF, "name": "Event Webhook"},
)
async def update_destination(ctx: SegmentContext, inputs: UpdateDestinationInputs) -> Any:
    body = inputs.given("name", "enabled", "settings")
    return await ctx.client.patch(path("/destinations/{destinationId}", destinationId=inputs.destination_id), body)


@action(
    "deleteDestination",
    label="Delete Destination",
    description="Deletes an existing Destination.",
    example=DESTINATION_REF,
)
def delete_destination(ctx: SegmentContext, inputs: DestinationRef) -> Awaitable[Any]:
    return ctx.client.delete(path("/destinations/{destinationId}", destinationId=inputs.destination_id))
