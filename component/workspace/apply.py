"""Apply: run a plan through the component's actions, with progress, pacing and secrets.

* **Idempotent and resumable.** The plan is always computed from the workspace as it is now (a
  fresh export), so a second apply plans nothing and an apply that stopped part-way continues
  where it stopped. A create is sent once: the client never repeats a POST on a fault other
  than a 429 (which the API did not act on); if its answer was lost, the next apply finds the
  object by its key instead of creating it again.
* **Rate limits.** The client waits as each 429 asks. Destination Subscription writes are also
  paced here, at most `SUBSCRIPTION_WRITES` per `SUBSCRIPTION_WINDOW` seconds (Segment allows 5 a
  minute), and each wait is reported before it starts.
* **Secrets.** `{"$secret": "NAME"}` references are resolved from the secrets given (a file's
  and the environment's values) only when a request is built; every reference an operation
  needs is checked before the first write, and a missing one stops the apply before anything
  changed. Settings objects are sent whole (the API replaces them): the snapshot's keys over the
  current ones, a current censored value sent back as the API returned it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from component.framework.errors import FieldError
from component.segment.errors import InputError
from component.workspace.diff import match
from component.workspace.export import Invoke, export_workspace
from component.workspace.model import SECRET, Obj, Snapshot, flatten, is_secret_ref, secret_references
from component.workspace.plan import Op, Plan, make_plan

SUBSCRIPTION_WRITES = 5
SUBSCRIPTION_WINDOW = 60.0
Progress = Callable[[str], None]

CREATED = {
    "source": "source",
    "destination": "destination",
    "subscription": "destinationSubscription",
    "warehouse": "warehouse",
    "function": "function",
    "transformation": "transformation",
}
TRANSFORMATION_INPUTS = {
    "name": "name",
    "enabled": "enabled",
    "if": "ifInput",
    "destinationMetadataId": "destinationMetadataId",
    "newEventName": "newEventName",
    "propertyRenames": "propertyRenames",
    "propertyValueTransformations": "propertyValueTransformations",
    "fqlDefinedProperties": "fqlDefinedProperties",
    "drop": "drop",
    "allowProperties": "allowProperties",
    "hashPropertiesConfiguration": "hashPropertiesConfiguration",
}
FUNCTION_INPUTS = {
    "code": "code",
    "settings": "settings",
    "name": "displayName",
    "logoUrl": "logoUrl",
    "description": "description",
}


def _quiet(_: str) -> None:
    pass


class Pacer:
    """At most `limit` writes in any `window` seconds; says how long it waits before waiting."""

    def __init__(
        self,
        limit: int = SUBSCRIPTION_WRITES,
        window: float = SUBSCRIPTION_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep
        self.stamps: list[float] = []
        self.waited = 0.0

    async def slot(self, notify: Progress) -> None:
        now = self.clock()
        self.stamps = [t for t in self.stamps if t > now - self.window]
        if len(self.stamps) >= self.limit:
            # A margin past the window's end: the server's clock started its window a little later.
            wait = self.stamps[-self.limit] + self.window + min(1.0, self.window * 0.05) - now
            if wait > 0:
                notify(
                    f"waiting {wait:.1f}s: Segment allows {self.limit} Destination Subscription writes "
                    f"per {self.window:g}s"
                )
                self.waited += wait
                await self.sleep(wait)
        self.stamps.append(self.clock())


@dataclass
class Secrets:
    """The values secret references resolve to; `values` never appears in a repr."""

    values: Mapping[str, str] = field(repr=False)

    def resolve(self, value: Any) -> Any:
        if is_secret_ref(value):
            return self.values[value[SECRET]]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def missing(self, plan: Plan) -> list[FieldError]:
        out: dict[str, str] = {}
        for op in plan.ops:
            for name in sorted(set(secret_references(_sent_fields(op)))):
                if name not in self.values and name not in out:
                    out[name] = (
                        f"is not set (needed by {op.describe().split(':')[0]}): set it in the "
                        "environment or in the --secrets file"
                    )
        errors = [FieldError(name, reason) for name, reason in out.items()]
        for op in plan.ops:
            errors += _secrets_left_out(op)
        return errors


def _secrets_left_out(op: Op) -> list[FieldError]:
    """An update sends a settings object whole, and the API returns a secret censored, so a
    secret the snapshot leaves out could not be kept: refuse the update rather than lose it."""
    if op.action != "update" or op.want is None or op.have is None:
        return []
    if "settings" not in {k.split(".", 1)[0] for k in op.changes} and op.kind != "warehouse":
        return []
    current = op.have.fields.get("settings") or {}
    wanted = op.want.fields.get("settings") or {}
    return [
        FieldError(
            f"{op.obj.address}.settings.{key}",
            "is a secret the API does not return: state it in the file (as a $secret reference) "
            "so that the settings can be updated without losing it",
        )
        for key, value in sorted(current.items())
        if is_secret_ref(value) and key not in wanted
    ]


def _sent_fields(op: Op) -> Any:
    """What of the snapshot an operation sends (the secrets it will need)."""
    if op.action == "create" and op.want is not None:
        return op.want.fields
    if op.action == "update" and op.want is not None:
        names = {k.split(".", 1)[0] for k in op.changes}
        if op.kind == "warehouse":
            names.add("settings")  # the API requires a warehouse's settings on every update
        return {k: v for k, v in op.want.fields.items() if k in names}
    return {}


class Applier:
    """Runs one plan. `done` lists what was done, also when it stops part-way."""

    def __init__(
        self,
        invoke: Invoke,
        have: Mapping[tuple[str, tuple[str, ...]], Obj],
        *,
        secrets: Secrets,
        progress: Progress = _quiet,
        pacer: Pacer | None = None,
    ) -> None:
        self.invoke = invoke
        self.have = have
        self.secrets = secrets
        self.progress = progress
        self.pacer = pacer or Pacer()
        self.ids: dict[tuple[str, tuple[str, ...]], str] = {}
        self.done: list[str] = []

    async def run(self, plan: Plan, current_ids: Mapping[tuple[str, tuple[str, ...]], str]) -> list[str]:
        missing = self.secrets.missing(plan)
        if missing:
            raise InputError(missing)
        self.ids.update(current_ids)
        total = len(plan.ops)
        for n, op in enumerate(plan.ops, 1):
            text = op.describe()
            self.progress(f"[{n}/{total}] {text}")
            await self._run(op)
            self.done.append(text)
        return self.done

    async def _call(self, op: Op, key: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if op.kind == "subscription":
            await self.pacer.slot(self.progress)
        return await self.invoke(key, inputs)

    def _id(self, kind: str, key: tuple[str, ...]) -> str:
        return self.ids[(kind, key)]

    def _have_id(self, kind: str, key: tuple[str, ...]) -> str:
        obj = self.have[(kind, key)]
        assert obj.id is not None
        return obj.id

    def _settings(self, op: Op) -> dict[str, Any]:
        assert op.want is not None
        wanted = self.secrets.resolve(op.want.fields.get("settings") or {})
        current = (op.have.fields.get("settings") or {}) if op.action == "update" and op.have else {}
        current = {k: v for k, v in current.items() if not is_secret_ref(v)}
        return {**current, **wanted}

    async def _run(self, op: Op) -> None:
        handler = getattr(self, f"_{op.action}_{op.kind}", None) or getattr(self, f"_{op.action}")
        await handler(op)

    # -------------------------------------------------------------------------- deletes
    async def _delete(self, op: Op) -> None:
        obj = op.obj
        assert obj.id is not None
        if op.kind == "subscription":
            inputs = {"destinationId": self._have_id("destination", obj.key[:-1]), "subscriptionId": obj.id}
            await self._call(op, "deleteDestinationSubscription", inputs)
            return
        key = {
            "source": "deleteSource",
            "destination": "deleteDestination",
            "warehouse": "deleteWarehouse",
            "function": "deleteFunction",
            "transformation": "deleteTransformation",
        }[op.kind]
        await self._call(op, key, {f"{op.kind}Id": obj.id})

    async def _disconnect(self, op: Op) -> None:
        assert op.have is not None and op.have.id is not None
        await self._call(
            op,
            "removeSourceConnectionFromWarehouse",
            {"warehouseId": op.have.id, "sourceId": self._have_id("source", (op.source,))},
        )

    async def _connect(self, op: Op) -> None:
        await self._call(
            op,
            "addConnectionFromSourceToWarehouse",
            {"warehouseId": self._id("warehouse", op.obj.key), "sourceId": self._id("source", (op.source,))},
        )

    # -------------------------------------------------------------------------- creates
    async def _created(self, op: Op, key: str, inputs: dict[str, Any]) -> str:
        body = (await self._call(op, key, inputs))["data"]
        new_id = str(body["data"][CREATED[op.kind]]["id"])
        self.ids[(op.kind, op.obj.key)] = new_id
        return new_id

    async def _create_source(self, op: Op) -> None:
        fields = op.obj.fields
        slug = op.obj.key[0]
        new_id = await self._created(
            op,
            "createSource",
            {
                "slug": slug,
                "metadataId": fields["metadataId"],
                "enabled": bool(fields.get("enabled", True)),
                "settings": self._settings(op),
                "disconnectAllWarehouses": True,
            },
        )
        if fields.get("name") and fields["name"] != slug:  # createSource takes no name
            await self._call(op, "updateSource", {"sourceId": new_id, "name": fields["name"]})

    async def _create_destination(self, op: Op) -> None:
        fields = op.obj.fields
        await self._created(
            op,
            "createDestination",
            {
                "sourceId": self._id("source", op.obj.key[:1]),
                "metadataId": fields["metadataId"],
                "name": op.obj.name,
                "enabled": bool(fields.get("enabled", False)),
                "settings": self._settings(op),
            },
        )

    async def _create_subscription(self, op: Op) -> None:
        fields = op.obj.fields
        inputs = {
            "destinationId": self._id("destination", op.obj.key[:-1]),
            "name": op.obj.name,
            "actionId": fields["actionId"],
            "trigger": fields["trigger"],
            "enabled": bool(fields.get("enabled", False)),
            "settings": self._settings(op),
        }
        if fields.get("modelId"):
            inputs["modelId"] = fields["modelId"]
        await self._created(op, "createDestinationSubscription", inputs)

    async def _create_warehouse(self, op: Op) -> None:
        fields = op.obj.fields
        inputs = {
            "metadataId": fields["metadataId"],
            "settings": self._settings(op),
            "enabled": bool(fields.get("enabled", True)),
            "disconnectAllSources": True,
        }
        if fields.get("name") is not None:
            inputs["name"] = fields["name"]
        await self._created(op, "createWarehouse", inputs)

    async def _create_function(self, op: Op) -> None:
        fields = op.obj.fields
        inputs = {
            "displayName": op.obj.name,
            "resourceType": fields["resourceType"],
            "code": fields["code"],
            "settings": fields.get("settings") or [],
        }
        inputs.update({k: fields[k] for k in ("logoUrl", "description") if fields.get(k)})
        await self._created(op, "createFunction", inputs)

    async def _create_transformation(self, op: Op) -> None:
        fields = self.secrets.resolve(op.obj.fields)
        inputs = {
            "sourceId": self._id("source", (fields["source"],)),
            "name": op.obj.name,
            "enabled": bool(fields.get("enabled", True)),
        }
        inputs.update(
            {
                TRANSFORMATION_INPUTS[k]: v
                for k, v in fields.items()
                if k in TRANSFORMATION_INPUTS and k != "name" and v is not None
            }
        )
        await self._created(op, "createTransformation", inputs)

    # -------------------------------------------------------------------------- updates
    def _changed(self, op: Op) -> set[str]:
        return {k.split(".", 1)[0] for k in op.changes}

    async def _update_source(self, op: Op) -> None:
        changed, fields = self._changed(op), op.obj.fields
        inputs: dict[str, Any] = {"sourceId": self._id("source", op.obj.key)}
        inputs.update({k: fields[k] for k in ("name", "enabled") if k in changed})
        if "slug" in changed:
            inputs["slug"] = op.obj.key[0]
        if "settings" in changed:
            inputs["settings"] = self._settings(op)
        await self._call(op, "updateSource", inputs)

    async def _update_destination(self, op: Op) -> None:
        changed, fields = self._changed(op), op.obj.fields
        inputs: dict[str, Any] = {"destinationId": self._id("destination", op.obj.key)}
        inputs.update({k: fields[k] for k in ("name", "enabled") if k in changed})
        if "settings" in changed:
            inputs["settings"] = self._settings(op)
        await self._call(op, "updateDestination", inputs)

    async def _update_subscription(self, op: Op) -> None:
        changed, fields = self._changed(op), op.obj.fields
        inputs: dict[str, Any] = {
            "destinationId": self._id("destination", op.obj.key[:-1]),
            "subscriptionId": self._id("subscription", op.obj.key),
        }
        inputs.update({k: fields[k] for k in ("name", "trigger", "enabled") if k in changed})
        if "settings" in changed:
            inputs["settings"] = self._settings(op)
        await self._call(op, "updateDestinationSubscription", inputs)

    async def _update_warehouse(self, op: Op) -> None:
        changed, fields = self._changed(op), op.obj.fields
        inputs: dict[str, Any] = {"warehouseId": self._id("warehouse", op.obj.key), "settings": self._settings(op)}
        inputs.update({k: fields[k] for k in ("name", "enabled") if k in changed and fields[k] is not None})
        await self._call(op, "updateWarehouse", inputs)

    async def _update_function(self, op: Op) -> None:
        changed, fields = self._changed(op), op.obj.fields
        inputs: dict[str, Any] = {"functionId": self._id("function", op.obj.key)}
        inputs.update({FUNCTION_INPUTS[k]: fields[k] for k in changed if k in FUNCTION_INPUTS})
        await self._call(op, "updateFunction", inputs)

    async def _update_transformation(self, op: Op) -> None:
        changed, fields = self._changed(op), self.secrets.resolve(op.obj.fields)
        inputs: dict[str, Any] = {"transformationId": self._id("transformation", op.obj.key)}
        if "source" in changed:
            inputs["sourceId"] = self._id("source", (fields["source"],))
        inputs.update(
            {
                TRANSFORMATION_INPUTS[k]: fields[k]
                for k in changed
                if k in TRANSFORMATION_INPUTS and fields.get(k) is not None
            }
        )
        await self._call(op, "updateTransformation", inputs)


@dataclass
class Outcome:
    """What an apply found and did."""

    plan: Plan
    done: list[str]


def current_ids(current: Snapshot, wanted: Snapshot) -> dict[tuple[str, tuple[str, ...]], str]:
    """Each wanted object's id in the workspace, for the objects that exist there."""
    pairs = match(flatten(current), flatten(wanted))
    return {key: obj.id for key, obj in pairs.items() if obj.id}


async def plan_snapshot(invoke: Invoke, wanted: Snapshot, *, prune: bool = False) -> tuple[Plan, Snapshot]:
    """The plan that makes the workspace `invoke` reaches match `wanted`, and its current snapshot."""
    current = (await export_workspace(invoke)).snapshot
    return make_plan(current, wanted, prune=prune), current


async def apply_snapshot(
    invoke: Invoke,
    wanted: Snapshot,
    *,
    prune: bool = False,
    secrets: Mapping[str, str] | None = None,
    progress: Progress = _quiet,
    pacer: Pacer | None = None,
    applier: list[Applier] | None = None,
) -> Outcome:
    """Export the workspace, plan against `wanted` and run the plan. `applier`, when given,
    receives the Applier first, so a caller can report `done` after a failure."""
    plan, current = await plan_snapshot(invoke, wanted, prune=prune)
    runner = Applier(invoke, flatten(current), secrets=Secrets(dict(secrets or {})), progress=progress, pacer=pacer)
    if applier is not None:
        applier.append(runner)
    done = await runner.run(plan, current_ids(current, wanted))
    return Outcome(plan, done)
