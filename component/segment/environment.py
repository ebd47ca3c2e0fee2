"""The connection a host uses when it runs in a shell: from the environment, or the built-in
emulator when no token is set. The CLI, the web screen, the MCP server and workspace sync all take
their connection from here, so they agree on the variables and on when the emulator is used.

    SEGMENT_API_KEY       the Public API token (no token: the built-in emulator)
    SEGMENT_SUBDOMAIN     the workspace slug
    SEGMENT_API_BASE_URL  replaces the region's URL (an emulator, a proxy)
    SEGMENT_REGION        api (US) or eu1.api (EU); hosts pass it as the `region` input
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any


def env_connection(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The connection the environment states, or None when it sets no API key."""
    env = os.environ if environ is None else environ
    api_key = env.get("SEGMENT_API_KEY", "").strip()
    if not api_key:
        return None
    connection: dict[str, Any] = {"apiKey": api_key, "subdomain": env.get("SEGMENT_SUBDOMAIN", "")}
    base_url = env.get("SEGMENT_API_BASE_URL", "").strip()
    if base_url:
        connection["baseUrl"] = base_url
    return connection


def env_region(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    return env.get("SEGMENT_REGION", "").strip() or None


@dataclass(frozen=True)
class HostConnection:
    """What a host runs with: the connection, and when it is the emulator, a note saying so."""

    connection: dict[str, Any]
    emulator_url: str | None = None
    note: str | None = None

    def __repr__(self) -> str:  # the connection holds the token
        return f"HostConnection(emulator_url={self.emulator_url!r})"


@asynccontextmanager
async def host_connection(use_emulator: bool = False) -> AsyncIterator[HostConnection]:
    """The environment's connection, or (with no token, or `use_emulator`) a built-in emulator
    running in this process for as long as the block lasts, with its demo credentials."""
    connection = None if use_emulator else env_connection()
    if connection is not None:
        yield HostConnection(connection)
        return
    from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, running_emulator

    async with running_emulator() as emulator:
        why = "--emulator given" if use_emulator else "no SEGMENT_API_KEY set"
        note = f"{why}: running against the built-in Segment API emulator (demo workspace) at {emulator.url}"
        yield HostConnection(
            {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url},
            emulator_url=emulator.url,
            note=note,
        )
