"""The emulated workspace: plain dicts in memory, stored in the API's own shapes.

Records are kept exactly as the API returns them (``SourceV1``, ``DestinationV1``, ...) so that a
read is a dictionary lookup plus one ``json.dumps``; nothing is deep-copied per request. A source,
destination or warehouse record's ``metadata`` is the catalog entry itself (shared, never copied).

Two rules are applied when a record is *rendered*, not when it is stored:

* **Censoring.** A settings value is replaced by :data:`MASK` when the catalog option with that
  name has ``type == "password"``, or when the key is ``password`` (any warehouse's password comes
  back altered, as on the live API). Tests that inspect ``state`` see the stored, uncensored value.
  Sending :data:`MASK` back in an update keeps the stored secret (a read-modify-write round trip
  does not destroy it).
* **Settings on update** (sources, destinations, warehouses): a given ``settings`` object
  *replaces* the stored one; it is not merged.

Mutations raise :class:`~component.emulator.errors.ApiError` for unknown references (404),
duplicates (409) and refused configurations (400), so HTTP handlers stay thin.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from .errors import ApiError, bad_request, not_found

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
MASK = "••••••••"
# Keys censored whatever the catalog says: the live API never echoes a warehouse password.
ALWAYS_SENSITIVE: frozenset[str] = frozenset({"password"})

FUNCTION_PREFIXES: dict[str, str] = {
    "SOURCE": "sfnc_",
    "DESTINATION": "dfn_",
    "INSERT_DESTINATION": "ifnd_",
    "INSERT_SOURCE": "ifns_",
    "INSERT_TRANSFORMATION": "iftr_",
}
FUNCTION_TYPES: tuple[str, ...] = tuple(FUNCTION_PREFIXES)

Record = dict[str, Any]


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class IdFactory:
    """Deterministic ids from a seeded RNG: the same emulator arguments give the same ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def base62(self, length: int = 22) -> str:
        return "".join(self._rng.choices(BASE62, k=length))

    def many_base62(self, count: int, length: int = 22) -> list[str]:
        # One choices() call for the whole batch: ~20x faster than one call per id.
        text = "".join(self._rng.choices(BASE62, k=count * length))
        return [text[i : i + length] for i in range(0, count * length, length)]

    def hex(self, length: int) -> str:
        return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def lower36(self, length: int) -> str:
        return "".join(self._rng.choices(string.digits + string.ascii_lowercase, k=length))


def sensitive_option_names(entry: Record) -> frozenset[str]:
    names = {o["name"] for o in entry.get("options", ()) if o.get("type") == "password"}
    return frozenset(names) | ALWAYS_SENSITIVE


class Workspace:
    """One workspace: its resources, their relations and the three catalogs."""

    def __init__(self, id_: str, slug: str, name: str, *, id_seed: int = 0) -> None:
        self.id = id_
        self.slug = slug
        self.name = name
        self.ids = IdFactory(id_seed)
        self.sources: dict[str, Record] = {}
        self.destinations: dict[str, Record] = {}
        self.warehouses: dict[str, Record] = {}
        # warehouseId -> ordered set of connected sourceIds (dict keys keep connection order).
        self.connections: dict[str, dict[str, None]] = {}
        self.subscriptions: dict[str, Record] = {}
        self.functions: dict[str, Record] = {}
        self.transformations: dict[str, Record] = {}
        self.users: dict[str, Record] = {}
        self.invites: dict[str, Record] = {}
        self.roles: dict[str, Record] = {}
        self.source_catalog: dict[str, Record] = {}
        self.destination_catalog: dict[str, Record] = {}
        self.warehouse_catalog: dict[str, Record] = {}
        self._sensitive: dict[str, frozenset[str]] = {}
        # The user the token belongs to: functions record it as createdBy.
        self.token_user_id: str | None = None
        # Timestamps of new records; example payloads freeze it so that they are the same every run.
        self.clock: Callable[[], str] = now_iso

    # ----------------------------------------------------------------------------- catalogs
    def add_source_metadata(self, entry: Record) -> Record:
        self.source_catalog[entry["id"]] = entry
        self._sensitive[entry["id"]] = sensitive_option_names(entry)
        return entry

    def add_destination_metadata(self, entry: Record) -> Record:
        self.destination_catalog[entry["id"]] = entry
        self._sensitive[entry["id"]] = sensitive_option_names(entry)
        return entry

    def add_warehouse_metadata(self, entry: Record) -> Record:
        self.warehouse_catalog[entry["id"]] = entry
        self._sensitive[entry["id"]] = sensitive_option_names(entry)
        return entry

    def sensitive_keys(self, metadata_id: str) -> frozenset[str]:
        return self._sensitive.get(metadata_id, ALWAYS_SENSITIVE)

    # ---------------------------------------------------------------------------- rendering
    def censor(self, metadata_id: str, settings: Record) -> Record:
        sensitive = self._sensitive.get(metadata_id, ALWAYS_SENSITIVE)
        if not settings or sensitive.isdisjoint(settings):
            return settings
        return {k: (MASK if k in sensitive and v not in (None, "") else v) for k, v in settings.items()}

    def render(self, record: Record) -> Record:
        """A source/destination/warehouse as the API returns it (sensitive settings censored)."""
        settings = record["settings"]
        censored = self.censor(record["metadata"]["id"], settings)
        if censored is settings:
            return record
        out = dict(record)
        out["settings"] = censored
        return out

    def _incoming_settings(self, metadata_id: str, new: Record, old: Record) -> Record:
        sensitive = self._sensitive.get(metadata_id, ALWAYS_SENSITIVE)
        if sensitive.isdisjoint(new):
            return dict(new)
        return {k: (old.get(k, v) if k in sensitive and v == MASK else v) for k, v in new.items()}

    # ------------------------------------------------------------------------------ sources
    def get_source(self, source_id: str, *, field: str | None = None) -> Record:
        record = self.sources.get(source_id)
        if record is None:
            raise not_found("Source", source_id, field=field)
        return record

    def _slug_taken(self, slug: str, except_id: str | None = None) -> bool:
        return any(r["slug"] == slug and r["id"] != except_id for r in self.sources.values())

    def create_source(
        self,
        *,
        slug: str,
        enabled: bool,
        metadata_id: str,
        name: str | None = None,
        settings: Record | None = None,
        connect_warehouses: bool = True,
        id_: str | None = None,
        write_keys: list[str] | None = None,
        labels: list[Record] | None = None,
    ) -> Record:
        metadata = self.source_catalog.get(metadata_id)
        if metadata is None:
            raise not_found("Source metadata", metadata_id, field="metadataId")
        if self._slug_taken(slug):
            raise ApiError(409, f"A Source with slug '{slug}' already exists", field="slug")
        source_id = id_ or self.ids.base62()
        record: Record = {
            "id": source_id,
            "slug": slug,
            "name": name if name is not None else slug,
            "workspaceId": self.id,
            "enabled": enabled,
            "writeKeys": write_keys if write_keys is not None else [self.ids.base62(32)],
            "metadata": metadata,
            "settings": dict(settings or {}),
            "labels": labels if labels is not None else [],
        }
        self.sources[source_id] = record
        if connect_warehouses:
            # The live API connected a new source to every warehouse (terraform-provider #133).
            for connected in self.connections.values():
                connected[source_id] = None
        return record

    def update_source(self, source_id: str, changes: Record) -> Record:
        record = self.get_source(source_id)
        if "slug" in changes and changes["slug"] != record["slug"] and self._slug_taken(changes["slug"], source_id):
            raise ApiError(409, f"A Source with slug '{changes['slug']}' already exists", field="slug")
        for key in ("name", "enabled", "slug"):
            if key in changes:
                record[key] = changes[key]
        if "settings" in changes:
            record["settings"] = self._incoming_settings(
                record["metadata"]["id"], changes["settings"], record["settings"]
            )
        return record

    def delete_source(self, source_id: str) -> None:
        self.get_source(source_id)
        del self.sources[source_id]
        for connected in self.connections.values():
            connected.pop(source_id, None)
        for destination_id in [d for d, r in self.destinations.items() if r["sourceId"] == source_id]:
            self._drop_destination(destination_id)
        for transformation_id in [t for t, r in self.transformations.items() if r["sourceId"] == source_id]:
            del self.transformations[transformation_id]

    # ------------------------------------------------------------------------- destinations
    def get_destination(self, destination_id: str) -> Record:
        record = self.destinations.get(destination_id)
        if record is None:
            raise not_found("Destination", destination_id)
        return record

    def create_destination(
        self,
        *,
        source_id: str,
        metadata_id: str,
        settings: Record,
        name: str | None = None,
        enabled: bool = False,
        id_: str | None = None,
    ) -> Record:
        self.get_source(source_id, field="sourceId")
        metadata = self.destination_catalog.get(metadata_id)
        if metadata is None:
            raise not_found("Destination metadata", metadata_id, field="metadataId")
        if metadata["supportedFeatures"].get("cloudModeInstances") in ("SINGLE", "1") and any(
            r["sourceId"] == source_id and r["metadata"]["id"] == metadata_id for r in self.destinations.values()
        ):
            # terraform-provider-segment #104: a second instance of a single-instance type.
            raise bad_request("Multiple configurations of this destination type not supported.")
        destination_id = id_ or self.ids.base62()
        record: Record = {
            "id": destination_id,
            "name": name if name is not None else metadata["name"],
            "enabled": enabled,
            "metadata": metadata,
            "sourceId": source_id,
            "settings": dict(settings),
        }
        self.destinations[destination_id] = record
        return record

    def update_destination(self, destination_id: str, changes: Record) -> Record:
        record = self.get_destination(destination_id)
        for key in ("name", "enabled"):
            if key in changes:
                record[key] = changes[key]
        if "settings" in changes:
            record["settings"] = self._incoming_settings(
                record["metadata"]["id"], changes["settings"], record["settings"]
            )
        return record

    def _drop_destination(self, destination_id: str) -> None:
        del self.destinations[destination_id]
        for sub_id in [s for s, r in self.subscriptions.items() if r["destinationId"] == destination_id]:
            del self.subscriptions[sub_id]

    def delete_destination(self, destination_id: str) -> None:
        self.get_destination(destination_id)
        self._drop_destination(destination_id)

    # ------------------------------------------------------------------------ subscriptions
    def subscriptions_of(self, destination_id: str) -> list[Record]:
        return [r for r in self.subscriptions.values() if r["destinationId"] == destination_id]

    def get_subscription(self, destination_id: str, subscription_id: str) -> Record:
        self.get_destination(destination_id)
        record = self.subscriptions.get(subscription_id)
        if record is None or record["destinationId"] != destination_id:
            raise ApiError(
                404,
                f"Subscription with id '{subscription_id}' not found in Destination '{destination_id}'",
            )
        return record

    def create_subscription(
        self,
        destination_id: str,
        *,
        name: str,
        action_id: str,
        trigger: str,
        enabled: bool,
        settings: Record | None = None,
        model_id: str | None = None,
        id_: str | None = None,
    ) -> Record:
        destination = self.get_destination(destination_id)
        action = next((a for a in destination["metadata"]["actions"] if a["id"] == action_id), None)
        if action is None:
            raise ApiError(
                422,
                f"actionId '{action_id}' is not an action of Destination metadata '{destination['metadata']['id']}'",
                field="actionId",
            )
        subscription_id = id_ or self.ids.base62()
        record: Record = {
            "id": subscription_id,
            "name": name,
            "actionId": action_id,
            "actionSlug": action["slug"],
            "destinationId": destination_id,
            "enabled": enabled,
            "settings": dict(settings or {}),
            "trigger": trigger,
        }
        if model_id is not None:
            record["modelId"] = model_id
        self.subscriptions[subscription_id] = record
        return record

    def update_subscription(self, destination_id: str, subscription_id: str, changes: Record) -> Record:
        record = self.get_subscription(destination_id, subscription_id)
        for key in ("name", "trigger", "enabled", "settings", "reverseETLSchedule"):
            if key in changes:
                record[key] = changes[key]
        if "reverseETLModelId" in changes:
            record["modelId"] = changes["reverseETLModelId"]
        return record

    def delete_subscription(self, destination_id: str, subscription_id: str) -> None:
        self.get_subscription(destination_id, subscription_id)
        del self.subscriptions[subscription_id]

    # --------------------------------------------------------------------------- warehouses
    def get_warehouse(self, warehouse_id: str) -> Record:
        record = self.warehouses.get(warehouse_id)
        if record is None:
            raise not_found("Warehouse", warehouse_id)
        return record

    def create_warehouse(
        self,
        *,
        metadata_id: str,
        settings: Record,
        name: str | None = None,
        enabled: bool = True,
        connect_sources: bool = True,
        id_: str | None = None,
    ) -> Record:
        metadata = self.warehouse_catalog.get(metadata_id)
        if metadata is None:
            raise not_found("Warehouse metadata", metadata_id, field="metadataId")
        warehouse_id = id_ or self.ids.base62()
        record: Record = {
            "id": warehouse_id,
            "workspaceId": self.id,
            "enabled": enabled,
            "metadata": metadata,
            "settings": dict(settings),
        }
        if name is not None:
            record["name"] = name
        self.warehouses[warehouse_id] = record
        # A new warehouse was connected to every source unless told otherwise (terraform #133).
        self.connections[warehouse_id] = dict.fromkeys(self.sources) if connect_sources else {}
        return record

    def update_warehouse(self, warehouse_id: str, changes: Record) -> Record:
        record = self.get_warehouse(warehouse_id)
        if "name" in changes:
            if changes["name"] is None:
                record.pop("name", None)
            else:
                record["name"] = changes["name"]
        if "enabled" in changes:
            record["enabled"] = changes["enabled"]
        if "settings" in changes:
            record["settings"] = self._incoming_settings(
                record["metadata"]["id"], changes["settings"], record["settings"]
            )
        return record

    def delete_warehouse(self, warehouse_id: str) -> None:
        self.get_warehouse(warehouse_id)
        del self.warehouses[warehouse_id]
        self.connections.pop(warehouse_id, None)

    def connect(self, warehouse_id: str, source_id: str) -> None:
        self.get_warehouse(warehouse_id)
        self.get_source(source_id)
        self.connections.setdefault(warehouse_id, {})[source_id] = None

    def disconnect(self, warehouse_id: str, source_id: str) -> None:
        self.get_warehouse(warehouse_id)
        self.get_source(source_id)
        connected = self.connections.get(warehouse_id, {})
        if source_id not in connected:
            raise ApiError(404, f"Source '{source_id}' is not connected to Warehouse '{warehouse_id}'")
        del connected[source_id]

    def connected_sources(self, warehouse_id: str) -> list[Record]:
        self.get_warehouse(warehouse_id)
        return [self.sources[s] for s in self.connections.get(warehouse_id, {}) if s in self.sources]

    # ---------------------------------------------------------------------------- functions
    def get_function(self, function_id: str) -> Record:
        record = self.functions.get(function_id)
        if record is None:
            raise not_found("Function", function_id)
        return record

    def create_function(
        self,
        *,
        resource_type: str,
        code: str,
        display_name: str,
        settings: list[Record] | None = None,
        description: str | None = None,
        logo_url: str | None = None,
        id_: str | None = None,
        created_at: str | None = None,
    ) -> Record:
        function_id = id_ or FUNCTION_PREFIXES[resource_type] + self.ids.base62()
        record: Record = {
            "id": function_id,
            "resourceType": resource_type,
            "createdAt": created_at or self.clock(),
            "createdBy": self.token_user_id or "",
            "code": code,
            "deployedAt": None,
            "settings": list(settings or []),
            "displayName": display_name,
            "description": description or "",
            "logoUrl": logo_url or "",
            "catalogId": function_id,
            "isLatestVersion": True,
        }
        if resource_type == "SOURCE":
            record["previewWebhookUrl"] = f"https://fn.segmentapis.com/?b={function_id}"
        else:
            record["batchMaxCount"] = 0
        self.functions[function_id] = record
        return record

    def update_function(self, function_id: str, changes: Record) -> Record:
        record = self.get_function(function_id)
        record.update(changes)
        return record

    def delete_function(self, function_id: str) -> None:
        self.get_function(function_id)
        del self.functions[function_id]

    # ---------------------------------------------------------------------- transformations
    def get_transformation(self, transformation_id: str) -> Record:
        record = self.transformations.get(transformation_id)
        if record is None:
            raise not_found("Transformation", transformation_id)
        return record

    def _check_transformation_refs(self, fields: Record) -> None:
        if "sourceId" in fields:
            self.get_source(fields["sourceId"], field="sourceId")
        dmid = fields.get("destinationMetadataId")
        if dmid is not None and dmid not in self.destination_catalog:
            raise not_found("Destination metadata", dmid, field="destinationMetadataId")

    def create_transformation(self, fields: Record, *, id_: str | None = None) -> Record:
        self._check_transformation_refs(fields)
        transformation_id = id_ or self.ids.base62()
        record: Record = {
            "id": transformation_id,
            "name": fields["name"],
            "sourceId": fields["sourceId"],
            "enabled": fields["enabled"],
            "if": fields["if"],
            "drop": False,
            "propertyRenames": [],
            "propertyValueTransformations": [],
            "fqlDefinedProperties": [],
            "allowProperties": [],
        }
        record.update({k: v for k, v in fields.items() if v is not None})
        self.transformations[transformation_id] = record
        return record

    def update_transformation(self, transformation_id: str, changes: Record) -> Record:
        record = self.get_transformation(transformation_id)
        self._check_transformation_refs(changes)
        for key, value in changes.items():
            if value is None:
                record.pop(key, None)
            else:
                record[key] = value
        return record

    def delete_transformation(self, transformation_id: str) -> None:
        self.get_transformation(transformation_id)
        del self.transformations[transformation_id]

    # ------------------------------------------------------------------------- users, IAM
    def get_user(self, user_id: str) -> Record:
        record = self.users.get(user_id)
        if record is None:
            raise not_found("User", user_id)
        return record

    def add_user(self, id_: str, name: str, email: str, permissions: list[Record]) -> Record:
        record: Record = {"id": id_, "name": name, "email": email, "permissions": permissions}
        self.users[id_] = record
        return record

    def delete_users(self, user_ids: Iterable[str]) -> None:
        ids = list(user_ids)
        for user_id in ids:
            self.get_user(user_id)
        for user_id in ids:
            self.users.pop(user_id, None)

    def add_role(self, id_: str, name: str, description: str) -> Record:
        record: Record = {"id": id_, "name": name, "description": description}
        self.roles[id_] = record
        return record

    def invite(self, email: str, permissions: list[Record]) -> Record:
        record: Record = {"email": email, "permissions": permissions, "createdAt": self.clock()}
        self.invites[email] = record
        return record
