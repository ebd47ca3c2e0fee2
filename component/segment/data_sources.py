"""The picklists that fill id inputs in configuration screens.

Each returns Choices; the runtime filters them by `search` and sorts them by label. Labels are
made so that two items never look the same (a name with its slug or type).
"""

from __future__ import annotations

from typing import Any

from component.framework.registry import Choice
from component.segment.connection import SegmentContext
from component.segment.definition import data_source
from component.segment.inputs import SegmentPicklistInputs
from component.segment.listing import choices


def _source_label(source: dict[str, Any]) -> str:
    name, slug = source.get("name"), source.get("slug") or source.get("id")
    return f"{name} ({slug})" if name else str(slug)


@data_source("sources", label="Fetch Sources", description="Every Source of the workspace, by name.")
async def sources(ctx: SegmentContext, inputs: SegmentPicklistInputs) -> list[Choice]:
    return await choices(ctx.client, "/sources", "sources", _source_label)
