"""The configuration screen served on a free loopback port, against an emulator that accepts only
the canary token, and an HTTP client that talks to it the way its page does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from component import segment
from component.emulator import DEMO_SUBDOMAIN, Emulator, running_emulator
from component.hosts.web.server import TOKEN_HEADER, WebHost, running
from tests.helpers import CANARY

PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    url: str
    host: WebHost
    emulator: Emulator
    session: aiohttp.ClientSession

    @property
    def headers(self) -> dict[str, str]:
        """What the page sends: its token, and its own origin."""
        return {TOKEN_HEADER: self.host.page_token, "Origin": self.url}

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any, aiohttp.ClientResponse]:
        async with self.session.post(self.url + path, json=body, headers=self.headers, **kwargs) as response:
            return response.status, await response.json(), response


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with running_emulator(rate_limits=False, api_keys=(CANARY,)) as emu:
        yield emu


@pytest.fixture
async def served(emulator: Emulator) -> AsyncIterator[Served]:
    host = WebHost(
        segment,
        connection={"apiKey": CANARY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url},
        emulator_url=emulator.url,
        note=f"running against the built-in Segment API emulator (demo workspace) at {emulator.url}",
        examples_dir=PROJECT,
    )
    async with running(host) as url, aiohttp.ClientSession() as session:
        yield Served(url, host, emulator, session)
