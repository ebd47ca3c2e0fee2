"""The requests an emulator received, as tests inspect them (``Emulator.requests``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


class Headers(dict[str, str]):
    """A plain dict of request headers whose lookups ignore case (keys kept as received)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(items)
        self._lower = {k.lower(): k for k in self}

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(self._lower.get(key.lower(), key))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._lower

    def get(self, key: str, default: Any = None) -> Any:
        real = self._lower.get(key.lower())
        return default if real is None else super().__getitem__(real)


@dataclass
class RecordedRequest:
    """One request as received.

    ``path`` is percent-decoded (``raw_path`` is not: it shows whether an id's ``/`` was encoded);
    ``query`` is decoded, in order, repeated keys kept; ``json`` is the parsed body, or ``None``
    when there is no body or it is not JSON.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Headers
    body: bytes = b""
    json: Any = None
    raw_path: str = ""


def parse_json(body: bytes) -> Any:
    """The body as JSON, leniently: ``None`` when empty or not JSON."""
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None
