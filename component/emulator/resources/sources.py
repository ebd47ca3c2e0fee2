"""Sources: ``/sources`` and ``/sources/{sourceId}``."""

from __future__ import annotations

from ..call import Call
from ..routing import SUCCESS, Answer, route
from ..state import Workspace
from ..validate import MISSING, Fields
from ._fields import given


@route("GET", "/sources", "listSources")
def list_sources(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.sources.values()), "sources", ws.render)


@route("POST", "/sources", "createSource", body=True)
def create_source(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    slug = f.str_("slug", required=True)
    enabled = f.bool_("enabled", required=True)
    metadata_id = f.str_("metadataId", required=True)
    name = f.str_("name")
    settings = f.obj("settings", nullable=True)
    disconnect = f.bool_("disconnectAllWarehouses")
    f.check()
    record = ws.create_source(
        slug=slug,
        enabled=enabled,
        metadata_id=metadata_id,
        name=None if name is MISSING else name,
        settings=settings if isinstance(settings, dict) else None,
        connect_warehouses=disconnect is not True,
    )
    return 201, {"data": {"source": ws.render(record)}}


@route("GET", "/sources/{sourceId}", "getSource")
def get_source(ws: Workspace, c: Call) -> Answer:
    record = ws.get_source(c.params["sourceId"])
    return 200, {"data": {"source": ws.render(record), "trackingPlanId": None}}


@route("PATCH", "/sources/{sourceId}", "updateSource", body=True)
def update_source(ws: Workspace, c: Call) -> Answer:
    ws.get_source(c.params["sourceId"])
    f = Fields(c.json_object())
    changes = given(name=f.str_("name"), enabled=f.bool_("enabled"), slug=f.str_("slug"), settings=f.obj("settings"))
    f.check()
    record = ws.update_source(c.params["sourceId"], changes)
    return 200, {"data": {"source": ws.render(record)}}


@route("DELETE", "/sources/{sourceId}", "deleteSource")
def delete_source(ws: Workspace, c: Call) -> Answer:
    ws.delete_source(c.params["sourceId"])
    return 200, SUCCESS
