"""Example payloads: what `invoke` returns for each handler's example input.

Each fixture is made against a fresh emulator seeded with the demo workspace, so it is the same
on every machine. `segment-component fixtures` rewrites them all; `--check` (and a test) fails
when one is missing or differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The time new emulator records carry in example payloads, so that they never change.
FROZEN_TIME = "2026-01-01T00:00:00.000Z"


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

    problems = []
    for handler in segment.component.all():
        file = project_dir / handler.fixture_path
        text = json.dumps(await example_payload(handler.key), indent=2, ensure_ascii=False) + "\n"
        if check_only:
            if not file.exists():
                problems.append(f"{handler.fixture_path} is missing: run `segment-component fixtures`")
            elif file.read_text() != text:
                problems.append(f"{handler.fixture_path} is stale: run `segment-component fixtures`")
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
    return problems
