"""The interface kept from the commercial component this one replaces: its handler keys and labels,
every input key with its label, the key the connection is passed under, and the defaults that
still hold. Hosts built for that component keep working only if all of these do; where this
component differs on purpose, `RENAMED` and `NO_SAMPLE_DEFAULT` say so."""

from __future__ import annotations

from typing import Any, NamedTuple


class Kept(NamedTuple):
    label: str
    connection_input: str
    inputs: dict[str, str]  # input key -> label


#: Picklists and actions of the replaced component, by key (`selectRole` and `createWarehouse` are new).
KEPT: dict[str, Kept] = {
    "addConnectionFromSourceToWarehouse": Kept(
        "Add Connection From Source to Warehouse",
        "connectionInput",
        {
            "region": "Region",
            "warehouseId": "Warehouse ID",
            "sourceId": "Source ID",
        },
    ),
    "createDestination": Kept(
        "Create Destination",
        "connectionInput",
        {
            "region": "Region",
            "sourceId": "Source ID",
            "metadataId": "Metadata ID",
            "name": "Name",
            "enabled": "Enabled",
            "settings": "Settings",
        },
    ),
    "createDestinationSubscription": Kept(
        "Create Destination Subscription",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
            "name": "Name",
            "actionId": "Action ID",
            "trigger": "Trigger",
            "enabled": "Enabled",
            "settings": "Settings",
            "modelId": "Trigger",
        },
    ),
    "createFunction": Kept(
        "Create Function",
        "connectionInput",
        {
            "region": "Region",
            "code": "Code",
            "displayName": "Display Name",
            "resourceType": "Resource Type",
            "settings": "Function Settings",
            "logoUrl": "Logo URL",
            "description": "Description",
        },
    ),
    "createSource": Kept(
        "Create Source",
        "connectionInput",
        {
            "region": "Region",
            "slug": "Slug",
            "enabled": "Enabled",
            "metadataId": "Metadata ID",
            "settings": "Settings",
        },
    ),
    "createTransformation": Kept(
        "Create Transformation",
        "connectionInput",
        {
            "region": "Region",
            "name": "Name",
            "sourceId": "Source ID",
            "destinationMetadataId": "Destination Metadata ID",
            "enabled": "Enabled",
            "ifInput": "If",
            "newEventName": "New Event Name",
            "propertyRenames": "Property Renames",
            "propertyValueTransformations": "Property Value Transformations",
            "fqlDefinedProperties": "FQL Defined Properties",
        },
    ),
    "createUserInvites": Kept(
        "Create User Invite",
        "connectionInput",
        {
            "region": "Region",
            "invites": "Invites",
        },
    ),
    "deleteDestination": Kept(
        "Delete Destination",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
        },
    ),
    "deleteDestinationSubscription": Kept(
        "Delete Destination Subscription",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
            "subscriptionId": "Subscription ID",
        },
    ),
    "deleteFunction": Kept(
        "Delete Function",
        "connectionInput",
        {
            "region": "Region",
            "functionId": "Function ID",
        },
    ),
    "deleteSource": Kept(
        "Delete Source",
        "connectionInput",
        {
            "region": "Region",
            "sourceId": "Source ID",
        },
    ),
    "deleteTransformation": Kept(
        "Delete Transformation",
        "connectionInput",
        {
            "region": "Region",
            "transformationId": "Transformation ID",
        },
    ),
    "deleteUser": Kept(
        "Delete Users",
        "connectionInput",
        {
            "region": "Region",
            "userIds": "User IDs",
        },
    ),
    "deleteWarehouse": Kept(
        "Delete Warehouse",
        "connectionInput",
        {
            "region": "Region",
            "warehouseId": "Warehouse ID",
        },
    ),
    "getDestination": Kept(
        "Get Destination",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
        },
    ),
    "getDestinationMetadata": Kept(
        "Get Destination Metadata",
        "connectionInput",
        {
            "region": "Region",
            "destinationMetadataId": "Destination Metadata ID",
        },
    ),
    "getDestinationSubscription": Kept(
        "Get Destination Subscription",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
            "subscriptionId": "Subscription ID",
        },
    ),
    "getEventsVolumeFromWorkspace": Kept(
        "Get Events Volume From Workspace",
        "connectionInput",
        {
            "region": "Region",
            "granularity": "Granularity",
            "startTime": "Start Time",
            "endTime": "End Time",
            "groupBy": "Group By",
            "sourceId": "Source IDs",
            "eventName": "Event Name",
            "eventType": "Event Type",
            "appVersion": "App Version",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "getFunction": Kept(
        "Get Function",
        "connectionInput",
        {
            "region": "Region",
            "functionId": "Function ID",
        },
    ),
    "getSource": Kept(
        "Get Source",
        "connectionInput",
        {
            "region": "Region",
            "sourceId": "Source ID",
        },
    ),
    "getSourceMetadata": Kept(
        "Get Source Metadata",
        "connectionInput",
        {
            "region": "Region",
            "sourceMetadataId": "Source Metadata ID",
        },
    ),
    "getTransformation": Kept(
        "Get Transformation",
        "connectionInput",
        {
            "region": "Region",
            "transformationId": "Transformation ID",
        },
    ),
    "getUser": Kept(
        "Get User",
        "connectionInput",
        {
            "region": "Region",
            "userId": "User ID",
        },
    ),
    "getWarehouse": Kept(
        "Get Warehouse",
        "connectionInput",
        {
            "region": "Region",
            "warehouseId": "Warehouse ID",
        },
    ),
    "getWarehouseMetadata": Kept(
        "Get Warehouse Metadata",
        "connectionInput",
        {
            "region": "Region",
            "warehouseMetadataId": "Warehouse Metadata ID",
        },
    ),
    "listConnectedSourcesFromWarehouse": Kept(
        "List Connected Sources from Warehouse",
        "connectionInput",
        {
            "region": "Region",
            "warehouseId": "Warehouse ID",
        },
    ),
    "listDestinationCatalog": Kept(
        "Get Destination Catalog",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listDestinationSubscriptions": Kept(
        "List Destination Subscriptions",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listDestinations": Kept(
        "List Destinations",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listFunctions": Kept(
        "List Functions",
        "connectionInput",
        {
            "region": "Region",
            "resourceType": "Resource Type",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listSources": Kept(
        "List Sources",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listSourcesCatalog": Kept(
        "Get Sources Catalog",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listTransformations": Kept(
        "List Transformations",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listUsers": Kept(
        "List Users",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listWarehouses": Kept(
        "List Warehouses",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "listWarehousesCatalog": Kept(
        "Get Warehouses Catalog",
        "connectionInput",
        {
            "region": "Region",
            "count": "Count",
            "cursor": "Cursor",
        },
    ),
    "rawRequest": Kept(
        "Raw Request",
        "connection",
        {
            "region": "Region",
            "url": "URL",
            "method": "Method",
            "data": "Data",
            "formData": "Form Data",
            "fileData": "File Data",
            "fileDataFileNames": "File Data File Names",
            "queryParams": "Query Parameter",
            "headers": "Header",
            "responseType": "Response Type",
            "timeout": "Timeout",
            "retryDelayMS": "Retry Delay (ms)",
            "retryAllErrors": "Retry On All Errors",
            "maxRetries": "Max Retry Count",
            "useExponentialBackoff": "Use Exponential Backoff",
        },
    ),
    "removeSourceConnectionFromWarehouse": Kept(
        "Remove Source Connection from Warehouse",
        "connectionInput",
        {
            "region": "Region",
            "warehouseId": "Warehouse ID",
            "sourceId": "Source ID",
        },
    ),
    "updateDestination": Kept(
        "Update Destination",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
            "name": "Name",
            "enabled": "Enabled",
            "settings": "Settings",
        },
    ),
    "updateDestinationSubscription": Kept(
        "Update Destination Subscription",
        "connectionInput",
        {
            "region": "Region",
            "destinationId": "Destination ID",
            "subscriptionId": "Subscription ID",
            "name": "Name",
            "trigger": "Trigger",
            "enabled": "Enabled",
            "settings": "Settings",
        },
    ),
    "updateFunction": Kept(
        "Update Function",
        "connectionInput",
        {
            "region": "Region",
            "functionId": "Function ID",
            "code": "Code",
            "settings": "Function Settings",
            "displayName": "Display Name",
            "logoUrl": "Logo URL",
            "description": "Description",
        },
    ),
    "updateSource": Kept(
        "Update Source",
        "connectionInput",
        {
            "region": "Region",
            "sourceId": "Source ID",
            "slug": "Slug",
            "enabled": "Enabled",
            "name": "Name",
            "settings": "Settings",
        },
    ),
    "updateTransformation": Kept(
        "Update Transformation",
        "connectionInput",
        {
            "region": "Region",
            "transformationId": "Transformation ID",
            "name": "Name",
            "sourceId": "Source ID",
            "destinationMetadataId": "Destination Metadata ID",
            "enabled": "Enabled",
            "ifInput": "If",
            "newEventName": "New Event Name",
            "propertyRenames": "Property Renames",
            "propertyValueTransformations": "Property Value Transformations",
            "fqlDefinedProperties": "FQL Defined Properties",
        },
    ),
    "updateWarehouse": Kept(
        "Update Warehouse",
        "connectionInput",
        {
            "region": "Region",
            "warehouseId": "Warehouse ID",
            "settings": "Settings",
            "name": "Name",
            "enabled": "Enabled",
        },
    ),
    "destination": Kept(
        "Fetch Destination",
        "connection",
        {
            "region": "Region",
        },
    ),
    "selectDestinationMetadata": Kept(
        "Select Destination Metadata",
        "connection",
        {
            "region": "Region",
        },
    ),
    "selectFunction": Kept(
        "Select Function",
        "connection",
        {
            "region": "Region",
        },
    ),
    "selectSourceMetadata": Kept(
        "Select Source Metadata",
        "connection",
        {
            "region": "Region",
        },
    ),
    "selectSubscription": Kept(
        "Select Subscription",
        "connection",
        {
            "region": "Region",
            "destinationId": "Destination ID",
        },
    ),
    "selectTransformation": Kept(
        "Select Transformation",
        "connection",
        {
            "region": "Region",
        },
    ),
    "selectUser": Kept(
        "Select User",
        "connection",
        {
            "region": "Region",
        },
    ),
    "selectWarehouseMetadata": Kept(
        "Select Warehouse Metadata",
        "connection",
        {
            "region": "Region",
        },
    ),
    "sources": Kept(
        "Fetch Sources",
        "connection",
        {
            "region": "Region",
        },
    ),
    "warehouses": Kept(
        "Fetch Warehouses",
        "connection",
        {
            "region": "Region",
        },
    ),
}

#: Deliberate differences: handler labels, and input labels by (handler, input key).
RENAMED: dict[str, str] = {
    # The three catalog list actions list; "Get" is kept for actions that return one record.
    "listDestinationCatalog": "List Destination Catalog",
    "listSourcesCatalog": "List Sources Catalog",
    "listWarehousesCatalog": "List Warehouses Catalog",
    "createUserInvites": "Create User Invites",  # it invites a list of users
}
RENAMED_INPUTS: dict[tuple[str, str], str] = {
    ("createDestinationSubscription", "modelId"): "Model ID",  # it was mislabelled "Trigger"
    ("rawRequest", "queryParams"): "Query Parameters",  # both take many
    ("rawRequest", "headers"): "Headers",
}

#: Every input of every handler defaults to region "api" (US); these other defaults still hold.
DEFAULTS: dict[tuple[str, str], Any] = {
    ("createSource", "enabled"): True,
    ("getEventsVolumeFromWorkspace", "count"): 50,
    ("listDestinationCatalog", "count"): 50,
    ("listDestinationSubscriptions", "count"): 50,
    ("listDestinations", "count"): 50,
    ("listFunctions", "count"): 50,
    ("listSources", "count"): 50,
    ("listSourcesCatalog", "count"): 50,
    ("listTransformations", "count"): 50,
    ("listUsers", "count"): 50,
    ("listWarehouses", "count"): 50,
    ("listWarehousesCatalog", "count"): 50,
    ("rawRequest", "maxRetries"): 0,
    ("rawRequest", "responseType"): "json",
    ("rawRequest", "retryAllErrors"): False,
    ("rawRequest", "retryDelayMS"): 0,
    ("rawRequest", "useExponentialBackoff"): False,
}

#: Inputs that had a sample value as default (placeholder ids, sample settings, sample renames),
#: which the replaced component then sent as if the user had given it: they have no default now.
NO_SAMPLE_DEFAULT: frozenset[tuple[str, str]] = frozenset(
    {
        ("createFunction", "settings"),
        ("createTransformation", "propertyRenames"),
        ("createTransformation", "propertyValueTransformations"),
        ("createUserInvites", "invites"),
        ("deleteUser", "userIds"),
        ("getEventsVolumeFromWorkspace", "appVersion"),
        ("getEventsVolumeFromWorkspace", "eventName"),
        ("getEventsVolumeFromWorkspace", "eventType"),
        ("getEventsVolumeFromWorkspace", "sourceId"),
        ("updateFunction", "settings"),
        ("updateTransformation", "propertyRenames"),
        ("updateTransformation", "propertyValueTransformations"),
    }
)
