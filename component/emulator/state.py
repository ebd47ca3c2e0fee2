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

Every resource lives in a :class:`Table` (a dict by id that knows its kind, for 404s). Between
:meth:`Workspace.snapshot` and :meth:`Workspace.commit` a table remembers the contents of every
record it changes, so :meth:`Workspace.restore` rolls a write whose answer failed back. :meth:`Workspace.dump` and
:meth:`Workspace.load` turn the whole workspace into JSON-ready data and back (the demo workspace
ships that way, and ``--state FILE`` persists it).
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

    def getstate(self) -> list[Any]:
        """The generator's state as JSON-ready lists."""
        version, internal, gauss = self._rng.getstate()
        return [version, list(internal), gauss]

    def setstate(self, state: list[Any]) -> None:
        version, internal, gauss = state
        self._rng.setstate((version, tuple(internal), gauss))

    def hex(self, length: int) -> str:
        return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def lower36(self, length: int) -> str:
        return "".join(self._rng.choices(string.digits + string.ascii_lowercase, k=length))


class Table(dict[str, Record]):
    """The records of one resource by id, in creation order: get, add, patch and remove."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        # While a write may still be rolled back: id(record) -> (record, its contents before).
        self.before: dict[int, tuple[Record, Record]] | None = None

    def find(self, id_: str, *, field: str | None = None) -> Record:
        record = self.get(id_)
        if record is None:
            raise not_found(self.kind, id_, field=field)
        return record

    def add(self, record: Record) -> Record:
        self[record["id"]] = record
        return record

    def patch(self, id_: str, changes: Record, *, none_removes: bool = False) -> Record:
        """Apply ``changes`` to the record in place (``None`` removes a key when ``none_removes``):
        whoever holds the record sees the change, as with the live objects tests inspect."""
        record = self.find(id_)
        if self.before is not None and id(record) not in self.before:
            self.before[id(record)] = (record, dict(record))
        for key, value in changes.items():
            if value is None and none_removes:
                record.pop(key, None)
            else:
                record[key] = value
        return record

    def remove(self, id_: str) -> Record:
        record = self.find(id_)
        del self[id_]
        return record


# The tables a request may change, in dump order; the catalogs and roles are fixed at start.
# A new resource declares its own with declare_table() in its module under resources/.
_MUTABLE = (
    "sources",
    "destinations",
    "warehouses",
    "subscriptions",
    "functions",
    "transformations",
    "users",
    "invites",
)
# Records that embed their catalog entry as ``metadata``: dumped as the entry's id.
_WITH_METADATA = {"sources": "source_catalog", "destinations": "destination_catalog", "warehouses": "warehouse_catalog"}
DUMP_VERSION = 1
# Keys of snapshots and dumps that are not tables.
_RESERVED = frozenset(
    {
        "connections",
        "ids",
        "version",
        "workspace",
        "tokenUserId",
        "sourceCatalog",
        "destinationCatalog",
        "warehouseCatalog",
        "roles",
        "tables",
    }
)
# Tables resource modules declare for themselves: name -> kind (for 404 messages).
_DECLARED_TABLES: dict[str, str] = {}


def declare_table(name: str, kind: str) -> None:
    """Give every workspace a table ``ws.tables[name]`` of records by id, kept by snapshots (so a
    failed write is rolled back), dumps and state files, like the built-in ones. A resource module
    calls it at import; its handlers then use ``ws.tables[name].find/add/patch/remove``."""
    if name in _MUTABLE or name in _RESERVED or hasattr(Workspace, name):
        raise ValueError(f"table {name!r} already exists or names another part of the workspace")
    _DECLARED_TABLES[name] = kind


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
        self.sources = Table("Source")
        self.destinations = Table("Destination")
        self.warehouses = Table("Warehouse")
        # warehouseId -> ordered set of connected sourceIds (dict keys keep connection order).
        self.connections: dict[str, dict[str, None]] = {}
        self.subscriptions = Table("Subscription")
        self.functions = Table("Function")
        self.transformations = Table("Transformation")
        self.users = Table("User")
        self.invites = Table("Invite")
        self.roles = Table("Role")
        self.source_catalog = Table("Source metadata")
        self.destination_catalog = Table("Destination metadata")
        self.warehouse_catalog = Table("Warehouse metadata")
        # Every table a request may change, by name: the built-in ones and those resources declare.
        from .routing import declared_routes

        declared_routes()  # imports every resource module, so their tables are declared
        self.tables: dict[str, Table] = {name: getattr(self, name) for name in _MUTABLE}
        self.tables.update((name, Table(kind)) for name, kind in _DECLARED_TABLES.items())
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

    # ---------------------------------------------------------------------- transactions
    def snapshot(self) -> dict[str, Any]:
        """What :meth:`restore` needs to undo every change made after this call."""
        snap: dict[str, Any] = {name: dict(table) for name, table in self.tables.items()}
        snap["connections"] = {w: dict(c) for w, c in self.connections.items()}
        snap["ids"] = self.ids.getstate()
        for table in self.tables.values():
            table.before = {}
        return snap

    def commit(self) -> None:
        """The write since :meth:`snapshot` stands: stop remembering what it changed."""
        for table in self.tables.values():
            table.before = None

    def restore(self, snap: dict[str, Any]) -> None:
        """Undo every change since :meth:`snapshot` (record contents, tables, links, ids)."""
        for name, table in self.tables.items():
            for record, contents in (table.before or {}).values():
                record.clear()
                record.update(contents)
            table.before = None
            table.clear()
            table.update(snap[name])
        self.connections.clear()
        self.connections.update({w: dict(c) for w, c in snap["connections"].items()})
        self.ids.setstate(snap["ids"])

    # --------------------------------------------------------------------- persistence
    def dump(self, *, with_ids: bool = True) -> dict[str, Any]:
        """The whole workspace as JSON-ready data (records embed their catalog entry by id)."""
        data: dict[str, Any] = {
            "version": DUMP_VERSION,
            "workspace": {"id": self.id, "slug": self.slug, "name": self.name},
            "tokenUserId": self.token_user_id,
            "sourceCatalog": list(self.source_catalog.values()),
            "destinationCatalog": list(self.destination_catalog.values()),
            "warehouseCatalog": list(self.warehouse_catalog.values()),
            "roles": list(self.roles.values()),
        }
        for name, table in self.tables.items():
            records = list(table.values())
            if name in _WITH_METADATA:
                records = [{**r, "metadata": r["metadata"]["id"]} for r in records]
            data[name] = records
        data["connections"] = {w: list(c) for w, c in self.connections.items()}
        if with_ids:
            data["ids"] = self.ids.getstate()
        return data

    @classmethod
    def load(cls, data: dict[str, Any], *, id_seed: int = 0) -> Workspace:
        """The workspace :meth:`dump` gave; ``id_seed`` seeds new ids when the data holds no RNG state."""
        if not isinstance(data, dict) or data.get("version") != DUMP_VERSION:
            raise ValueError(f"not an emulator workspace of version {DUMP_VERSION}")
        meta = data["workspace"]
        ws = cls(meta["id"], meta["slug"], meta["name"], id_seed=id_seed)
        ws.token_user_id = data.get("tokenUserId")
        for entry in data["sourceCatalog"]:
            ws.add_source_metadata(entry)
        for entry in data["destinationCatalog"]:
            ws.add_destination_metadata(entry)
        for entry in data["warehouseCatalog"]:
            ws.add_warehouse_metadata(entry)
        for role in data["roles"]:
            ws.roles.add(role)
        for name, table in ws.tables.items():
            catalog: Table | None = getattr(ws, _WITH_METADATA[name]) if name in _WITH_METADATA else None
            # A file saved before a resource declared its table has none: it starts empty.
            for record in data.get(name, ()):
                if catalog is not None:
                    # Replaced in place, so the key keeps its position in the record.
                    record["metadata"] = catalog.find(record["metadata"])
                table[record["email"] if name == "invites" else record["id"]] = record
        ws.connections = {w: dict.fromkeys(c) for w, c in data["connections"].items()}
        if data.get("ids") is not None:
            ws.ids.setstate(data["ids"])
        return ws

    # ------------------------------------------------------------------------------ sources
    def get_source(self, source_id: str, *, field: str | None = None) -> Record:
        return self.sources.find(source_id, field=field)

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
        metadata = self.source_catalog.find(metadata_id, field="metadataId")
        if self._slug_taken(slug):
            raise ApiError(409, f"A Source with slug '{slug}' already exists", field="slug")
        source_id = id_ or self.ids.base62()
        record = self.sources.add(
            {
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
        )
        if connect_warehouses:
            # The live API connected a new source to every warehouse (terraform-provider #133).
            for connected in self.connections.values():
                connected[source_id] = None
        return record

    def update_source(self, source_id: str, changes: Record) -> Record:
        record = self.get_source(source_id)
        if "slug" in changes and changes["slug"] != record["slug"] and self._slug_taken(changes["slug"], source_id):
            raise ApiError(409, f"A Source with slug '{changes['slug']}' already exists", field="slug")
        return self.sources.patch(source_id, self._with_settings(record, changes, ("name", "enabled", "slug")))

    def _with_settings(self, record: Record, changes: Record, keys: Iterable[str]) -> Record:
        """The changes to apply: the given ``keys``, and settings with a sent-back mask kept."""
        out = {k: changes[k] for k in keys if k in changes}
        if "settings" in changes:
            out["settings"] = self._incoming_settings(record["metadata"]["id"], changes["settings"], record["settings"])
        return out

    def delete_source(self, source_id: str) -> None:
        self.sources.remove(source_id)
        for connected in self.connections.values():
            connected.pop(source_id, None)
        for destination_id in [d for d, r in self.destinations.items() if r["sourceId"] == source_id]:
            self._drop_destination(destination_id)
        for transformation_id in [t for t, r in self.transformations.items() if r["sourceId"] == source_id]:
            del self.transformations[transformation_id]

    # ------------------------------------------------------------------------- destinations
    def get_destination(self, destination_id: str) -> Record:
        return self.destinations.find(destination_id)

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
        metadata = self.destination_catalog.find(metadata_id, field="metadataId")
        if metadata["supportedFeatures"].get("cloudModeInstances") in ("SINGLE", "1") and any(
            r["sourceId"] == source_id and r["metadata"]["id"] == metadata_id for r in self.destinations.values()
        ):
            # terraform-provider-segment #104: a second instance of a single-instance type.
            raise bad_request("Multiple configurations of this destination type not supported.")
        return self.destinations.add(
            {
                "id": id_ or self.ids.base62(),
                "name": name if name is not None else metadata["name"],
                "enabled": enabled,
                "metadata": metadata,
                "sourceId": source_id,
                "settings": dict(settings),
            }
        )

    def update_destination(self, destination_id: str, changes: Record) -> Record:
        record = self.get_destination(destination_id)
        return self.destinations.patch(destination_id, self._with_settings(record, changes, ("name", "enabled")))

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
        record: Record = {
            "id": id_ or self.ids.base62(),
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
        return self.subscriptions.add(record)

    def update_subscription(self, destination_id: str, subscription_id: str, changes: Record) -> Record:
        self.get_subscription(destination_id, subscription_id)
        keys = ("name", "trigger", "enabled", "settings", "reverseETLSchedule")
        out: Record = {k: changes[k] for k in keys if k in changes}
        if "reverseETLModelId" in changes:
            out["modelId"] = changes["reverseETLModelId"]
        return self.subscriptions.patch(subscription_id, out)

    def delete_subscription(self, destination_id: str, subscription_id: str) -> None:
        self.get_subscription(destination_id, subscription_id)
        del self.subscriptions[subscription_id]

    # --------------------------------------------------------------------------- warehouses
    def get_warehouse(self, warehouse_id: str) -> Record:
        return self.warehouses.find(warehouse_id)

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
        metadata = self.warehouse_catalog.find(metadata_id, field="metadataId")
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
        self.warehouses.add(record)
        # A new warehouse was connected to every source unless told otherwise (terraform #133).
        self.connections[warehouse_id] = dict.fromkeys(self.sources) if connect_sources else {}
        return record

    def update_warehouse(self, warehouse_id: str, changes: Record) -> Record:
        record = self.get_warehouse(warehouse_id)
        out = self._with_settings(record, changes, ("name", "enabled"))
        return self.warehouses.patch(warehouse_id, out, none_removes=True)

    def delete_warehouse(self, warehouse_id: str) -> None:
        self.warehouses.remove(warehouse_id)
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
        return self.functions.find(function_id)

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
        return self.functions.add(record)

    def update_function(self, function_id: str, changes: Record) -> Record:
        return self.functions.patch(function_id, changes)

    def delete_function(self, function_id: str) -> None:
        self.functions.remove(function_id)

    # ---------------------------------------------------------------------- transformations
    def get_transformation(self, transformation_id: str) -> Record:
        return self.transformations.find(transformation_id)

    def _check_transformation_refs(self, fields: Record) -> None:
        if "sourceId" in fields:
            self.get_source(fields["sourceId"], field="sourceId")
        dmid = fields.get("destinationMetadataId")
        if dmid is not None:
            self.destination_catalog.find(dmid, field="destinationMetadataId")

    def create_transformation(self, fields: Record, *, id_: str | None = None) -> Record:
        self._check_transformation_refs(fields)
        record: Record = {
            "id": id_ or self.ids.base62(),
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
        return self.transformations.add(record)

    def update_transformation(self, transformation_id: str, changes: Record) -> Record:
        self.get_transformation(transformation_id)
        self._check_transformation_refs(changes)
        return self.transformations.patch(transformation_id, changes, none_removes=True)

    def delete_transformation(self, transformation_id: str) -> None:
        self.transformations.remove(transformation_id)

    # ------------------------------------------------------------------------- users, IAM
    def get_user(self, user_id: str) -> Record:
        return self.users.find(user_id)

    def add_user(self, id_: str, name: str, email: str, permissions: list[Record]) -> Record:
        return self.users.add({"id": id_, "name": name, "email": email, "permissions": permissions})

    def delete_users(self, user_ids: Iterable[str]) -> None:
        ids = list(user_ids)
        for user_id in ids:
            self.get_user(user_id)
        for user_id in ids:
            self.users.pop(user_id, None)

    def add_role(self, id_: str, name: str, description: str) -> Record:
        return self.roles.add({"id": id_, "name": name, "description": description})

    def invite(self, email: str, permissions: list[Record]) -> Record:
        record: Record = {"email": email, "permissions": permissions, "createdAt": self.clock()}
        self.invites[email] = record
        return record
