"""One valid request per emulated operation, on the demo workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from component.emulator import DEMO_IDS

D = DEMO_IDS
EVENTS_QUERY = "granularity=HOUR&startTime=2024-01-01T00:00:00Z&endTime=2024-01-01T03:00:00Z"


@dataclass(frozen=True)
class Op:
    operation_id: str
    method: str
    template: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    query: str = ""
    status: int = 200

    def path(self, **override: str) -> str:
        path = self.template
        for name, value in {**self.params, **override}.items():
            path = path.replace("{" + name + "}", value)
        return path + (f"?{self.query}" if self.query else "")

    @property
    def id_params(self) -> list[str]:
        return list(self.params)


PAG = "pagination[count]=10"

OPERATIONS: list[Op] = [
    Op("getWorkspace", "GET", "/"),
    Op("listSources", "GET", "/sources", query=PAG),
    Op(
        "createSource",
        "POST",
        "/sources",
        body={"slug": "new-source", "enabled": True, "metadataId": D["sourceMetadata"]},
        status=201,
    ),
    Op("getSource", "GET", "/sources/{sourceId}", {"sourceId": D["source"]}),
    Op("updateSource", "PATCH", "/sources/{sourceId}", {"sourceId": D["source"]}, body={"name": "Web"}),
    Op("deleteSource", "DELETE", "/sources/{sourceId}", {"sourceId": D["source"]}),
    Op("listDestinations", "GET", "/destinations", query=PAG),
    Op(
        "createDestination",
        "POST",
        "/destinations",
        body={"sourceId": D["source"], "metadataId": D["destinationMetadata"], "settings": {}},
    ),
    Op("getDestination", "GET", "/destinations/{destinationId}", {"destinationId": D["destination"]}),
    Op(
        "updateDestination",
        "PATCH",
        "/destinations/{destinationId}",
        {"destinationId": D["destination"]},
        body={"enabled": False},
    ),
    Op("deleteDestination", "DELETE", "/destinations/{destinationId}", {"destinationId": D["destination"]}),
    Op(
        "listSubscriptionsFromDestination",
        "GET",
        "/destinations/{destinationId}/subscriptions",
        {"destinationId": D["destination"]},
        query=PAG,
    ),
    Op(
        "createDestinationSubscription",
        "POST",
        "/destinations/{destinationId}/subscriptions",
        {"destinationId": D["destination"]},
        body={"name": "Pages", "actionId": D["action"], "trigger": 'type = "page"', "enabled": True},
    ),
    Op(
        "getSubscriptionFromDestination",
        "GET",
        "/destinations/{destinationId}/subscriptions/{id}",
        {"destinationId": D["destination"], "id": D["subscription"]},
    ),
    Op(
        "updateSubscriptionForDestination",
        "PATCH",
        "/destinations/{destinationId}/subscriptions/{id}",
        {"destinationId": D["destination"], "id": D["subscription"]},
        body={"input": {"enabled": False}},
    ),
    Op(
        "removeSubscriptionFromDestination",
        "DELETE",
        "/destinations/{destinationId}/subscriptions/{id}",
        {"destinationId": D["destination"], "id": D["subscription"]},
    ),
    Op("listWarehouses", "GET", "/warehouses", query=PAG),
    Op(
        "createWarehouse",
        "POST",
        "/warehouses",
        body={"metadataId": D["warehouseMetadata"], "settings": {"hostname": "db", "password": "x"}},
    ),
    Op("getWarehouse", "GET", "/warehouses/{warehouseId}", {"warehouseId": D["warehouse"]}),
    Op(
        "updateWarehouse",
        "PATCH",
        "/warehouses/{warehouseId}",
        {"warehouseId": D["warehouse"]},
        body={"settings": {"hostname": "db2"}},
    ),
    Op("deleteWarehouse", "DELETE", "/warehouses/{warehouseId}", {"warehouseId": D["warehouse"]}),
    Op(
        "listConnectedSourcesFromWarehouse",
        "GET",
        "/warehouses/{warehouseId}/connected-sources",
        {"warehouseId": D["warehouse"]},
        query=PAG,
    ),
    Op(
        "addConnectionFromSourceToWarehouse",
        "POST",
        "/warehouses/{warehouseId}/connected-sources/{sourceId}",
        {"warehouseId": D["secondWarehouse"], "sourceId": D["source"]},
        status=201,
    ),
    Op(
        "removeSourceConnectionFromWarehouse",
        "DELETE",
        "/warehouses/{warehouseId}/connected-sources/{sourceId}",
        {"warehouseId": D["warehouse"], "sourceId": D["source"]},
    ),
    Op("listFunctions", "GET", "/functions", query="resourceType=SOURCE&" + PAG),
    Op(
        "createFunction",
        "POST",
        "/functions",
        body={"code": "async function onTrack(e) {}", "displayName": "Fn", "resourceType": "DESTINATION"},
    ),
    Op("getFunction", "GET", "/functions/{functionId}", {"functionId": D["function"]}),
    Op(
        "updateFunction",
        "PATCH",
        "/functions/{functionId}",
        {"functionId": D["function"]},
        body={"displayName": "Renamed"},
    ),
    Op("deleteFunction", "DELETE", "/functions/{functionId}", {"functionId": D["function"]}),
    Op("listTransformations", "GET", "/transformations", query=PAG),
    Op(
        "createTransformation",
        "POST",
        "/transformations",
        body={"name": "T", "sourceId": D["source"], "enabled": True, "if": 'event = "x"'},
    ),
    Op("getTransformation", "GET", "/transformations/{transformationId}", {"transformationId": D["transformation"]}),
    Op(
        "updateTransformation",
        "PATCH",
        "/transformations/{transformationId}",
        {"transformationId": D["transformation"]},
        body={"enabled": False},
    ),
    Op(
        "deleteTransformation",
        "DELETE",
        "/transformations/{transformationId}",
        {"transformationId": D["transformation"]},
    ),
    Op("listUsers", "GET", "/users", query=PAG),
    Op("getUser", "GET", "/users/{userId}", {"userId": D["user"]}),
    Op("deleteUsers", "DELETE", "/users", query=f"userIds.0={D['secondUser']}"),
    Op("createInvites", "POST", "/invites", body={"invites": [{"email": "new@example.com"}]}, status=201),
    Op("listRoles", "GET", "/roles", query=PAG),
    Op("getSourcesCatalog", "GET", "/catalog/sources", query=PAG),
    Op("getSourceMetadata", "GET", "/catalog/sources/{sourceMetadataId}", {"sourceMetadataId": D["sourceMetadata"]}),
    Op("getDestinationsCatalog", "GET", "/catalog/destinations", query=PAG),
    Op(
        "getDestinationMetadata",
        "GET",
        "/catalog/destinations/{destinationMetadataId}",
        {"destinationMetadataId": D["destinationMetadata"]},
    ),
    Op("getWarehousesCatalog", "GET", "/catalog/warehouses", query=PAG),
    Op(
        "getWarehouseMetadata",
        "GET",
        "/catalog/warehouses/{warehouseMetadataId}",
        {"warehouseMetadataId": D["warehouseMetadata"]},
    ),
    Op("getEventsVolumeFromWorkspace", "GET", "/events/volume", query=EVENTS_QUERY + "&groupBy=source"),
]

BY_ID: dict[str, Op] = {op.operation_id: op for op in OPERATIONS}
# Cases for "an unknown id in the path is a 404": (operation, parameter).
ID_CASES: list[tuple[Op, str]] = [(op, p) for op in OPERATIONS for p in op.id_params]
