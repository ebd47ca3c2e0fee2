"""What the terminal commands write on stdout: valid JSON whatever an answer holds, and text that
never fails on a terminal that cannot show a character. Imports only the standard library, so the
CLI's listing stays fast."""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def finite(value: Any) -> Any:
    """`value` with NaN and the infinities as null (JSON has no such numbers; browsers do the same)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [finite(item) for item in value]
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    return value


def json_text(value: Any, *, sort_keys: bool = False) -> str:
    """Valid JSON whatever the answer held (NaN, lone surrogates) and whatever stdout can encode."""
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False, sort_keys=sort_keys)
    except ValueError:  # Python's JSON reader accepts NaN and Infinity; its writer would emit them
        value = finite(value)
        text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False, sort_keys=sort_keys)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        # A terminal that cannot show a character (PYTHONIOENCODING=ascii), or a lone surrogate
        # that no encoding can carry: \u escapes are the same JSON in plain ASCII.
        text = json.dumps(value, indent=2, ensure_ascii=True, allow_nan=False, sort_keys=sort_keys)
    return text


def print_json(value: Any, *, sort_keys: bool = False) -> None:
    sys.stdout.write(json_text(value, sort_keys=sort_keys) + "\n")


def write(text: str) -> None:
    """Text on stdout, escaping what its encoding cannot show."""
    encoding = sys.stdout.encoding or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.encode(encoding, "backslashreplace").decode(encoding)
    sys.stdout.write(text)
