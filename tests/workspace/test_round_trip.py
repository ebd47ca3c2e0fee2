"""Export the demo workspace, apply it to an empty one, export that: the same workspace."""

from __future__ import annotations

from component.emulator import Emulator
from component.workspace.apply import apply_snapshot, plan_snapshot
from component.workspace.diff import compare
from component.workspace.export import export_workspace
from component.workspace.model import comparable, dumps

from .conftest import counts, invoker


def placeholder_secrets(names: list[str]) -> dict[str, str]:
    return {name: f"value-of-{name.lower()}" for name in names}


async def test_the_demo_workspace_applied_to_an_empty_one_exports_the_same(demo: Emulator, empty: Emulator) -> None:
    exported = await export_workspace(invoker(demo))
    snapshot = exported.snapshot
    assert set(snapshot["sources"]) == {"my-test-source-rhpd18", "ios-app", "backend-node", "stripe-payments"}
    assert counts(empty)["sources"] == 0

    outcome = await apply_snapshot(invoker(empty), snapshot, secrets=placeholder_secrets(exported.secrets))
    assert len(outcome.done) == len(outcome.plan.ops) > 0
    assert not any(op.action in ("delete", "disconnect") for op in outcome.plan.ops)

    again = await export_workspace(invoker(empty))
    assert comparable(again.snapshot) == comparable(snapshot)
    assert compare(snapshot, again.snapshot).equal
    assert again.secrets == exported.secrets
    assert counts(empty) == counts(demo)


async def test_the_second_apply_plans_nothing(demo: Emulator, empty: Emulator) -> None:
    exported = await export_workspace(invoker(demo))
    secrets = placeholder_secrets(exported.secrets)
    await apply_snapshot(invoker(empty), exported.snapshot, secrets=secrets)
    writes_before = len(empty.requests)

    plan, _ = await plan_snapshot(invoker(empty), exported.snapshot, prune=True)
    assert plan.ops == [] and plan.left == []
    second = await apply_snapshot(invoker(empty), exported.snapshot, secrets=secrets)
    assert second.done == []
    assert all(r.method == "GET" for r in empty.requests[writes_before:])


async def test_a_snapshot_is_stable_text(demo: Emulator) -> None:
    first = dumps((await export_workspace(invoker(demo))).snapshot)
    second = dumps((await export_workspace(invoker(demo))).snapshot)
    assert first == second
    assert first.startswith('{\n  "formatVersion": 1,')
