"""Plan shows exactly what changed; apply resumes after a fault; --prune and only --prune deletes."""

from __future__ import annotations

import copy

import pytest

from component.emulator import Emulator
from component.segment.errors import TransportError
from component.workspace.apply import apply_snapshot, plan_snapshot
from component.workspace.diff import compare
from component.workspace.export import export_workspace
from component.workspace.model import comparable

from .conftest import counts, invoker, is_write

WEBSITE = "my-test-source-rhpd18"
ACTION_SEND = "jiMz7MfHNeHmUckzRnUGkU"


async def test_a_changed_setting_a_renamed_destination_and_a_new_subscription_plan_exactly_those(
    demo: Emulator,
) -> None:
    exported = await export_workspace(invoker(demo))
    wanted = copy.deepcopy(exported.snapshot)
    website = wanted["sources"][WEBSITE]
    website["settings"]["trackAllPages"] = False
    website["destinations"]["Orders Hook"] = website["destinations"].pop("Order Webhook")
    website["destinations"]["Orders Hook"]["subscriptions"]["Send Page Views"] = {
        "actionId": ACTION_SEND,
        "trigger": 'type = "page"',
        "enabled": True,
        "settings": {"url": "https://example.com/pages", "method": "POST"},
    }

    plan, _ = await plan_snapshot(invoker(demo), wanted)
    assert [op.describe() for op in plan.ops] == [
        f'update source "{WEBSITE}": settings.trackAllPages true -> false',
        f'update destination "{WEBSITE}/Orders Hook" (was destination "{WEBSITE}/Order Webhook"): '
        'name "Order Webhook" -> "Orders Hook"',
        f'create subscription "{WEBSITE}/Orders Hook/Send Page Views"',
    ]
    assert plan.left == []

    before = counts(demo)
    outcome = await apply_snapshot(invoker(demo), wanted, secrets={})
    assert len(outcome.done) == 3
    assert demo.state.sources["kjU72LCJexvrqL7G4TMHHN"]["settings"]["trackAllPages"] is False
    assert demo.state.destinations["ny4UTU5aZuLiIeLWX9dSYr"]["name"] == "Orders Hook"
    assert counts(demo) == {**before, "subscriptions": before["subscriptions"] + 1}
    # The secrets the file only references were kept: the update sent the source's settings whole.
    assert demo.state.destinations["fP7qoQw2HTWt9WdMr718gn"]["settings"]["sharedSecret"] == "whsec_demo_4f7a9c"
    assert (await plan_snapshot(invoker(demo), wanted))[0].ops == []


async def test_an_apply_stopped_half_way_by_a_fault_ends_equal_on_the_next_run_with_no_duplicate(
    demo: Emulator,
    empty: Emulator,
) -> None:
    exported = await export_workspace(invoker(demo))
    secrets = {name: "x" for name in exported.secrets}
    plan, _ = await plan_snapshot(invoker(empty), exported.snapshot)
    half = len(plan.ops) // 2

    calls: list[str] = []
    base = invoker(empty)

    async def faulty(key: str, inputs: dict[str, object]) -> dict[str, object]:
        if is_write(key) and sum(map(is_write, calls)) == half:
            empty.faults.inject("*", "*", drop=True)  # the connection drops: a write is never resent
        calls.append(key)
        return await base(key, dict(inputs))

    with pytest.raises(TransportError):
        await apply_snapshot(faulty, exported.snapshot, secrets=secrets)
    assert half <= sum(map(is_write, calls)) <= half + 1
    partial = counts(empty)
    assert 0 < sum(partial.values()) < sum(counts(demo).values())

    resumed = await apply_snapshot(invoker(empty), exported.snapshot, secrets=secrets)
    assert 0 < len(resumed.done) < len(plan.ops) + 1
    assert counts(empty) == counts(demo)
    slugs = [s["slug"] for s in empty.state.sources.values()]
    names = [d["name"] for d in empty.state.destinations.values()]
    assert len(slugs) == len(set(slugs))
    assert sorted(names) == sorted(d["name"] for d in demo.state.destinations.values())
    assert comparable((await export_workspace(invoker(empty))).snapshot) == comparable(exported.snapshot)


async def test_only_prune_deletes(demo: Emulator) -> None:
    exported = await export_workspace(invoker(demo))
    wanted = copy.deepcopy(exported.snapshot)
    del wanted["transformations"]["Drop Test Events"]
    del wanted["functions"]["Scrub PII"]
    del wanted["sources"]["backend-node"]["destinations"]["Slack Alerts"]
    wanted["warehouses"]["Analytics Postgres"]["sources"].remove("ios-app")
    before = counts(demo)

    plan, _ = await plan_snapshot(invoker(demo), wanted)
    assert plan.ops == []
    assert sorted(plan.left) == sorted(
        [
            'destination "backend-node/Slack Alerts"',
            'function "Scrub PII"',
            'transformation "Drop Test Events"',
            'source "ios-app" stays connected to warehouse "Analytics Postgres"',
        ]
    )
    assert (await apply_snapshot(invoker(demo), wanted, secrets={})).done == []
    assert counts(demo) == before
    assert not compare(exported.snapshot, wanted).equal

    pruned = await apply_snapshot(invoker(demo), wanted, prune=True, secrets={})
    assert sorted(op.action for op in pruned.plan.ops) == ["delete", "delete", "delete", "disconnect"]
    # Deletes run children first: the subscription-free destination, transformation, connection, function.
    assert [op.kind for op in pruned.plan.ops] == ["destination", "transformation", "disconnect", "function"]
    assert counts(demo) == {
        **before,
        "destinations": before["destinations"] - 1,
        "functions": before["functions"] - 1,
        "transformations": before["transformations"] - 1,
        "connections": before["connections"] - 1,
    }
    assert compare((await export_workspace(invoker(demo))).snapshot, wanted).equal


async def test_plan_orders_parents_before_children(demo: Emulator, empty: Emulator) -> None:
    exported = await export_workspace(invoker(demo))
    plan, _ = await plan_snapshot(invoker(empty), exported.snapshot)
    kinds = [op.kind for op in plan.ops]
    order = ["source", "warehouse", "connect", "destination", "subscription", "function", "transformation"]
    assert kinds == sorted(kinds, key=order.index)
    assert kinds.index("connect") > max(i for i, k in enumerate(kinds) if k in ("source", "warehouse"))
