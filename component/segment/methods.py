"""The HTTP method each action sends, for hosts that describe an action by its effect (the MCP
server marks GETs read-only, DELETEs destructive, and so on).

The registry declares what an action takes and returns, not how it reaches the API, so the methods
are stated here, once, next to the handlers. `tests/unit/test_http_methods.py` checks every entry
against the handler's exact-request cases, so this table cannot drift from what is really sent.
Picklists are not listed: they only read.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Action key -> the method it sends; None where the method is an input (rawRequest).
HTTP_METHODS: Mapping[str, str | None] = {
    "addConnectionFromSourceToWarehouse": "POST",
    "createDestination": "POST",
    "createDestinationSubscription": "POST",
    "createFunction": "POST",
    "createSource": "POST",
    "createTransformation": "POST",
    "createUserInvites": "POST",
    "createWarehouse": "POST",
    "deleteDestination": "DELETE",
    "deleteDestinationSubscription": "DELETE",
    "deleteFunction": "DELETE",
    "deleteSource": "DELETE",
    "deleteTransformation": "DELETE",
    "deleteUser": "DELETE",
    "deleteWarehouse": "DELETE",
    "exportWorkspace": "GET",
    "getDestination": "GET",
    "getDestinationMetadata": "GET",
    "getDestinationSubscription": "GET",
    "getEventsVolumeFromWorkspace": "GET",
    "getFunction": "GET",
    "getSource": "GET",
    "getSourceMetadata": "GET",
    "getTransformation": "GET",
    "getUser": "GET",
    "getWarehouse": "GET",
    "getWarehouseMetadata": "GET",
    "listConnectedSourcesFromWarehouse": "GET",
    "listDestinationCatalog": "GET",
    "listDestinationSubscriptions": "GET",
    "listDestinations": "GET",
    "listFunctions": "GET",
    "listSources": "GET",
    "listSourcesCatalog": "GET",
    "listTransformations": "GET",
    "listUsers": "GET",
    "listWarehouses": "GET",
    "listWarehousesCatalog": "GET",
    "rawRequest": None,
    "removeSourceConnectionFromWarehouse": "DELETE",
    "updateDestination": "PATCH",
    "updateDestinationSubscription": "PATCH",
    "updateFunction": "PATCH",
    "updateSource": "PATCH",
    "updateTransformation": "PATCH",
    "updateWarehouse": "PATCH",
}
