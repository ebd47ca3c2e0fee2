"""The comparison rules: censored values, secret references, API defaults, informational fields,
and what cannot change in place."""

from __future__ import annotations

import copy
from typing import Any

from component.emulator import MASK, Emulator
from component.workspace.apply import apply_snapshot, plan_snapshot
from component.workspace.diff import compare
from component.workspace.export import export_workspace
from component.workspace.model import FORMAT_VERSION

from .conftest import counts, invoker

REF = {"$secret": "WEB_KEY"}


def snapshot(settings: dict[str, Any], **fields: Any) -> dict[str, Any]:
    source = {"id": "s1", "name": "Web", "metadataId": "js", "enabled": True, "settings": settings, **fields}
    return {"formatVersion": FORMAT_VERSION, "sources": {"web": source}}


def test_a_setting_only_the_workspace_has_is_no_drift_but_one_the_file_states_is() -> None:
    live = snapshot({"trackAllPages": True, "addedByTheApi": 3})
    assert compare(live, snapshot({"trackAllPages": True})).equal
    changed = compare(live, snapshot({"trackAllPages": False}))
    assert [(c.want.address, c.fields) for c in changed.changed] == [
        ('source "web"', {"settings.trackAllPages": (True, False)})
    ]


def test_censored_values_and_references_are_never_drift_unless_the_setting_is_missing() -> None:
    assert compare(snapshot({"key": MASK}), snapshot({"key": "a-new-plain-value"})).equal
    assert compare(snapshot({"key": MASK}), snapshot({"key": REF})).equal
    assert compare(snapshot({"key": REF}), snapshot({"key": REF})).equal
    missing = compare(snapshot({}), snapshot({"key": REF}))
    assert missing.changed[0].fields == {"settings.key": (None, "(secret)")}
    assert missing.as_json()["changed"][0]["fields"]["settings.key"] == {"from": None, "to": "(secret)"}


def test_ids_types_and_labels_are_informational() -> None:
    a = snapshot({}, labels=[{"key": "env", "value": "prod"}], type="Javascript")
    b = snapshot({}, labels=[], type="Something Else")
    b["sources"]["web"]["id"] = "another-id"
    assert compare(a, b).equal


async def test_a_field_that_cannot_change_in_place_is_replaced_only_with_prune(demo: Emulator) -> None:
    exported = await export_workspace(invoker(demo))
    wanted = copy.deepcopy(exported.snapshot)
    wanted["functions"]["Scrub PII"]["resourceType"] = "INSERT_DESTINATION"

    plan, _ = await plan_snapshot(invoker(demo), wanted)
    assert plan.ops == []
    assert plan.left == ['function "Scrub PII": resourceType cannot change in place (replace it with --prune)']

    before = counts(demo)
    outcome = await apply_snapshot(invoker(demo), wanted, prune=True, secrets={})
    assert [op.describe() for op in outcome.plan.ops] == ['delete function "Scrub PII"', 'create function "Scrub PII"']
    assert counts(demo) == before
    (scrub,) = [f for f in demo.state.functions.values() if f["displayName"] == "Scrub PII"]
    assert scrub["resourceType"] == "INSERT_DESTINATION" and scrub["id"].startswith("ifnd_")
