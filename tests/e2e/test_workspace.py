"""exportWorkspace end to end against the emulator's demo workspace."""

from __future__ import annotations

from typing import Any

import pytest

from component import segment
from component.emulator import Emulator
from component.segment.errors import InputError
from component.workspace.export import export_workspace
from component.workspace.model import comparable


async def test_export_workspace_returns_the_demo_workspace_as_a_snapshot(
    emulator: Emulator, conn: dict[str, Any]
) -> None:
    result = await segment.invoke("exportWorkspace", {}, connection=conn)
    snapshot = result["data"]["snapshot"]
    assert snapshot["formatVersion"] == 1
    assert sorted(snapshot["sources"]) == ["backend-node", "ios-app", "my-test-source-rhpd18", "stripe-payments"]
    website = snapshot["sources"]["my-test-source-rhpd18"]
    assert website["name"] == "Website"
    assert sorted(website["destinations"]) == ["Order Webhook", "Webhooks (Actions)"]
    assert website["destinations"]["Webhooks (Actions)"]["subscriptions"]["Send Track Events"]["trigger"] == (
        'type = "track"'
    )
    assert snapshot["warehouses"]["Analytics Postgres"]["sources"] == ["ios-app", "my-test-source-rhpd18"]
    assert len(snapshot["functions"]) == 5 and len(snapshot["transformations"]) == 3
    assert "pg-analytics-pass" not in repr(result) and "whsec_demo_4f7a9c" not in repr(result)
    assert result["data"]["secretReferences"] == snapshot["secretReferences"]
    # The action and the CLI's export (segment.invoke per list) see the same workspace.

    async def invoke(key: str, inputs: dict[str, Any]) -> dict[str, Any]:
        return await segment.invoke(key, inputs, connection=conn)

    assert comparable((await export_workspace(invoke)).snapshot) == comparable(snapshot)
    # Only reads.
    assert {r.method for r in emulator.requests} == {"GET"}


async def test_export_workspace_refuses_unknown_inputs_before_any_request(
    emulator: Emulator, conn: dict[str, Any]
) -> None:
    with pytest.raises(InputError) as caught:
        await segment.invoke("exportWorkspace", {"sources": "all"}, connection=conn)
    assert "sources" in caught.value.fields
    assert emulator.requests == []
