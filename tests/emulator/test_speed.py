"""A loose speed check of the hot path (GET /sources/{id}); the benchmarks measure it properly."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from component.emulator import DEMO_IDS, running_emulator


async def test_get_source_throughput() -> None:
    async with running_emulator(seed=10_000, rate_limits=False) as emu:
        url = f"{emu.url}/sources/{DEMO_IDS['source']}"
        headers = {"Authorization": f"Bearer {emu.api_key}", "Accept": "application/vnd.segment.v1+json"}
        connector = aiohttp.TCPConnector(limit=32)
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
            done = 0

            async def worker(deadline: float) -> None:
                nonlocal done
                while time.perf_counter() < deadline:
                    async with session.get(url) as r:
                        await r.read()
                        assert r.status == 200
                    done += 1

            started = time.perf_counter()
            # A TaskGroup cancels the other workers if one fails: nothing outlives the session.
            async with asyncio.TaskGroup() as group:
                for _ in range(32):
                    group.create_task(worker(started + 1.0))
            rate = done / (time.perf_counter() - started)
    print(f"GET /sources/{{id}}: {rate:.0f} requests/s (client and server on one event loop)")
    # Client and server share one loop and one core here, so this is a floor, not the target.
    assert rate > 500
