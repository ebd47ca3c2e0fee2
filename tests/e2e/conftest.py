"""End-to-end helpers: `run` (the `emulator` and `conn` fixtures are the shared ones)."""

from __future__ import annotations

from typing import Any

from component import segment


async def run(key: str, inputs: dict[str, Any], conn: dict[str, Any]) -> Any:
    """Invoke an action and return its `data` (the API's response body): an action's result is
    `{"data": ...}` and nothing else."""
    result = await segment.invoke(key, inputs, connection=conn)
    assert set(result) == {"data"}
    return result["data"]
