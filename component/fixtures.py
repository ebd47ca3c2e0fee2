"""The Segment component's example payloads, made against the emulator.

Each payload is made against a fresh emulator holding the demo workspace, with new records'
timestamps frozen, so it is the same on every machine. Where the files live and how staleness is
told is the framework's (`component.framework.fixtures`). `segment-component fixtures` rewrites
them all; `--check` (and a test) fails when one is missing or differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from component.framework import fixtures as examples

if TYPE_CHECKING:
    from component.framework.registry import Handler
    from component.segment.connection import SegmentContext

#: The time new emulator records carry in example payloads, so that they never change.
FROZEN_TIME = "2026-01-01T00:00:00.000Z"
FIX = "segment-component fixtures"


async def example_payload(key: str) -> Any:
    from component import segment
    from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, running_emulator

    handler = segment.component.get(key)
    async with running_emulator(rate_limits=False) as emulator:
        emulator.state.clock = lambda: FROZEN_TIME
        connection = {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}
        try:
            return await segment.invoke(key, dict(handler.example), connection=connection)
        finally:
            await segment.aclose()


async def regenerate(project_dir: Path, *, check_only: bool = False) -> list[str]:
    """Write (or with check_only, compare) every fixture; return what was wrong."""
    from component import segment

    async def payload(handler: Handler[SegmentContext]) -> Any:
        return await example_payload(handler.key)

    return await examples.regenerate(segment.component.all(), project_dir, payload, check_only=check_only, fix=FIX)
