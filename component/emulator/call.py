"""What an operation's handler sees of a request (:class:`Call`), and the limits on what it may send.

The body is parsed here, once, and refused with a 400 in the API's envelope, before any handler
runs, when it is not the JSON the API accepts: ``NaN``/``Infinity`` (not JSON) or a number too large
for a double (``1e999``), nesting deeper than
:data:`MAX_DEPTH`, a string (or key) with a lone surrogate (it could never be answered as UTF-8) or
longer than :data:`MAX_STRING_CHARS`. Pagination (``pagination[count]``, base64 cursors) and array
query parameters in every SDK's encoding are read here too.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from .errors import bad_request, invalid

DEFAULT_PAGE_COUNT = 200
MAX_PAGE_COUNT = 1000
#: The largest request body, in bytes (a larger one is answered 413).
MAX_BODY_BYTES = 4 * 1024 * 1024
#: The longest string value or object key in a body, in characters.
MAX_STRING_CHARS = 1024 * 1024
#: The deepest nesting of objects and arrays in a body.
MAX_DEPTH = 64
#: The longest pagination cursor, in characters (the emulator's own are under 20).
MAX_CURSOR_CHARS = 256

_DIGITS = re.compile(r"^[0-9]+$")
_ARRAY_KEY = re.compile(r"^([A-Za-z]+)(?:\.([0-9]+)|\[([0-9]*)\])?$")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    # 1e999 parses as infinity, which could only be answered as the non-JSON `Infinity`.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:32]} is out of range for a JSON number")
    return value


def loads(text: bytes | str, what: str = "The request body") -> Any:
    """Strict JSON: a 400 for anything the API could not have accepted (see the module's doc)."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise bad_request(f"{what} is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise bad_request(f"{what} is not valid JSON: {exc}") from None
    _check(value, "", 0, what)
    return value


def is_text(value: str) -> bool:
    """True when ``value`` can be written as UTF-8 (no lone surrogate)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_string(value: str, where: str, what: str) -> None:
    if len(value) > MAX_STRING_CHARS:
        raise bad_request(f"{where or what} is longer than {MAX_STRING_CHARS} characters", field=where or None)
    if not is_text(value):
        raise bad_request(f"{where or what} holds a lone surrogate, which is not text", field=where or None)


def _check(value: Any, where: str, depth: int, what: str) -> None:
    if isinstance(value, str):
        _check_string(value, where, what)
    elif isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            raise bad_request(f"{what} is nested deeper than {MAX_DEPTH} levels", field=where or None)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str):
                _check_string(key, path, what)
            _check(item, path, depth + 1, what)


def cursor_for(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def _cursor_offset(raw: str) -> int:
    if len(raw) > MAX_CURSOR_CHARS:
        raise bad_request(f"pagination.cursor is longer than {MAX_CURSOR_CHARS} characters", field="pagination.cursor")
    try:
        text = base64.b64decode(raw, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("pagination.cursor", f"Invalid pagination cursor '{raw}'") from None
    if not _DIGITS.match(text):
        raise invalid("pagination.cursor", f"Invalid pagination cursor '{raw}'")
    return int(text)


def query_arrays(query: Mapping[str, str] | Any, name: str) -> list[str] | None:
    """An array query parameter in any SDK's encoding.

    ``name.0=a&name.1=b`` (Go), ``name[0]=a``/``name[]=a`` (TypeScript) and ``name=a&name=b``
    (Python) all give ``["a", "b"]``; indexed forms are ordered by index. ``None`` when absent.
    """
    found: list[tuple[int, int, str]] = []
    for pos, (key, value) in enumerate(query.items()):
        if not key.startswith(name):
            continue
        m = _ARRAY_KEY.match(key)
        if m is None or m.group(1) != name:
            continue
        index = m.group(2) if m.group(2) is not None else m.group(3)
        # An index too long to be an int is only an order: it sorts after every real one.
        found.append((int(index) if index and len(index) < 19 else (1 << 63 if index else pos), pos, value))
    if not found:
        return None
    found.sort()
    return [v for _, _, v in found]


class Call:
    """What a handler sees: path params, the query, the raw body."""

    __slots__ = ("body", "params", "query")

    def __init__(self, params: dict[str, str], query: Any, body: bytes) -> None:
        self.params = params
        self.query = query
        self.body = body

    def json_object(self) -> dict[str, Any]:
        if not self.body.strip():
            raise bad_request("The request body must be a JSON object")
        value = loads(self.body)
        if not isinstance(value, dict):
            raise bad_request("The request body must be a JSON object")
        return value

    def pagination(self) -> tuple[int, int]:
        """(count, offset) from ``pagination[count]``/``pagination.count`` and the cursor."""
        q = self.query
        count_raw = q.get("pagination[count]")
        if count_raw is None:
            count_raw = q.get("pagination.count")
        cursor_raw = q.get("pagination[cursor]")
        if cursor_raw is None:
            cursor_raw = q.get("pagination.cursor")
        whole = q.get("pagination")
        if whole is not None and count_raw is None and cursor_raw is None:
            # The 73.2.0 Python SDK sends pagination=<JSON>.
            try:
                parsed = loads(whole, "pagination")
            except Exception:
                raise invalid("pagination", "pagination must be an object") from None
            if not isinstance(parsed, dict):
                raise invalid("pagination", "pagination must be an object")
            if parsed.get("count") is not None:
                count_raw = _short_text(parsed["count"])
            if parsed.get("cursor") is not None:
                cursor_raw = _short_text(parsed["cursor"])
        if count_raw is None:
            count = DEFAULT_PAGE_COUNT
        else:
            count_raw = count_raw.strip()
            if len(count_raw) > 9 or not _DIGITS.match(count_raw) or not 1 <= int(count_raw) <= MAX_PAGE_COUNT:
                shown = count_raw if len(count_raw) <= 32 else count_raw[:32] + "..."
                raise invalid(
                    "pagination.count",
                    f"pagination.count must be an integer between 1 and {MAX_PAGE_COUNT}, got '{shown}'",
                )
            count = int(count_raw)
        offset = _cursor_offset(cursor_raw.strip()) if cursor_raw else 0
        return count, offset

    def page(
        self,
        items: list[Any],
        key: str,
        render: Callable[[Any], Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        count, offset = self.pagination()
        total = len(items)
        chunk = items[offset : offset + count]
        pagination: dict[str, Any] = {"current": cursor_for(offset)}
        if offset + count < total:
            pagination["next"] = cursor_for(offset + count)
        if offset > 0:
            pagination["previous"] = cursor_for(max(0, offset - count))
        pagination["totalEntries"] = total
        data: dict[str, Any] = dict(extra) if extra else {}
        data[key] = [render(x) for x in chunk] if render is not None else chunk
        data["pagination"] = pagination
        return {"data": data}


def _short_text(value: Any) -> str:
    """``str(value)``, but a number too long to print (Python refuses > 4,300 digits) stays short."""
    try:
        text = str(value)
    except ValueError:
        return "x" * 33
    return text
