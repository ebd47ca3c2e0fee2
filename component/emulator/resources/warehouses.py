"""Warehouses and their connected sources: ``/warehouses[/{warehouseId}[/connected-sources[/{sourceId}]]]``."""

from __future__ import annotations

from ..call import Call
from ..routing import SUCCESS, Answer, route
from ..state import Workspace
from ..validate import MISSING, Fields
from ._fields import given

_CONNECTION = "/warehouses/{warehouseId}/connected-sources/{sourceId}"


@route("GET", "/warehouses", "listWarehouses")
def list_warehouses(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.warehouses.values()), "warehouses", ws.render)


@route("POST", "/warehouses", "createWarehouse", body=True)
def create_warehouse(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    metadata_id = f.str_("metadataId", required=True)
    settings = f.obj("settings", required=True)
    name = f.str_("name", nullable=True)
    enabled = f.bool_("enabled")
    disconnect = f.bool_("disconnectAllSources")
    f.check()
    record = ws.create_warehouse(
        metadata_id=metadata_id,
        settings=settings,
        name=name if isinstance(name, str) else None,
        enabled=True if enabled is MISSING else enabled,
        connect_sources=disconnect is not True,
    )
    return 200, {"data": {"warehouse": ws.render(record)}}


@route("GET", "/warehouses/{warehouseId}", "getWarehouse")
def get_warehouse(ws: Workspace, c: Call) -> Answer:
    record = ws.get_warehouse(c.params["warehouseId"])
    return 200, {"data": {"warehouse": ws.render(record)}}


@route("PATCH", "/warehouses/{warehouseId}", "updateWarehouse", body=True)
def update_warehouse(ws: Workspace, c: Call) -> Answer:
    ws.get_warehouse(c.params["warehouseId"])
    f = Fields(c.json_object())
    name = f.str_("name", nullable=True)
    # 73.2.0's UpdateWarehouseV1Input requires settings (32.0.5 did not).
    changes = given(enabled=f.bool_("enabled"), settings=f.obj("settings", required=True))
    if name is not MISSING:
        changes["name"] = name
    f.check()
    record = ws.update_warehouse(c.params["warehouseId"], changes)
    return 200, {"data": {"warehouse": ws.render(record)}}


@route("DELETE", "/warehouses/{warehouseId}", "deleteWarehouse")
def delete_warehouse(ws: Workspace, c: Call) -> Answer:
    ws.delete_warehouse(c.params["warehouseId"])
    return 200, SUCCESS


@route("GET", "/warehouses/{warehouseId}/connected-sources", "listConnectedSourcesFromWarehouse")
def list_connected_sources(ws: Workspace, c: Call) -> Answer:
    sources = ws.connected_sources(c.params["warehouseId"])
    return 200, c.page(sources, "sources", ws.render)


@route("POST", _CONNECTION, "addConnectionFromSourceToWarehouse")
def add_connection(ws: Workspace, c: Call) -> Answer:
    ws.connect(c.params["warehouseId"], c.params["sourceId"])
    return 201, {"data": {"status": "CONNECTED"}}


@route("DELETE", _CONNECTION, "removeSourceConnectionFromWarehouse")
def remove_connection(ws: Workspace, c: Call) -> Answer:
    ws.disconnect(c.params["warehouseId"], c.params["sourceId"])
    return 200, SUCCESS
