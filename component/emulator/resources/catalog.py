"""The three catalogs: ``/catalog/{sources,destinations,warehouses}[/{id}]``."""

from __future__ import annotations

from ..call import Call
from ..routing import Answer, route
from ..state import Workspace


@route("GET", "/catalog/sources", "getSourcesCatalog")
def list_source_catalog(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.source_catalog.values()), "sourcesCatalog")


@route("GET", "/catalog/sources/{sourceMetadataId}", "getSourceMetadata")
def get_source_metadata(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"sourceMetadata": ws.source_catalog.find(c.params["sourceMetadataId"])}}


@route("GET", "/catalog/destinations", "getDestinationsCatalog")
def list_destination_catalog(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.destination_catalog.values()), "destinationsCatalog")


@route("GET", "/catalog/destinations/{destinationMetadataId}", "getDestinationMetadata")
def get_destination_metadata(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"destinationMetadata": ws.destination_catalog.find(c.params["destinationMetadataId"])}}


@route("GET", "/catalog/warehouses", "getWarehousesCatalog")
def list_warehouse_catalog(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.warehouse_catalog.values()), "warehousesCatalog")


@route("GET", "/catalog/warehouses/{warehouseMetadataId}", "getWarehouseMetadata")
def get_warehouse_metadata(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"warehouseMetadata": ws.warehouse_catalog.find(c.params["warehouseMetadataId"])}}
