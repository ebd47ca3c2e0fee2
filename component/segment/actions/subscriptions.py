"""Destination Subscriptions (the mappings of an Actions destination): /destinations/{id}/subscriptions.

Every operation here exists only in the API's alpha version, so each one sends the alpha media
type (Accept, and Content-Type on writes). The API names the subscription path parameter `id`;
the input keeps the key of the component this one replaces, `subscriptionId`.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from component.framework.inputs import Input
from component.segment.client import V1ALPHA
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import (
    DEMO_ACTION,
    DEMO_DESTINATION,
    DEMO_SUBSCRIPTION,
    PathId,
    destination_id,
    subscription_id,
)
from component.segment.inputs import PageInputs, SegmentInputs
from component.segment.listing import list_page
from component.segment.urls import path

COLLECTION = "/destinations/{destinationId}/subscriptions"
ITEM = "/destinations/{destinationId}/subscriptions/{id}"
SUBSCRIPTION_REF = {"destinationId": DEMO_DESTINATION, "subscriptionId": DEMO_SUBSCRIPTION}
# Field values of the demo Webhooks (Actions) "Send" action: literals and a mapping directive.
SETTINGS_EXAMPLE = {"url": "https://example.com/webhook", "method": "POST", "data": {"@path": "$.properties"}}
TRIGGER_EXAMPLE = 'type = "track"'
TRIGGER_HELP = 'The FQL condition that selects the events sent to the action, for example type = "track".'
ALPHA_NOTE = (
    "Uses the API's alpha version (the workspace needs the Destination Subscriptions feature); "
    "Segment allows 5 of these writes per minute."
)
SETTINGS_HELP = (
    "The values of the action's fields as a JSON object, keyed by field key (`actions[].fields[].fieldKey` "
    "of the Destination's catalog entry): literals (strings, numbers, booleans, lists, objects) or "
    'mapping directives such as {"@path": "$.event"}.'
)


class DestinationSubscriptionsRef(SegmentInputs):
    destination_id: PathId = destination_id("The id of the Destination the subscription belongs to.")


class ListDestinationSubscriptionsInputs(PageInputs):
    destination_id: PathId = destination_id("The id of the Destination whose subscriptions to list.")


class SubscriptionRef(DestinationSubscriptionsRef):
    subscription_id: PathId = subscription_id()


class CreateDestinationSubscriptionInputs(DestinationSubscriptionsRef):
    destination_id: PathId = destination_id("The id of the Destination (an Actions destination) to subscribe.")
    name: str = Input("Name", "The user-defined name for the subscription.", example="Send Track Events", min_length=1)
    action_id: str = Input(
        "Action ID",
        "The id of the action the subscription triggers: one of the `actions[].id` of the Destination's "
        "catalog entry (Get Destination Metadata, with the Destination's metadata id).",
        example=DEMO_ACTION,
        min_length=1,
    )
    trigger: str = Input("Trigger", TRIGGER_HELP, example=TRIGGER_EXAMPLE, min_length=1)
    enabled: bool = Input("Enabled", "Enable to send the events the trigger selects to the action.")
    settings: dict[str, Any] | None = Input(
        "Settings", f"{SETTINGS_HELP} Leave empty to send none.", default=None, example=SETTINGS_EXAMPLE
    )
    model_id: str | None = Input(
        "Model ID",
        "Reverse ETL only: the id of the Model the subscription extracts data from. Leave empty for an "
        "event subscription.",
        default=None,
        example="model-id-example",
    )


class UpdateDestinationSubscriptionInputs(SubscriptionRef):
    name: str | None = Input(
        "Name", "A new user-defined name for the subscription.", default=None, example="Send Track Events"
    )
    trigger: str | None = Input(
        "Trigger", f"{TRIGGER_HELP} Leave empty to keep the current one.", default=None, example=TRIGGER_EXAMPLE
    )
    enabled: bool | None = Input(
        "Enabled",
        "Enable to send the events the trigger selects to the action. Leave empty to keep the current value.",
        default=None,
    )
    settings: dict[str, Any] | None = Input(
        "Settings",
        f"{SETTINGS_HELP} Leave empty to keep the current settings.",
        default=None,
        example=SETTINGS_EXAMPLE,
    )
    reverse_etl_model_id: str | None = Input(
        "Reverse ETL Model ID",
        "Reverse ETL only: the id of a new Model for the subscription to extract data from.",
        default=None,
        alias="reverseETLModelId",
        example="model-id-example",
    )
    reverse_etl_schedule: dict[str, Any] | None = Input(
        "Reverse ETL Schedule",
        "Reverse ETL only: when the Model is extracted, as a JSON object with a required `strategy` "
        "(for example SPECIFIC_DAYS) and the `config` that strategy takes.",
        default=None,
        alias="reverseETLSchedule",
        example={
            "strategy": "SPECIFIC_DAYS",
            "config": {"days": [0, 3], "hours": [6], "timezone": "America/Los_Angeles"},
        },
    )


def _item(inputs: SubscriptionRef) -> str:
    return path(ITEM, destinationId=inputs.destination_id, id=inputs.subscription_id)


@action(
    "getDestinationSubscription",
    label="Get Destination Subscription",
    description="Returns a Destination subscription by its id (the result is at data.subscription).",
    example=SUBSCRIPTION_REF,
)
def get_destination_subscription(ctx: SegmentContext, inputs: SubscriptionRef) -> Awaitable[Any]:
    return ctx.client.get(_item(inputs), media_type=V1ALPHA)


@action(
    "listDestinationSubscriptions",
    label="List Destination Subscriptions",
    description="Returns the subscriptions of a Destination.",
    example={"destinationId": DEMO_DESTINATION, "count": 10},
)
async def list_destination_subscriptions(ctx: SegmentContext, inputs: ListDestinationSubscriptionsInputs) -> Any:
    route = path(COLLECTION, destinationId=inputs.destination_id)
    return await list_page(ctx.client, route, "subscriptions", inputs, media_type=V1ALPHA)


@action(
    "createDestinationSubscription",
    label="Create Destination Subscription",
    description=(
        "Creates a new Destination subscription: an action of the Destination that runs on the events its "
        f"trigger selects (the result is at data.destinationSubscription). {ALPHA_NOTE}"
    ),
    example={
        "destinationId": DEMO_DESTINATION,
        "name": "Send Page Views",
        "actionId": DEMO_ACTION,
        "trigger": 'type = "page"',
        "enabled": True,
        "settings": SETTINGS_EXAMPLE,
    },
)
async def create_destination_subscription(ctx: SegmentContext, inputs: CreateDestinationSubscriptionInputs) -> Any:
    body = inputs.given("name", "action_id", "trigger", "enabled", "settings", "model_id")
    route = path(COLLECTION, destinationId=inputs.destination_id)
    return await ctx.client.post(route, body, media_type=V1ALPHA)


@action(
    "updateDestinationSubscription",
    label="Update Destination Subscription",
    description=(f"Updates an existing Destination subscription. Only the inputs given are changed. {ALPHA_NOTE}"),
    example={**SUBSCRIPTION_REF, "enabled": False},
)
async def update_destination_subscription(ctx: SegmentContext, inputs: UpdateDestinationSubscriptionInputs) -> Any:
    """Unlike the other updates, this API takes its changes wrapped in `{"input": {...}}`."""
    changes = inputs.given("name", "trigger", "enabled", "settings", "reverse_etl_model_id", "reverse_etl_schedule")
    return await ctx.client.patch(_item(inputs), {"input": changes}, media_type=V1ALPHA)


@action(
    "deleteDestinationSubscription",
    label="Delete Destination Subscription",
    description=f"Deletes an existing Destination subscription. {ALPHA_NOTE}",
    example=SUBSCRIPTION_REF,
)
def delete_destination_subscription(ctx: SegmentContext, inputs: SubscriptionRef) -> Awaitable[Any]:
    return ctx.client.delete(_item(inputs), media_type=V1ALPHA)
