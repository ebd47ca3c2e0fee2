"""The snapshot: a workspace as a file, and the objects it holds.

A snapshot is a JSON object (sorted keys, stable order, `formatVersion` 1):

    {"formatVersion": 1,
     "secretReferences": ["SOURCE_STRIPE_PAYMENTS_APIKEY", ...],
     "sources": {"<slug>": {"name", "metadataId", "type", "enabled", "settings", "labels",
                            "destinations": {"<name>": {"metadataId", "type", "enabled", "settings",
                                                        "subscriptions": {"<name>": {...}}}}}},
     "warehouses": {"<name>": {"metadataId", "type", "enabled", "settings", "sources": ["<slug>"]}},
     "functions": {"<displayName>": {"resourceType", "code", "description", "logoUrl", "settings"}},
     "transformations": {"<name>": {"source": "<slug>", "enabled", "if", ...}}}

Objects are keyed by a human name (a Source by its slug, everything else by its name) so that a
snapshot of one workspace applies to another; every object also records its `id`, used only to
recognise a rename in the workspace it came from. When two objects would share a key, the later
ones are keyed `<name> [<id>]` and carry their real name in `name`.

Not compared (informational): `id`, `type` (the catalog entry's name), `labels` (the component
has no action that sets them) and `secretReferences`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from component.segment.errors import InputError

FORMAT_VERSION = 1
SECRET = "$secret"
KINDS = ("source", "warehouse", "destination", "subscription", "function", "transformation")
# Fields kept in the file for people, never compared nor applied.
INFORMATIONAL = frozenset({"id", "type", "labels"})
CENSOR_CHARS = frozenset("•*●")

Snapshot = dict[str, Any]


def secret_ref(name: str) -> dict[str, str]:
    return {SECRET: name}


def is_secret_ref(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {SECRET} and isinstance(value[SECRET], str)


def is_censored(value: Any) -> bool:
    """A value the API censored (returned as a run of mask characters): it says nothing."""
    return isinstance(value, str) and len(value) >= 3 and set(value) <= CENSOR_CHARS


def secret_name(*parts: str) -> str:
    """An environment-variable-style name: WAREHOUSE_ANALYTICS_POSTGRES_PASSWORD."""
    return "_".join(p for p in (re.sub(r"[^A-Za-z0-9]+", "_", part).strip("_").upper() for part in parts) if p)


@dataclass
class Obj:
    """One object of a snapshot, flattened: its kind, its key path (a destination's is
    (source slug, name)), its id and its comparable fields."""

    kind: str
    key: tuple[str, ...]
    id: str | None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f'{self.kind} "{"/".join(self.key)}"'

    @property
    def name(self) -> str:
        return str(self.fields.get("name") or self.key[-1])


def name_of(key: str, entry: Mapping[str, Any]) -> Any:
    return entry.get("name", key)


def _entry_fields(entry: Mapping[str, Any], children: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in INFORMATIONAL and k not in children}


def flatten(snapshot: Snapshot) -> dict[tuple[str, tuple[str, ...]], Obj]:
    """Every object of the snapshot by (kind, key), parents before children."""
    out: dict[tuple[str, tuple[str, ...]], Obj] = {}

    def add(obj: Obj) -> None:
        out[(obj.kind, obj.key)] = obj

    for slug, source in sorted(snapshot.get("sources", {}).items()):
        add(Obj("source", (slug,), source.get("id"), _entry_fields(source, ("destinations",))))
        for dkey, dest in sorted(source.get("destinations", {}).items()):
            fields = _entry_fields(dest, ("subscriptions",))
            fields["name"] = name_of(dkey, dest)
            add(Obj("destination", (slug, dkey), dest.get("id"), fields))
            for skey, sub in sorted(dest.get("subscriptions", {}).items()):
                sfields = _entry_fields(sub)
                sfields["name"] = name_of(skey, sub)
                add(Obj("subscription", (slug, dkey, skey), sub.get("id"), sfields))
    for kind, section in (
        ("warehouse", "warehouses"),
        ("function", "functions"),
        ("transformation", "transformations"),
    ):
        for key, entry in sorted(snapshot.get(section, {}).items()):
            fields = _entry_fields(entry)
            fields["name"] = name_of(key, entry)
            if kind == "warehouse":
                fields["sources"] = sorted(entry.get("sources", []))
            add(Obj(kind, (key,), entry.get("id"), fields))
    return out


def unique_keys(names: list[tuple[str, str]]) -> dict[str, str]:
    """id -> key: the name, or `<name> [<id>]` for every object after the first with that name."""
    seen: set[str] = set()
    keys: dict[str, str] = {}
    for object_id, name in names:
        key = name if name not in seen else f"{name} [{object_id}]"
        seen.add(name)
        keys[object_id] = key
    return keys


def secret_references(value: Any) -> Iterator[str]:
    if is_secret_ref(value):
        yield value[SECRET]
    elif isinstance(value, dict):
        for item in value.values():
            yield from secret_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from secret_references(item)


def dumps(snapshot: Snapshot) -> str:
    """The file's text: sorted keys, two-space indent, a final newline (diffable)."""
    return json.dumps(snapshot, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


SECTIONS = {"sources": dict, "warehouses": dict, "functions": dict, "transformations": dict, "secretReferences": list}


def check(snapshot: Any, where: str = "snapshot") -> Snapshot:
    """The snapshot, or InputError naming each field that is not what the format says."""
    if not isinstance(snapshot, dict):
        raise InputError.single(where, "must be a JSON object (a workspace snapshot)")
    problems: list[tuple[str, str]] = []
    version = snapshot.get("formatVersion")
    if version != FORMAT_VERSION:
        problems.append(("formatVersion", f"must be {FORMAT_VERSION} (this program reads format {FORMAT_VERSION})"))
    for key, value in snapshot.items():
        kind = SECTIONS.get(key)
        if key == "formatVersion":
            continue
        if kind is None:
            problems.append(
                (
                    key,
                    "is not a section of the format (sources, warehouses, functions, "
                    "transformations, secretReferences)",
                )
            )
        elif not isinstance(value, kind):
            problems.append((key, f"must be a JSON {'object' if kind is dict else 'list'}"))
    for section in ("sources", "warehouses", "functions", "transformations"):
        for key, entry in (snapshot.get(section) or {}).items() if isinstance(snapshot.get(section), dict) else ():
            if not isinstance(entry, dict):
                problems.append((f"{section}.{key}", "must be a JSON object"))
                continue
            problems += _check_entry(section, f"{section}.{key}", entry)
    if problems:
        from component.framework.errors import FieldError

        raise InputError([FieldError(f"{where}.{f}", r) for f, r in problems])
    return snapshot


REQUIRED = {
    "sources": ("metadataId",),
    "destinations": ("metadataId",),
    "subscriptions": ("actionId", "trigger"),
    "warehouses": ("metadataId",),
    "functions": ("resourceType", "code"),
    "transformations": ("source", "if"),
}


TYPES: dict[str, tuple[type, ...]] = {
    "enabled": (bool,),
    "name": (str, type(None)),
    "metadataId": (str,),
    "actionId": (str,),
    "trigger": (str,),
    "modelId": (str,),
    "resourceType": (str,),
    "code": (str,),
    "description": (str,),
    "logoUrl": (str,),
    "source": (str,),
    "if": (str,),
    "sources": (list,),
    "labels": (list,),
}
TYPE_NAMES = {bool: "true or false", str: "text", list: "a list", type(None): "null"}


def _check_entry(section: str, path: str, entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = [(f"{path}.{name}", "is required") for name in REQUIRED[section] if name not in entry]
    for name, value in entry.items():
        allowed = TYPES.get(name)
        if allowed and not isinstance(value, allowed):
            problems.append((f"{path}.{name}", "must be " + " or ".join(TYPE_NAMES[t] for t in allowed)))
    if (
        section == "warehouses"
        and isinstance(entry.get("sources"), list)
        and not all(isinstance(slug, str) for slug in entry["sources"])
    ):
        problems.append((f"{path}.sources", "must be a list of Source slugs"))
    settings = entry.get("settings")
    if section != "functions" and settings is not None and not isinstance(settings, dict):
        problems.append((f"{path}.settings", "must be a JSON object"))
    for child in ("destinations", "subscriptions"):
        if child in entry:
            children = entry[child]
            if not isinstance(children, dict):
                problems.append((f"{path}.{child}", "must be a JSON object keyed by name"))
                continue
            for key, item in children.items():
                if not isinstance(item, dict):
                    problems.append((f"{path}.{child}.{key}", "must be a JSON object"))
                else:
                    problems += _check_entry(child, f"{path}.{child}.{key}", item)
    return problems


def load(path: str | Path) -> Snapshot:
    """Read and check a snapshot file; bad files raise InputError naming the field."""
    where = str(path)
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError.single(where, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(where, f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return check(data, where)


def comparable(snapshot: Snapshot) -> dict[tuple[str, tuple[str, ...]], dict[str, Any]]:
    """What two snapshots of equal workspaces share: every object's key and compared fields
    (ids and the informational fields aside)."""
    return {key: obj.fields for key, obj in flatten(snapshot).items()}


def remap_ids(snapshot: Snapshot, ids: Mapping[str, str]) -> Snapshot:
    """A copy of the snapshot with each object's `id` replaced as `ids` says (or dropped)."""

    def entries(section: Mapping[str, Any], children: str | None = None, grandchildren: str | None = None) -> Any:
        out = {}
        for key, entry in section.items():
            entry = {k: v for k, v in entry.items() if k != "id"}
            old = section[key].get("id")
            if old in ids:
                entry["id"] = ids[old]
            if children and isinstance(entry.get(children), dict):
                entry[children] = entries(entry[children], grandchildren)
            out[key] = entry
        return out

    copy = dict(snapshot)
    copy["sources"] = entries(snapshot.get("sources", {}), "destinations", "subscriptions")
    for section in ("warehouses", "functions", "transformations"):
        copy[section] = entries(snapshot.get(section, {}))
    return copy
