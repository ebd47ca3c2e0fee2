"""Workspace as code: the workspace as a snapshot, for workflow builders (the CLI's `export`)."""

from __future__ import annotations

from typing import Any

from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.inputs import SegmentInputs


@action(
    "exportWorkspace",
    label="Export Workspace",
    description=(
        "Returns the workspace as a snapshot (Sources with their Destinations and subscriptions, "
        "Warehouses and their Sources, Functions, Transformations), keyed by name, with sensitive "
        'settings written as {"$secret": NAME} references (listed in secretReferences).'
    ),
    example={},
)
async def export_workspace(ctx: SegmentContext, inputs: SegmentInputs) -> Any:
    from component.workspace.export import export_workspace as export
    from component.workspace.export import handlers_in

    result = await export(handlers_in(ctx))
    return {"snapshot": result.snapshot, "secretReferences": result.secrets}
