"""Lets aioresponses 0.7.9 (the newest) build responses on aiohttp 3.14.

aiohttp 3.14 (a security release we keep) added a required `stream_writer` argument to
ClientResponse; aioresponses does not pass it yet (pnuckowski/aioresponses#289). A response that
aioresponses builds is already "sent", so only the writer's `output_size` is read: a stand-in
with `output_size = 0` is all it needs. Remove this module once aioresponses passes it itself.
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import aioresponses.core
from aiohttp import ClientResponse


class _SentResponse(ClientResponse):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(*args, **kwargs)


def install() -> None:
    if "stream_writer" in inspect.signature(ClientResponse.__init__).parameters:
        # aioresponses.core imports ClientResponse without re-exporting it; it is patched where it is used.
        aioresponses.core.ClientResponse = _SentResponse  # type: ignore[attr-defined]
