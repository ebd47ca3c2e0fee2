"""Destination Subscriptions: ``/destinations/{destinationId}/subscriptions[/{id}]``, served only
as ``v1alpha`` (or plain JSON), as on the live API."""

from __future__ import annotations

from ..call import Call
from ..routing import SUCCESS, Answer, route
from ..state import Workspace
from ..validate import Fields
from ._fields import given

_ONE = "/destinations/{destinationId}/subscriptions/{id}"


@route("GET", "/destinations/{destinationId}/subscriptions", "listSubscriptionsFromDestination", alpha=True)
def list_subscriptions(ws: Workspace, c: Call) -> Answer:
    destination_id = c.params["destinationId"]
    ws.get_destination(destination_id)
    return 200, c.page(ws.subscriptions_of(destination_id), "subscriptions")


@route("POST", "/destinations/{destinationId}/subscriptions", "createDestinationSubscription", alpha=True, body=True)
def create_subscription(ws: Workspace, c: Call) -> Answer:
    destination_id = c.params["destinationId"]
    ws.get_destination(destination_id)
    f = Fields(c.json_object())
    name = f.str_("name", required=True)
    action_id = f.str_("actionId", required=True)
    trigger = f.str_("trigger", required=True)
    enabled = f.bool_("enabled", required=True)
    settings = f.obj("settings", nullable=True)
    model_id = f.str_("modelId", nullable=True)
    f.check()
    record = ws.create_subscription(
        destination_id,
        name=name,
        action_id=action_id,
        trigger=trigger,
        enabled=enabled,
        settings=settings if isinstance(settings, dict) else None,
        model_id=model_id if isinstance(model_id, str) else None,
    )
    return 200, {"data": {"destinationSubscription": record}}


@route("GET", _ONE, "getSubscriptionFromDestination", alpha=True)
def get_subscription(ws: Workspace, c: Call) -> Answer:
    record = ws.get_subscription(c.params["destinationId"], c.params["id"])
    return 200, {"data": {"subscription": record}}


@route("PATCH", _ONE, "updateSubscriptionForDestination", alpha=True, body=True)
def update_subscription(ws: Workspace, c: Call) -> Answer:
    ws.get_subscription(c.params["destinationId"], c.params["id"])
    outer = Fields(c.json_object())
    wrapper = outer.obj("input", required=True)
    outer.check()
    f = outer.child("input", wrapper)
    changes = given(
        name=f.str_("name"),
        trigger=f.str_("trigger"),
        enabled=f.bool_("enabled"),
        settings=f.obj("settings"),
        reverseETLModelId=f.str_("reverseETLModelId"),
    )
    schedule = f.obj("reverseETLSchedule")
    if isinstance(schedule, dict):
        Fields(schedule, "input.reverseETLSchedule.", f.errors).str_("strategy", required=True)
        changes["reverseETLSchedule"] = schedule
    f.check()
    record = ws.update_subscription(c.params["destinationId"], c.params["id"], changes)
    return 200, {"data": {"subscription": record}}


@route("DELETE", _ONE, "removeSubscriptionFromDestination", alpha=True)
def delete_subscription(ws: Workspace, c: Call) -> Answer:
    ws.delete_subscription(c.params["destinationId"], c.params["id"])
    return 200, SUCCESS
