"""A loose check of the hot path (GET /sources/{id}) under concurrency; the benchmarks measure its
speed properly. The bound is generous on purpose: it catches an order-of-magnitude regression (a
per-request copy of the workspace, a sleep), never a busy machine."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from component.emulator import DEMO_IDS, running_emulator

REQUESTS = 2_000
WORKERS = 32
GENEROUS_SECONDS = 60.0  # about 1 s on a 2-core machine shared with the client


async def test_get_source_under_concurrency(record_property: Callable[[str, Any], None]) -> None:
    async with running_emulator(seed=10_000, rate_limits=False) as emu:
        url = f"{emu.url}/sources/{DEMO_IDS['source']}"
        headers = {"Authorization": f"Bearer {emu.api_key}", "Accept": "application/vnd.segment.v1+json"}
        connector = aiohttp.TCPConnector(limit=WORKERS)
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
            statuses: list[int] = []

            async def worker(count: int) -> None:
                for _ in range(count):
                    async with session.get(url) as r:
                        await r.read()
                        statuses.append(r.status)

            started = time.perf_counter()
            # A TaskGroup cancels the other workers if one fails: nothing outlives the session.
            async with asyncio.TaskGroup() as group:
                for _ in range(WORKERS):
                    group.create_task(worker(REQUESTS // WORKERS))
            elapsed = time.perf_counter() - started
    assert statuses == [200] * (REQUESTS // WORKERS * WORKERS)
    record_property("get_source_requests_per_second", round(len(statuses) / elapsed))
    assert elapsed < GENEROUS_SECONDS
