"""Helpers the resource modules share."""

from __future__ import annotations

from typing import Any

from ..validate import MISSING


def given(**values: Any) -> dict[str, Any]:
    """The values that were present in the body (absent ones are dropped)."""
    return {k: v for k, v in values.items() if v is not MISSING}
