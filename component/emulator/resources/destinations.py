"""Destinations: ``/destinations`` and ``/destinations/{destinationId}``."""

from __future__ import annotations

from ..call import Call
from ..routing import SUCCESS, Answer, route
from ..state import Workspace
from ..validate import MISSING, Fields
from ._fields import given


@route("GET", "/destinations", "listDestinations")
def list_destinations(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.destinations.values()), "destinations", ws.render)


@route("POST", "/destinations", "createDestination", body=True)
def create_destination(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    source_id = f.str_("sourceId", required=True)
    metadata_id = f.str_("metadataId", required=True)
    settings = f.obj("settings", required=True)
    enabled = f.bool_("enabled")
    name = f.str_("name")
    f.check()
    record = ws.create_destination(
        source_id=source_id,
        metadata_id=metadata_id,
        settings=settings,
        name=None if name is MISSING else name,
        enabled=False if enabled is MISSING else enabled,
    )
    return 200, {"data": {"destination": ws.render(record)}}


@route("GET", "/destinations/{destinationId}", "getDestination")
def get_destination(ws: Workspace, c: Call) -> Answer:
    record = ws.get_destination(c.params["destinationId"])
    return 200, {"data": {"destination": ws.render(record)}}


@route("PATCH", "/destinations/{destinationId}", "updateDestination", body=True)
def update_destination(ws: Workspace, c: Call) -> Answer:
    ws.get_destination(c.params["destinationId"])
    f = Fields(c.json_object())
    name = f.str_("name", nullable=True)
    changes = given(enabled=f.bool_("enabled"), settings=f.obj("settings"))
    if isinstance(name, str):
        changes["name"] = name
    f.check()
    record = ws.update_destination(c.params["destinationId"], changes)
    return 200, {"data": {"destination": ws.render(record)}}


@route("DELETE", "/destinations/{destinationId}", "deleteDestination")
def delete_destination(ws: Workspace, c: Call) -> Answer:
    ws.delete_destination(c.params["destinationId"])
    return 200, SUCCESS
