"""Plan: the ordered operations that make the current workspace match a snapshot.

Order: deletes first (with `--prune` only), children before parents (subscriptions, destinations,
transformations, source-warehouse connections, warehouses, sources, functions), so that a name or
a single-instance destination type is free before it is taken again; then creates and updates,
parents before children: sources, warehouses, their connections, destinations, subscriptions,
functions, transformations. A field the API cannot change (a catalog type, a Function's resource
type, a subscription's action, a Destination's source) means delete and create again: a replace,
planned only with `--prune`. Without `--prune` no object is ever deleted or disconnected; the plan
says what it left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from component.workspace.diff import Key, brief, compare, field_changes, match
from component.workspace.model import Obj, Snapshot, flatten

IMMUTABLE = {
    "source": ("metadataId",),
    "destination": ("metadataId",),
    "subscription": ("actionId", "modelId"),
    "warehouse": ("metadataId",),
    "function": ("resourceType",),
    "transformation": (),
}
CREATE_ORDER = ("source", "warehouse", "connect", "destination", "subscription", "function", "transformation")
DELETE_ORDER = ("subscription", "destination", "transformation", "disconnect", "warehouse", "source", "function")


@dataclass
class Op:
    """One operation. `want` is the snapshot's object (create, update, connect), `have` the
    workspace's (update, delete, disconnect); a connection names its source's key in `source`."""

    action: str  # create | update | delete | connect | disconnect
    kind: str
    want: Obj | None = None
    have: Obj | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    source: str = ""

    @property
    def obj(self) -> Obj:
        obj = self.want or self.have
        assert obj is not None
        return obj

    @property
    def is_write_to_subscriptions(self) -> bool:
        return self.kind == "subscription"

    def describe(self) -> str:
        if self.action in ("connect", "disconnect"):
            verb = "to" if self.action == "connect" else "from"
            return f'{self.action} source "{self.source}" {verb} {self.obj.address}'
        text = f"{self.action} {self.obj.address}"
        if self.action == "update" and self.have is not None and self.have.key != self.obj.key:
            text += f" (was {self.have.address})"
        if self.changes:
            text += ": " + ", ".join(f"{k} {brief(a, 40)} -> {brief(b, 40)}" for k, (a, b) in self.changes.items())
        return text

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "object": self.obj.address}
        if self.changes:
            out["fields"] = {k: {"from": a, "to": b} for k, (a, b) in self.changes.items()}
        if self.source:
            out["source"] = self.source
        return out


@dataclass
class Plan:
    ops: list[Op] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # what --prune would also do

    @property
    def empty(self) -> bool:
        return not self.ops

    def text(self) -> str:
        lines = [f"{n}. {op.describe()}" for n, op in enumerate(self.ops, 1)] or ["nothing to do"]
        if self.left:
            lines.append(f"left as they are ({len(self.left)}; --prune would remove them):")
            lines += [f"  - {item}" for item in self.left]
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {"operations": [op.as_json() for op in self.ops], "leftWithoutPrune": self.left}


def make_plan(existing: Snapshot, wanted: Snapshot, *, prune: bool = False) -> Plan:
    """The plan that makes the workspace `existing` describes match `wanted`."""
    have, want = flatten(existing), flatten(wanted)
    pairs = match(have, want)
    live_of: dict[Key, Obj] = dict(pairs)
    creates: list[Op] = []
    deletes: list[Op] = []
    left: list[str] = []
    replaced: set[Key] = set()

    def parent_moved(obj: Obj, current_obj: Obj) -> bool:
        if obj.kind not in ("destination", "subscription"):
            return False
        parent_kind = "source" if obj.kind == "destination" else "destination"
        parent = live_of.get((parent_kind, obj.key[:-1]))
        return parent is None or parent.key != current_obj.key[:-1]

    for key, obj in want.items():
        current = pairs.get(key)
        if current is None:
            creates.append(Op("create", obj.kind, want=obj))
            continue
        locked = [f for f in IMMUTABLE[obj.kind] if f in obj.fields and obj.fields.get(f) != current.fields.get(f)]
        parent_kind = "source" if obj.kind == "destination" else "destination"
        parent_replaced = obj.kind in ("destination", "subscription") and (parent_kind, obj.key[:-1]) in replaced
        if locked or parent_replaced or parent_moved(obj, current):
            replaced.add(key)
            why = ", ".join(locked) or "its parent"
            if prune:
                deletes.append(Op("delete", obj.kind, have=current))
                creates.append(Op("create", obj.kind, want=obj))
            else:
                left.append(f"{obj.address}: {why} cannot change in place (replace it with --prune)")
            continue
        changes = field_changes(current.fields, obj.fields)
        changes.pop("sources", None)  # connections are operations of their own
        if obj.kind == "source" and current.key != obj.key:
            changes["slug"] = (current.key[0], obj.key[0])
        if changes:
            creates.append(Op("update", obj.kind, want=obj, have=current, changes=changes))

    # Warehouse connections, by source key (a source's current key maps to its wanted one).
    wanted_key_of_source = {pairs[k].key[0]: k[1][0] for k in pairs if k[0] == "source"}
    for key, obj in want.items():
        if obj.kind != "warehouse" or (key in replaced and not prune):
            continue
        current = pairs.get(key)
        linked_now = (
            set()
            if current is None or key in replaced
            else {wanted_key_of_source.get(s, f"\0{s}") for s in current.fields.get("sources", [])}
        )
        linked_wanted = set(obj.fields.get("sources", []))
        for slug in sorted(linked_wanted - linked_now):
            creates.append(Op("connect", "connect", want=obj, source=slug))
        for slug in sorted(linked_now - linked_wanted):
            current_slug = slug.lstrip("\0")
            if ("source", (current_slug,)) not in have or not prune:
                if ("source", (current_slug,)) in have:
                    left.append(f'source "{current_slug}" stays connected to {obj.address}')
                continue
            deletes.append(Op("disconnect", "disconnect", want=obj, have=current, source=current_slug))

    matched = {(o.kind, o.key) for o in pairs.values()}
    for key, obj in have.items():
        if key in matched:
            continue
        if prune:
            deletes.append(Op("delete", obj.kind, have=obj))
        else:
            left.append(obj.address)

    # A delete of a parent removes its children with it: only the outermost is sent.
    deleted = {(op.kind, op.obj.key) for op in deletes if op.action == "delete"}
    deletes = [op for op in deletes if not _under_deleted(op, deleted)]
    ops = sorted(deletes, key=lambda op: DELETE_ORDER.index(op.kind))
    ops += sorted(creates, key=lambda op: CREATE_ORDER.index(op.kind))
    return Plan(ops, left)


def _under_deleted(op: Op, deleted: set[tuple[str, tuple[str, ...]]]) -> bool:
    key = op.obj.key
    if op.kind == "subscription":
        return ("destination", key[:-1]) in deleted or ("source", key[:1]) in deleted
    if op.kind == "destination":
        return ("source", key[:1]) in deleted
    if op.kind == "disconnect":
        return ("warehouse", key) in deleted or ("source", (op.source,)) in deleted
    return False


__all__ = ["Op", "Plan", "compare", "make_plan"]
