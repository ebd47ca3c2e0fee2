"""Diff: which objects two snapshots add, remove and change, and for a change which fields.

`compare(a, b)` reads `a` as the current state and `b` as the wanted one. Objects are matched by
id when both sides carry the same one (a rename in the workspace the snapshot came from), else by
kind and key. The comparison rules:

* `settings` are compared key by key, over the keys `b` states: a setting only `a` has (a default
  the API added) is no drift.
* A value the API will not return (a censored password), or a `{"$secret": ...}` reference on
  `a`'s side, is never compared. A reference on `b`'s side matches any value `a` has that is not
  empty; it differs only when `a` lacks the setting.
* `id`, `type`, `labels` and `secretReferences` are informational and never compared.
* Every other field `b` states is compared by value (a Warehouse's `sources` as a set).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from component.workspace.model import Obj, Snapshot, flatten, is_censored, is_secret_ref

SECRET_SHOWN = "(secret)"
Key = tuple[str, tuple[str, ...]]


def matches(have: Any, want: Any) -> bool:
    if is_secret_ref(want):
        return have not in (None, "")
    if is_censored(have) or is_secret_ref(have):
        return True
    if isinstance(want, dict) and isinstance(have, dict):
        return set(want) == set(have) and all(matches(have[k], want[k]) for k in want)
    if isinstance(want, list) and isinstance(have, list):
        return len(want) == len(have) and all(matches(h, w) for h, w in zip(have, want, strict=True))
    return bool(have == want)


def shown(value: Any) -> Any:
    """A value as a diff may show it: references and censored values as "(secret)"."""
    if is_secret_ref(value) or is_censored(value):
        return SECRET_SHOWN
    if isinstance(value, dict):
        return {k: shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v) for v in value]
    return value


def field_changes(have: dict[str, Any], want: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Dotted field -> (current, wanted), for every field `want` states that differs."""
    out: dict[str, tuple[Any, Any]] = {}
    for name, value in sorted(want.items()):
        current = have.get(name)
        if name == "settings" and isinstance(value, dict) and isinstance(current, dict | None):
            current = current or {}
            for key, setting in sorted(value.items()):
                if not matches(current.get(key), setting):
                    out[f"settings.{key}"] = (shown(current.get(key)), shown(setting))
        elif not matches(current, value):
            out[name] = (shown(current), shown(value))
    return out


@dataclass
class Change:
    have: Obj
    want: Obj
    fields: dict[str, tuple[Any, Any]]


@dataclass
class Diff:
    added: list[Obj] = field(default_factory=list)
    removed: list[Obj] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_json(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "added": [o.address for o in self.added],
            "removed": [o.address for o in self.removed],
            "changed": [
                {
                    "object": c.want.address,
                    **({"was": c.have.address} if c.have.key != c.want.key else {}),
                    "fields": {k: {"from": a, "to": b} for k, (a, b) in c.fields.items()},
                }
                for c in self.changed
            ],
        }

    def text(self) -> str:
        lines = [f"+ {o.address}" for o in self.added] + [f"- {o.address}" for o in self.removed]
        for c in self.changed:
            renamed = f" (was {c.have.address})" if c.have.key != c.want.key else ""
            lines.append(f"~ {c.want.address}{renamed}")
            lines += [f"    {k}: {brief(a)} -> {brief(b)}" for k, (a, b) in c.fields.items()]
        return "\n".join(lines) + ("\n" if lines else "")


def brief(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def match(have: dict[Key, Obj], want: dict[Key, Obj]) -> dict[Key, Obj]:
    """For each wanted object, the current one it is: same kind and id, else same kind and key."""
    by_id = {(o.kind, o.id): o for o in have.values() if o.id}
    used: set[Key] = set()
    out: dict[Key, Obj] = {}
    for key, obj in want.items():
        found = by_id.get((obj.kind, obj.id)) if obj.id else None
        if found is not None and (found.kind, found.key) not in used:
            out[key] = found
            used.add((found.kind, found.key))
    for key in want:
        if key not in out and key in have and key not in used:
            out[key] = have[key]
            used.add(key)
    return out


def compare(a: Snapshot, b: Snapshot) -> Diff:
    have, want = flatten(a), flatten(b)
    pairs = match(have, want)
    diff = Diff()
    matched = {(o.kind, o.key) for o in pairs.values()}
    for key, obj in want.items():
        current = pairs.get(key)
        if current is None:
            diff.added.append(obj)
            continue
        fields = field_changes(current.fields, obj.fields)
        if current.key != obj.key and obj.kind == "source":
            fields["slug"] = (current.key[0], obj.key[0])
        if fields:
            diff.changed.append(Change(current, obj, fields))
    diff.removed = [o for k, o in have.items() if k not in matched]
    return diff
