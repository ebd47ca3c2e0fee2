"""Load: 1,000 concurrent invocations, reads and writes mixed, against the emulator with its rate
limits on and low enough that 429s happen.

The emulator's rate-limit window is shortened from 60 s to 1 s (its module constant, patched for
this test only), so the client's real, honoured waits (Retry-After: 1, plus up to 10% jitter) span
a few windows in about five seconds.

The bound on 429s. The emulator counts every try of a (token, operation) in a window, the
rejected ones too, and answers 429 with Retry-After = ceil(ms left in the window / 1000), never
less than the time left. A client that honours it never comes back inside the window that
refused it, so each invocation meets at most one 429 per window. Number the windows in which an
operation limited to L a window hits its limit j = 1, 2, ...: each lets L tries through, so before
the j-th at least (j-1)*L of the operation's N invocations have succeeded, at most N - (j-1)*L try
in it, and it refuses at most N - j*L of them:

    429s(op) <= sum over j >= 1 of max(0, N - j*L)

whatever the timing (a slow machine only adds windows that are not full) and whatever the
concurrency (16 tries in flight or 1,000: every try counts). The retry budget caps it further at
attempts * N. For the mix below that is 240 + 0 + 500 + 160 + 120 = 1,020 429s for 1,000
invocations; the run reports what it observed (on this 2-core machine: exactly 1,020, the bound
is tight when each wave of tries fits in a window). The client also keeps at most 16 requests in
flight per connection (token and base URL), which the emulator and the client both see.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from component import segment
from component.emulator import DEMO_IDS, DEMO_SUBDOMAIN, Emulator, running_emulator
from component.emulator import app as emulator_app
from component.emulator import ratelimit as emulator_ratelimit
from component.segment import client as client_module
from component.segment.errors import RateLimited, SegmentError
from component.segment.policy import DEFAULT_MAX_CONCURRENCY, DEFAULT_POLICY
from tests.helpers import CANARY

SOURCE_METADATA = DEMO_IDS["sourceMetadata"]
OTHER_TOKEN = "sgp_SECOND_CONNECTION_token_91c2"


@dataclass
class InFlight:
    """How many requests are in flight, at most, overall and per token."""

    now: int = 0
    peak: int = 0
    by_token: Counter[str] = field(default_factory=Counter)
    peak_by_token: Counter[str] = field(default_factory=Counter)

    def enter(self, token: str) -> None:
        self.now += 1
        self.by_token[token] += 1
        self.peak = max(self.peak, self.now)
        self.peak_by_token[token] = max(self.peak_by_token[token], self.by_token[token])

    def leave(self, token: str) -> None:
        self.now -= 1
        self.by_token[token] -= 1


@dataclass
class Observed:
    server: InFlight = field(default_factory=InFlight)
    client: InFlight = field(default_factory=InFlight)
    rate_limited_tries: Counter[str] = field(default_factory=Counter)  # by method and route kind
    waits: list[float] = field(default_factory=list)


def _kind(method: str, route: str) -> str:
    return f"{method} {'/sources/{id}' if route.count('/') > 1 else route.partition('?')[0]}"


@pytest.fixture
def observed(monkeypatch: pytest.MonkeyPatch) -> Observed:
    seen = Observed()
    real_handle = emulator_app.Api.handle
    real_request = aiohttp.ClientSession.request
    real_api_error = client_module.api_error
    real_pause = client_module.pause

    async def handle(self: emulator_app.Api, request: web.Request) -> web.StreamResponse:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        seen.server.enter(token)
        try:
            await asyncio.sleep(0.002)  # a server that takes a moment, so that requests can overlap
            return await real_handle(self, request)
        finally:
            seen.server.leave(token)

    def request(self: aiohttp.ClientSession, method: str, url: Any, **kwargs: Any) -> Any:
        """The client's requests as aiohttp sees them: in flight from the request until its
        response is released (or the request fails)."""
        token = kwargs["headers"]["Authorization"].removeprefix("Bearer ")

        async def sent() -> aiohttp.ClientResponse:
            seen.client.enter(token)
            try:
                response = await real_request(self, method, url, **kwargs)
            except BaseException:
                seen.client.leave(token)
                raise
            real_release = response.release
            released = False

            def release() -> Any:
                nonlocal released
                if not released:
                    released = True
                    seen.client.leave(token)
                return real_release()

            response.release = release  # type: ignore[method-assign]
            return response

        return sent()

    def api_error(status: int, headers: Any, raw: bytes, method: str, route: str) -> Any:
        error = real_api_error(status, headers, raw, method, route)
        if isinstance(error, RateLimited):
            seen.rate_limited_tries[_kind(method, route)] += 1
        return error

    async def pause(seconds: float) -> None:
        seen.waits.append(seconds)
        await real_pause(seconds)  # really waited: the windows must roll

    monkeypatch.setattr(emulator_app.Api, "handle", handle)  # before the emulator binds its routes
    monkeypatch.setattr(aiohttp.ClientSession, "request", request)
    monkeypatch.setattr(client_module, "api_error", api_error)
    monkeypatch.setattr(client_module, "pause", pause)
    monkeypatch.setattr(emulator_ratelimit, "WINDOW_SECONDS", 1.0)
    return seen


@pytest.fixture
async def limited(observed: Observed) -> AsyncIterator[Emulator]:
    async with running_emulator(rate_limits=True, api_keys=(CANARY, OTHER_TOKEN)) as emu:
        yield emu


# (handler, invocations, limit per window or None)
MIX: list[tuple[str, int, int | None]] = [
    ("getSource", 300, 120),
    ("listSources", 100, None),
    ("createSource", 250, 50),
    ("updateSource", 200, 80),
    ("deleteSource", 150, 60),
]
LIMIT_PATTERNS = {
    "getSource": ("GET", "/sources/*"),
    "createSource": ("POST", "/sources"),
    "updateSource": ("PATCH", "/sources/*"),
    "deleteSource": ("DELETE", "/sources/*"),
}
KIND = {
    "getSource": "GET /sources/{id}",
    "listSources": "GET /sources",
    "createSource": "POST /sources",
    "updateSource": "PATCH /sources/{id}",
    "deleteSource": "DELETE /sources/{id}",
}


def bound_on_429s(invocations: int, limit: int | None) -> int:
    """The most 429s `invocations` of one operation limited to `limit` a window can meet (see above)."""
    if limit is None:
        return 0
    windows = -(-invocations // limit)
    return min(
        sum(max(0, invocations - j * limit) for j in range(1, windows + 1)), DEFAULT_POLICY.attempts * invocations
    )


def test_the_documented_bound() -> None:
    assert [bound_on_429s(n, limit) for _, n, limit in MIX] == [240, 0, 500, 160, 120]
    assert sum(bound_on_429s(n, limit) for _, n, limit in MIX) == 1020
    assert sum(n for _, n, _ in MIX) == 1000


async def test_a_thousand_concurrent_invocations_under_rate_limits(
    limited: Emulator, observed: Observed, record_property: Any
) -> None:
    emu = limited
    for key, _, limit in MIX:
        if limit is not None:
            emu.rate_limits.set(*LIMIT_PATTERNS[key], limit)
    state = emu.state
    to_update = [
        state.create_source(slug=f"upd-{i}", enabled=True, metadata_id=SOURCE_METADATA, connect_warehouses=False)["id"]
        for i in range(200)
    ]
    to_delete = [
        state.create_source(slug=f"del-{i}", enabled=True, metadata_id=SOURCE_METADATA, connect_warehouses=False)["id"]
        for i in range(150)
    ]
    to_read = [to_update[i % len(to_update)] for i in range(300)]
    before = {r["id"]: (r["slug"], r["name"]) for r in state.sources.values()}
    conn = {"apiKey": CANARY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emu.url}

    calls: list[tuple[str, dict[str, Any]]] = []
    calls += [("getSource", {"sourceId": source_id}) for source_id in to_read]
    calls += [("listSources", {"count": 5}) for _ in range(100)]
    calls += [("createSource", {"slug": f"load-{i}", "metadataId": SOURCE_METADATA}) for i in range(250)]
    calls += [("updateSource", {"sourceId": sid, "name": f"updated-{i}"}) for i, sid in enumerate(to_update)]
    calls += [("deleteSource", {"sourceId": source_id}) for source_id in to_delete]
    random.Random(5).shuffle(calls)  # the kinds interleaved, as real traffic would be

    results = await asyncio.wait_for(
        asyncio.gather(
            *(segment.invoke(key, inputs, connection=conn) for key, inputs in calls), return_exceptions=True
        ),
        timeout=60,
    )

    # Every invocation ended in a result or a typed error; only rate limits may refuse one here.
    assert len(results) == 1000
    unhandled = [r for r in results if isinstance(r, BaseException) and not isinstance(r, SegmentError)]
    assert unhandled == [], [repr(r) for r in unhandled[:5]]
    errors = Counter(type(r).__name__ for r in results if isinstance(r, SegmentError))
    assert set(errors) <= {"RateLimited"}, errors
    ok = [(call, r) for call, r in zip(calls, results, strict=True) if not isinstance(r, BaseException)]

    # The emulator holds exactly the writes that succeeded: no duplicate, nothing lost, nothing extra.
    created = {inputs["slug"] for (key, inputs), _ in ok if key == "createSource"}
    updated = {inputs["sourceId"]: inputs["name"] for (key, inputs), _ in ok if key == "updateSource"}
    deleted = {inputs["sourceId"] for (key, inputs), _ in ok if key == "deleteSource"}
    expected = {sid: (slug, updated.get(sid, name)) for sid, (slug, name) in before.items() if sid not in deleted}
    now = {r["id"]: (r["slug"], r["name"]) for r in state.sources.values()}
    new = {sid: value for sid, value in now.items() if sid not in before}
    assert {slug for slug, _ in new.values()} == created and len(new) == len(created)
    assert {sid: value for sid, value in now.items() if sid in before} == expected

    # Concurrency: at most 16 requests in flight for the connection, seen by the client and the server.
    assert observed.client.peak == DEFAULT_MAX_CONCURRENCY, observed.client.peak
    assert observed.server.peak == DEFAULT_MAX_CONCURRENCY, observed.server.peak

    # The 429s: within the derived bound, per operation and in all; the server agrees with the client.
    by_kind = observed.rate_limited_tries
    for key, n, limit in MIX:
        assert by_kind[KIND[key]] <= bound_on_429s(n, limit), (key, by_kind[KIND[key]], bound_on_429s(n, limit))
    total_429 = sum(by_kind.values())
    successes = len(ok)
    assert len(emu.requests) == successes + total_429, "a request failed other than by a rate limit"
    assert 0 < total_429 <= 1020
    # An invocation refused in the end was refused on every one of its tries.
    assert errors.get("RateLimited", 0) * DEFAULT_POLICY.attempts <= total_429

    # Retries are jittered: each wait is the asked-for second plus 0-10%, and no two are alike.
    assert observed.waits and all(1.0 <= w <= 1.1 for w in observed.waits), observed.waits[:5]
    assert len(set(observed.waits)) == len(observed.waits)
    assert statistics.pstdev(observed.waits) > 0.01
    # Reported through pytest (the junit XML, and the terminal summary of tests/reliability/conftest.py),
    # not printed among the progress dots.
    record_property(
        "figures",
        f"load: 1000 invocations, {successes} ok, {errors.get('RateLimited', 0)} "
        f"RateLimited, {total_429} 429s (bound 1020; per operation {dict(by_kind)}), "
        f"peak in flight client {observed.client.peak} / server {observed.server.peak}",
    )


async def test_the_concurrency_limit_is_per_connection(limited: Emulator, observed: Observed) -> None:
    """Two tokens on one base URL: each gets its own 16 slots, so the server sees more than 16."""
    limited.rate_limits.enabled = False
    first = {"apiKey": CANARY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": limited.url}
    second = {**first, "apiKey": OTHER_TOKEN}
    results = await asyncio.gather(
        *(segment.invoke("listSources", {"count": 2}, connection=conn) for _ in range(200) for conn in (first, second))
    )
    assert len(results) == 400
    assert observed.client.peak_by_token[CANARY] == DEFAULT_MAX_CONCURRENCY
    assert observed.client.peak_by_token[OTHER_TOKEN] == DEFAULT_MAX_CONCURRENCY
    assert DEFAULT_MAX_CONCURRENCY < observed.client.peak <= 2 * DEFAULT_MAX_CONCURRENCY
    assert observed.server.peak_by_token[CANARY] <= DEFAULT_MAX_CONCURRENCY
    assert observed.server.peak_by_token[OTHER_TOKEN] <= DEFAULT_MAX_CONCURRENCY
