"""Export: read a workspace through the component's list actions and write it as a snapshot.

Every read is a list action with `fetchAll` (the client follows the pages and applies the retry
and rate-limit rules), run concurrently. Sensitive settings never reach the snapshot: a setting
whose catalog option is of type `password`, any warehouse `password`, any value the API returned
censored, and a Transformation's hash `key` are written as `{"$secret": "NAME"}` references, and
the export lists the names it wrote (`secretReferences`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from component.segment.errors import ApiError
from component.workspace.model import (
    FORMAT_VERSION,
    Snapshot,
    is_censored,
    secret_name,
    secret_ref,
    unique_keys,
)

if TYPE_CHECKING:
    from component.segment.connection import SegmentContext

#: Runs one action of the component: (key, inputs) -> {"data": <the API's body>}.
Invoke = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
FUNCTION_TYPES = ("SOURCE", "DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION")
ALWAYS_SENSITIVE = frozenset({"password"})
TRANSFORMATION_FIELDS = (
    "enabled",
    "if",
    "destinationMetadataId",
    "newEventName",
    "propertyRenames",
    "propertyValueTransformations",
    "fqlDefinedProperties",
    "drop",
    "allowProperties",
    "hashPropertiesConfiguration",
)
# Answers that mean "this Destination has no subscriptions to list" (not an Actions destination,
# or the workspace lacks the alpha Destination Subscriptions feature).
NO_SUBSCRIPTIONS = frozenset({400, 403, 404, 406, 422})


@dataclass
class Export:
    """A snapshot, the secret references it holds, and the catalog entries its objects use (by
    kind and id: a dry run teaches them to its throwaway emulator)."""

    snapshot: Snapshot
    secrets: list[str]
    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)


async def _all(invoke: Invoke, key: str, collection: str, **inputs: Any) -> list[dict[str, Any]]:
    body = (await invoke(key, {**inputs, "fetchAll": True}))["data"]
    items = body.get("data", {}).get(collection, []) if isinstance(body, dict) else []
    return [item for item in items if isinstance(item, dict)]


async def _subscriptions(invoke: Invoke, destination: Mapping[str, Any]) -> list[dict[str, Any]]:
    actions = destination.get("metadata", {}).get("actions")
    if actions is not None and not actions:
        return []  # a classic (not Actions) destination has no subscriptions
    try:
        return await _all(invoke, "listDestinationSubscriptions", "subscriptions", destinationId=destination["id"])
    except ApiError as exc:
        if exc.status in NO_SUBSCRIPTIONS:
            return []
        raise


async def _function(invoke: Invoke, function_id: str) -> dict[str, Any]:
    body = (await invoke("getFunction", {"functionId": function_id}))["data"]
    function = body.get("data", {}).get("function") if isinstance(body, dict) else None
    return function if isinstance(function, dict) else {"id": function_id}


def sensitive_keys(record: Mapping[str, Any]) -> frozenset[str]:
    options = record.get("metadata", {}).get("options") or []
    return frozenset(o["name"] for o in options if isinstance(o, dict) and o.get("type") == "password")


class _Secrets:
    def __init__(self) -> None:
        self.names: list[str] = []

    def ref(self, *parts: str) -> dict[str, str]:
        name = base = secret_name(*parts)
        n = 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.append(name)
        return secret_ref(name)

    def settings(self, record: Mapping[str, Any], *where: str, extra: frozenset[str] = frozenset()) -> Any:
        settings = record.get("settings")
        if not isinstance(settings, dict):
            return {} if settings is None else settings
        sensitive = sensitive_keys(record) | extra
        return {
            k: self.ref(*where, k) if (k in sensitive and v not in (None, "")) or is_censored(v) else v
            for k, v in sorted(settings.items())
        }


async def export_workspace(invoke: Invoke) -> Export:
    """The workspace the actions reach, as a snapshot."""
    lists = await asyncio.gather(
        _all(invoke, "listSources", "sources"),
        _all(invoke, "listDestinations", "destinations"),
        _all(invoke, "listWarehouses", "warehouses"),
        _all(invoke, "listTransformations", "transformations"),
        *(_all(invoke, "listFunctions", "functions", resourceType=t) for t in FUNCTION_TYPES),
    )
    sources, destinations, warehouses, transformations = lists[:4]
    listed = [f for group in lists[4:] for f in group]
    # A list of Functions leaves out their code and settings: each is read in full.
    functions, subscriptions, connected = await asyncio.gather(
        asyncio.gather(*(_function(invoke, f["id"]) for f in listed)),
        asyncio.gather(*(_subscriptions(invoke, d) for d in destinations)),
        asyncio.gather(
            *(_all(invoke, "listConnectedSourcesFromWarehouse", "sources", warehouseId=w["id"]) for w in warehouses)
        ),
    )
    functions = list(functions)
    secrets = _Secrets()
    catalog: dict[str, dict[str, Any]] = {"source": {}, "destination": {}, "warehouse": {}}
    slug_of = {s["id"]: s["slug"] for s in sources}

    out_sources: dict[str, Any] = {}
    for source in sorted(sources, key=lambda s: s["slug"]):
        metadata = source.get("metadata", {})
        catalog["source"][metadata.get("id", "")] = metadata
        out_sources[source["slug"]] = {
            "id": source["id"],
            "name": source.get("name"),
            "metadataId": metadata.get("id"),
            "type": metadata.get("name"),
            "enabled": source.get("enabled"),
            "settings": secrets.settings(source, "source", source["slug"]),
            "labels": source.get("labels") or [],
            "destinations": {},
        }

    by_source: dict[str, list[tuple[dict[str, Any], list[dict[str, Any]]]]] = {}
    for destination, subs in zip(destinations, subscriptions, strict=True):
        by_source.setdefault(destination.get("sourceId", ""), []).append((destination, subs))
    for source_id, pairs in by_source.items():
        slug = slug_of.get(source_id)
        if slug is None:
            continue  # a destination whose source vanished while we read
        pairs.sort(key=lambda p: (str(p[0].get("name")), p[0]["id"]))
        keys = unique_keys([(d["id"], str(d.get("name"))) for d, _ in pairs])
        for destination, subs in pairs:
            key = keys[destination["id"]]
            metadata = destination.get("metadata", {})
            catalog["destination"][metadata.get("id", "")] = metadata
            entry: dict[str, Any] = {
                "id": destination["id"],
                "metadataId": metadata.get("id"),
                "type": metadata.get("name"),
                "enabled": destination.get("enabled"),
                "settings": secrets.settings(destination, "destination", slug, key),
                "subscriptions": _subscription_entries(subs),
            }
            if key != destination.get("name"):
                entry["name"] = destination.get("name")
            out_sources[slug]["destinations"][key] = entry

    out_warehouses: dict[str, Any] = {}
    pairs_w = sorted(zip(warehouses, connected, strict=True), key=lambda p: (p[0].get("name") or "", p[0]["id"]))
    keys_w = unique_keys(
        [(w["id"], w.get("name") or f"{w.get('metadata', {}).get('name', 'Warehouse')}") for w, _ in pairs_w]
    )
    for warehouse, linked in pairs_w:
        key = keys_w[warehouse["id"]]
        metadata = warehouse.get("metadata", {})
        catalog["warehouse"][metadata.get("id", "")] = metadata
        entry = {
            "id": warehouse["id"],
            "metadataId": metadata.get("id"),
            "type": metadata.get("name"),
            "enabled": warehouse.get("enabled"),
            "settings": secrets.settings(warehouse, "warehouse", key, extra=ALWAYS_SENSITIVE),
            "sources": sorted(slug_of[s["id"]] for s in linked if s.get("id") in slug_of),
        }
        if key != warehouse.get("name"):
            entry["name"] = warehouse.get("name")
        out_warehouses[key] = entry

    out_functions: dict[str, Any] = {}
    functions.sort(key=lambda f: (str(f.get("displayName")), f["id"]))
    keys_f = unique_keys([(f["id"], str(f.get("displayName"))) for f in functions])
    for function in functions:
        key = keys_f[function["id"]]
        entry = {
            "id": function["id"],
            "resourceType": function.get("resourceType"),
            "code": function.get("code"),
            "description": function.get("description") or "",
            "logoUrl": function.get("logoUrl") or "",
            "settings": function.get("settings") or [],
        }
        if key != function.get("displayName"):
            entry["name"] = function.get("displayName")
        out_functions[key] = entry

    out_transformations: dict[str, Any] = {}
    transformations.sort(key=lambda t: (str(t.get("name")), t["id"]))
    keys_t = unique_keys([(t["id"], str(t.get("name"))) for t in transformations])
    for transformation in transformations:
        key = keys_t[transformation["id"]]
        entry = {"id": transformation["id"], "source": slug_of.get(transformation.get("sourceId", ""))}
        entry.update({f: transformation[f] for f in TRANSFORMATION_FIELDS if transformation.get(f) is not None})
        hashing = entry.get("hashPropertiesConfiguration")
        if isinstance(hashing, dict) and hashing.get("key") not in (None, ""):
            entry["hashPropertiesConfiguration"] = {**hashing, "key": secrets.ref("transformation", key, "hash key")}
        if key != transformation.get("name"):
            entry["name"] = transformation.get("name")
        out_transformations[key] = entry

    snapshot: Snapshot = {
        "formatVersion": FORMAT_VERSION,
        "secretReferences": sorted(secrets.names),
        "sources": out_sources,
        "warehouses": out_warehouses,
        "functions": out_functions,
        "transformations": out_transformations,
    }
    return Export(snapshot, sorted(secrets.names), catalog)


def _subscription_entries(subs: list[dict[str, Any]]) -> dict[str, Any]:
    subs = sorted(subs, key=lambda s: (str(s.get("name")), s["id"]))
    keys = unique_keys([(s["id"], str(s.get("name"))) for s in subs])
    out: dict[str, Any] = {}
    for sub in subs:
        key = keys[sub["id"]]
        entry: dict[str, Any] = {
            "id": sub["id"],
            "actionId": sub.get("actionId"),
            "trigger": sub.get("trigger"),
            "enabled": sub.get("enabled"),
            "settings": sub.get("settings") or {},
        }
        if sub.get("modelId"):
            entry["modelId"] = sub["modelId"]
        if key != sub.get("name"):
            entry["name"] = sub.get("name")
        out[key] = entry
    return out


def handlers_in(ctx: SegmentContext) -> Invoke:
    """Runs the component's actions inside a running action's context (its client, so its
    connection, region, retries and trace), each input checked by the action's own model."""
    from component.segment import handlers

    async def invoke(key: str, inputs: dict[str, Any]) -> dict[str, Any]:
        return await handlers.load(key).invoke_within(ctx, key, inputs)

    return invoke
