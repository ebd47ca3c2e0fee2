"""Faults, against the emulator's fault injection (and two raw socket servers for what an HTTP
server cannot fake): 429 with Retry-After or only msBeforeNext, bursts of 500/502/503, dropped
connections, timeouts, malformed and truncated bodies.

* Reads recover within the retry budget (4 tries: 3 faults then success) and fail typed past it.
* Creates and updates are sent once, whatever the fault, except after a 429 (which says nothing
  was done); the emulator's state then holds exactly what succeeded, no duplicate, nothing lost.
* A hung server never holds invoke() longer than its timeout; cancelling an invocation leaves no
  unclosed session and no lost concurrency slot.

Long waits are recorded, not slept (`waits` replaces the client's `pause`). Where a test bounds the
time an invocation takes, the bound is its timeouts added up plus a generous slack for a loaded
machine, and stays far below how long a hung server holds a request: meeting it proves the
client's timeout ended the wait, not the server.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from component import segment
from component.emulator import DEMO_IDS, Emulator
from component.segment import client as client_module
from component.segment.errors import (
    Conflict,
    MalformedResponse,
    NotFound,
    RateLimited,
    SegmentError,
    ServerError,
    TransportError,
)
from component.segment.policy import DEFAULT_MAX_CONCURRENCY, DEFAULT_POLICY, RetryPolicy
from tests.helpers import CANARY, Reply, raw_server

SOURCE = DEMO_IDS["source"]
SOURCE_METADATA = DEMO_IDS["sourceMetadata"]
BUDGET = DEFAULT_POLICY.attempts  # tries in all, the first included
QUICK_TIMEOUT = RetryPolicy(timeout=0.2, connect_timeout=0.2)
#: How long a hung server holds a request: far longer than any bound below.
HUNG = 30.0
#: Scheduling and connection set-up on a loaded, shared machine, on top of the timeouts.
SLACK = 5.0
#: How long a test waits before giving up on an invocation: past every bound (so the bound's own
#: check reports it), short of HUNG (so a client that waits for the server fails, not hangs).
GIVE_UP = HUNG / 2


def _bound(timeout: float, tries: int = 1) -> float:
    """The longest an invocation of `tries` tries, each ending at `timeout`, may take."""
    return timeout * tries + SLACK


# name -> (fault arguments, the error a read gets once the budget is spent, options for invoke)
FAULTS: dict[str, tuple[dict[str, Any], type[SegmentError], dict[str, Any]]] = {
    "429 Retry-After": ({"status": 429, "headers": {"Retry-After": "2"}}, RateLimited, {}),
    "429 msBeforeNext only": ({"status": 429}, RateLimited, {}),
    "500": ({"status": 500}, ServerError, {}),
    "502": ({"status": 502}, ServerError, {}),
    "503": ({"status": 503}, ServerError, {}),
    "dropped connection": ({"drop": True}, TransportError, {}),
    "timeout": ({"delay": 5.0}, TransportError, {"retry": QUICK_TIMEOUT}),
    "malformed body": ({"status": 200, "body": "<html>gateway</html>"}, MalformedResponse, {}),
    "truncated body": ({"status": 200, "body": '{"data": {"source": {"id": "kjU7'}, MalformedResponse, {}),
}
NOT_RATE_LIMITS = [name for name in FAULTS if not name.startswith("429")]

READS: list[tuple[str, dict[str, Any], str, str]] = [
    # handler, inputs, method, emulator path the fault matches
    ("getSource", {"sourceId": SOURCE}, "GET", f"/sources/{SOURCE}"),
    ("listSources", {"fetchAll": True}, "GET", "/sources"),
    ("sources", {}, "GET", "/sources"),
    ("getWarehouse", {"warehouseId": DEMO_IDS["warehouse"]}, "GET", f"/warehouses/{DEMO_IDS['warehouse']}"),
]


def _sent(emu: Emulator, method: str, path: str) -> int:
    return sum(1 for r in emu.requests if r.method == method and r.path == path)


def _created_sources(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {r["slug"]: r for r in emu.state.sources.values()}


# --- reads -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(("key", "inputs", "method", "path"), READS, ids=[r[0] for r in READS])
async def test_reads_recover_within_the_retry_budget(
    emulator: Emulator,
    conn: dict[str, Any],
    waits: list[float],
    fault: str,
    key: str,
    inputs: dict[str, Any],
    method: str,
    path: str,
) -> None:
    arguments, _, options = FAULTS[fault]
    expected = await segment.invoke(key, inputs, connection=conn)
    emulator.requests.clear()
    emulator.faults.inject(method, path, times=BUDGET - 1, **arguments)
    assert await segment.invoke(key, inputs, connection=conn, **options) == expected
    assert _sent(emulator, method, path) == BUDGET
    assert len(waits) == BUDGET - 1
    if fault == "429 Retry-After":
        assert all(2.0 <= w <= 2.2 for w in waits), waits  # the asked-for wait, plus at most 10% jitter
    elif fault == "429 msBeforeNext only":
        assert all(1.0 <= w <= 1.1 for w in waits), waits
    else:
        assert all(0 < w <= DEFAULT_POLICY.backoff_max for w in waits), waits


@pytest.mark.parametrize("fault", FAULTS)
async def test_reads_fail_typed_once_the_budget_is_spent(
    emulator: Emulator, conn: dict[str, Any], waits: list[float], fault: str
) -> None:
    arguments, error, options = FAULTS[fault]
    emulator.faults.inject("GET", f"/sources/{SOURCE}", times=None, **arguments)
    with pytest.raises(error):
        await segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn, **options)
    assert _sent(emulator, "GET", f"/sources/{SOURCE}") == BUDGET
    assert len(waits) == BUDGET - 1


# --- writes ----------------------------------------------------------------------------------------

WRITES: list[tuple[str, Callable[[int], dict[str, Any]], str, Callable[[str], str]]] = [
    ("createSource", lambda n: {"slug": f"fault-{n}", "metadataId": SOURCE_METADATA}, "POST", lambda _: "/sources"),
    ("updateSource", lambda n: {"sourceId": SOURCE, "name": f"renamed-{n}"}, "PATCH", lambda _: f"/sources/{SOURCE}"),
    (
        "rawRequest",
        lambda n: {
            "url": "/sources",
            "method": "POST",
            "data": {"slug": f"fault-{n}", "enabled": True, "metadataId": SOURCE_METADATA},
            "maxRetries": 3,
        },
        "POST",
        lambda _: "/sources",
    ),
]


def _write_landed(emu: Emulator, key: str, n: int) -> bool:
    if key == "updateSource":
        return bool(emu.state.sources[SOURCE]["name"] == f"renamed-{n}")
    return f"fault-{n}" in _created_sources(emu)


@pytest.mark.parametrize("fault", NOT_RATE_LIMITS)
@pytest.mark.parametrize(("key", "make", "method", "path"), WRITES, ids=[w[0] for w in WRITES])
async def test_a_write_is_never_sent_twice_on_a_fault(
    emulator: Emulator,
    conn: dict[str, Any],
    waits: list[float],
    fault: str,
    key: str,
    make: Callable[[int], dict[str, Any]],
    method: str,
    path: Callable[[str], str],
) -> None:
    arguments, _, options = FAULTS[fault]
    inputs = make(1)
    if fault == "timeout":
        arguments = {"delay": 0.6}  # the server answers, but only after the client's 0.2 s
        if key == "rawRequest":
            options, inputs["timeout"] = {}, 200
    before = dict(_created_sources(emulator))
    emulator.faults.inject(method, path(""), times=None, **arguments)
    with pytest.raises(SegmentError):
        await segment.invoke(key, inputs, connection=conn, **options)
    assert _sent(emulator, method, path("")) == 1, "a write was sent again after a fault that is not a 429"
    assert waits == []
    if fault == "timeout":
        # The client gave up, the server did not: the write lands once the (emulated) server is done.
        # That is the ambiguity of any timeout; what the client guarantees is that it never repeats it.
        emulator.faults.clear()
        await asyncio.sleep(0)
        await _until(lambda: _write_landed(emulator, key, 1), GIVE_UP)
        assert _sent(emulator, method, path("")) == 1
    else:
        assert not _write_landed(emulator, key, 1), "a write the client reported as failed was applied"
        assert _created_sources(emulator).keys() == before.keys()


async def _until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # polls until the condition holds: the deadline only ends a broken run
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("fault", ["429 Retry-After", "429 msBeforeNext only"])
@pytest.mark.parametrize(("key", "make", "method", "path"), WRITES, ids=[w[0] for w in WRITES])
async def test_a_write_is_sent_again_only_after_a_429_and_lands_once(
    emulator: Emulator,
    conn: dict[str, Any],
    waits: list[float],
    fault: str,
    key: str,
    make: Callable[[int], dict[str, Any]],
    method: str,
    path: Callable[[str], str],
) -> None:
    arguments, _, _ = FAULTS[fault]
    before = len(emulator.state.sources)
    emulator.faults.inject(method, path(""), times=2, **arguments)
    await segment.invoke(key, make(7), connection=conn)
    assert _sent(emulator, method, path("")) == 3 and len(waits) == 2
    assert _write_landed(emulator, key, 7)
    assert len(emulator.state.sources) == before + (0 if key == "updateSource" else 1), "a duplicate was created"


# --- the state holds exactly what succeeded, under a random schedule of faults ---------------------

FAULT_CHOICES = [None, None, *NOT_RATE_LIMITS, "429 Retry-After", "429 msBeforeNext only"]
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "update", "delete", "get"]),
        st.integers(0, 5),
        st.sampled_from([f for f in FAULT_CHOICES if f != "timeout"]),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
async def test_after_any_schedule_of_faults_the_state_holds_exactly_what_succeeded(
    emulator: Emulator, conn: dict[str, Any], waits: list[float], operations: list[tuple[str, int, Any, int]]
) -> None:
    """A model of the workspace's sources follows only the invocations that succeeded; after every
    step the emulator's sources must equal it (no duplicate create, no lost or phantom write)."""
    emulator.reset()
    model = {r["slug"]: r["name"] for r in emulator.state.sources.values()}
    for step, (operation, n, fault, times) in enumerate(operations):
        slug = f"sched-{n}"
        existing = next((r["id"] for r in emulator.state.sources.values() if r["slug"] == slug), None)
        if fault is not None:
            arguments, _, _ = FAULTS[fault]
            emulator.faults.inject(times=times, **arguments)
        try:
            if operation == "create":
                await segment.invoke("createSource", {"slug": slug, "metadataId": SOURCE_METADATA}, connection=conn)
                model[slug] = slug
            elif operation == "update" and existing:
                await segment.invoke("updateSource", {"sourceId": existing, "name": f"n{step}"}, connection=conn)
                model[slug] = f"n{step}"
            elif operation == "delete" and existing:
                await segment.invoke("deleteSource", {"sourceId": existing}, connection=conn)
                del model[slug]
            elif existing:
                await segment.invoke("getSource", {"sourceId": existing}, connection=conn)
        except (ServerError, TransportError, MalformedResponse, RateLimited, Conflict, NotFound):
            pass  # typed, and the model keeps what was there
        emulator.faults.clear()
        assert {r["slug"]: r["name"] for r in emulator.state.sources.values()} == model, (step, operation, fault)


# --- a hung server ---------------------------------------------------------------------------------


async def test_a_hung_server_never_holds_invoke_past_its_timeout(emulator: Emulator, conn: dict[str, Any]) -> None:
    """One try of 0.5 s on a server that holds the request for HUNG seconds ends with the client's
    timeout error, within the timeout plus SLACK (wait_for raising TimeoutError fails the test)."""
    emulator.faults.inject(delay=HUNG, times=None)
    started = time.perf_counter()
    with pytest.raises(TransportError, match=r"timed out after 0\.5 s"):
        await asyncio.wait_for(
            segment.invoke(
                "getSource", {"sourceId": SOURCE}, connection=conn, retry=RetryPolicy(timeout=0.5, attempts=1)
            ),
            timeout=GIVE_UP,
        )
    assert time.perf_counter() - started < _bound(0.5)


async def test_each_try_is_bounded_and_the_retries_add_up_to_the_budget(
    emulator: Emulator, conn: dict[str, Any], waits: list[float]
) -> None:
    """Three tries of 0.25 s each: every try waits its whole timeout (the lower bound), and the
    invocation ends within the three timeouts plus SLACK (the upper one)."""
    emulator.faults.inject(delay=HUNG, times=None)
    started = time.perf_counter()
    with pytest.raises(TransportError, match=r"timed out after 0\.25 s"):
        await asyncio.wait_for(
            segment.invoke("listSources", {}, connection=conn, retry=RetryPolicy(timeout=0.25, attempts=3)),
            timeout=GIVE_UP,
        )
    elapsed = time.perf_counter() - started
    assert 0.7 <= elapsed < _bound(0.25, tries=3), elapsed
    assert len(waits) == 2
    assert _sent(emulator, "GET", "/sources") == 3


async def test_the_raw_requests_own_timeout_is_honoured(emulator: Emulator, conn: dict[str, Any]) -> None:
    """`timeout: 300` (milliseconds, one try) replaces the default 30 s: the error names 0.3 s and
    the invocation ends within it plus SLACK."""
    emulator.faults.inject(delay=HUNG, times=None)
    started = time.perf_counter()
    with pytest.raises(TransportError, match=r"timed out after 0\.3 s"):
        await asyncio.wait_for(
            segment.invoke(
                "rawRequest",
                {"url": "/sources", "method": "GET", "timeout": 300},
                connection={**conn, "apiKey": CANARY},
            ),
            timeout=GIVE_UP,
        )
    assert time.perf_counter() - started < _bound(0.3)


async def test_queued_invocations_on_a_hung_server_end_within_their_share_of_timeouts(
    emulator: Emulator, conn: dict[str, Any]
) -> None:
    """The concurrency limit queues invocations; the timeout is per try. 40 invocations on a hung
    server with 16 slots end within ceil(40 / 16) = 3 timeouts plus SLACK, well short of the 40
    timeouts they would take one after another."""
    emulator.faults.inject(delay=HUNG, times=None)
    timeout, count = 0.5, 40
    waves = -(-count // DEFAULT_MAX_CONCURRENCY)
    assert _bound(timeout, tries=waves) < GIVE_UP < count * timeout  # the bound tells the two apart
    started = time.perf_counter()
    results = await asyncio.wait_for(
        asyncio.gather(
            *(
                segment.invoke(
                    "getSource", {"sourceId": SOURCE}, connection=conn, retry=RetryPolicy(timeout=timeout, attempts=1)
                )
                for _ in range(count)
            ),
            return_exceptions=True,
        ),
        timeout=GIVE_UP,
    )
    elapsed = time.perf_counter() - started
    assert all(isinstance(r, TransportError) for r in results), {type(r).__name__ for r in results}
    assert elapsed < _bound(timeout, tries=waves), elapsed


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(HUNG)


async def _headers_then_stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"data"')
    await writer.drain()
    await asyncio.sleep(HUNG)


async def _short_body_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"data": {')
    await writer.drain()


async def _not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    await writer.drain()


@pytest.mark.parametrize(
    "reply", [_silent, _headers_then_stall, _short_body_then_close, _not_http], ids=lambda f: f.__name__.strip("_")
)
async def test_broken_servers_end_in_a_transport_error_within_the_timeout(reply: Reply, waits: list[float]) -> None:
    """Two tries of 0.3 s: whatever the server does, a transport error within both timeouts plus
    SLACK (a silent or stalling server holds the request for HUNG seconds)."""
    async with raw_server(reply) as url:
        started = time.perf_counter()
        with pytest.raises(TransportError):
            await asyncio.wait_for(
                segment.invoke(
                    "getSource",
                    {"sourceId": SOURCE},
                    connection={"apiKey": CANARY, "subdomain": "s", "baseUrl": url},
                    retry=RetryPolicy(timeout=0.3, attempts=2),
                ),
                timeout=GIVE_UP,
            )
        assert time.perf_counter() - started < _bound(0.3, tries=2)
        assert len(waits) == 1  # a read: tried again once, within the budget given


# --- cancellation ----------------------------------------------------------------------------------


async def test_cancelling_invocations_mid_flight_leaks_no_session_and_no_slot(
    emulator: Emulator, conn: dict[str, Any]
) -> None:
    emulator.faults.inject(delay=HUNG, times=None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tasks = [
            asyncio.create_task(segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn))
            for _ in range(DEFAULT_MAX_CONCURRENCY * 2)
        ]
        await asyncio.sleep(0.2)  # 16 in flight, 16 queued for a slot
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        emulator.faults.clear()
        # Every slot came back: a full wave (and more) runs at once and quickly.
        limit = await client_module.pool.limit(conn["baseUrl"], CANARY)
        assert limit._value == DEFAULT_MAX_CONCURRENCY
        done = await asyncio.wait_for(
            asyncio.gather(
                *(
                    segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn)
                    for _ in range(DEFAULT_MAX_CONCURRENCY * 2)
                )
            ),
            timeout=GIVE_UP,  # only ends a broken run: the slot count above is the proof
        )
        assert len(done) == DEFAULT_MAX_CONCURRENCY * 2
        await segment.aclose()
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], [str(w.message) for w in caught]


async def test_closing_the_pool_under_running_invocations_ends_them_typed(
    emulator: Emulator, conn: dict[str, Any]
) -> None:
    emulator.faults.inject(delay=0.3, times=None)
    tasks = [
        asyncio.create_task(
            segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn, retry=RetryPolicy(attempts=1))
        )
        for _ in range(8)
    ]
    await asyncio.sleep(0.1)
    await segment.aclose()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, dict | SegmentError) for r in results), [repr(r) for r in results]
    emulator.faults.clear()
    assert await segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn)  # a new session opens


CANCEL_IN_A_NEW_LOOP = """
import asyncio, gc, sys, warnings
warnings.simplefilter("error", ResourceWarning)
from component import segment
from component.emulator import DEMO_IDS, running_emulator

async def main():
    async with running_emulator(rate_limits=False) as emu:
        emu.faults.inject(delay=30.0, times=None)
        conn = {"apiKey": emu.api_key, "subdomain": "demo-workspace", "baseUrl": emu.url}
        task = asyncio.create_task(segment.invoke("getSource", {"sourceId": DEMO_IDS["source"]}, connection=conn))
        await asyncio.sleep(0.2)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            print("cancelled")
        # No segment.aclose(): the loop's shutdown must close the pooled session.

asyncio.run(main())
gc.collect()
print("done")
"""


def test_a_cancelled_invocation_in_a_loop_that_ends_leaves_no_unclosed_session() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", CANCEL_IN_A_NEW_LOOP],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["cancelled", "done"]
    assert "Unclosed" not in result.stderr and "ResourceWarning" not in result.stderr, result.stderr


async def test_a_dropped_connection_is_tried_again_only_by_the_policy(
    emulator: Emulator, conn: dict[str, Any], waits: list[float]
) -> None:
    """aiohttp would send a GET again by itself when a kept-alive connection drops; the client turns
    that off, so `maxRetries: 0` means one request, and the trace counts every try."""
    await segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn)  # a kept-alive connection
    emulator.requests.clear()
    emulator.faults.inject(drop=True, times=None)
    with pytest.raises(TransportError):
        await segment.invoke(
            "rawRequest", {"url": f"/sources/{SOURCE}", "method": "GET", "maxRetries": 0}, connection=conn
        )
    assert len(emulator.requests) == 1
    with pytest.raises(TransportError):
        await segment.invoke("deleteSource", {"sourceId": SOURCE}, connection=conn)
    assert len(emulator.requests) == 1 + BUDGET


async def test_the_trace_of_a_retried_read_counts_every_try(
    emulator: Emulator, conn: dict[str, Any], waits: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="component")
    emulator.faults.inject("GET", f"/sources/{SOURCE}", status=503, times=2)
    await segment.invoke("getSource", {"sourceId": SOURCE}, connection=conn, debug=True)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "-> 503 (attempt 1" in text and "-> 503 (attempt 2" in text and "-> 200 (attempt 3" in text
    assert "3 HTTP calls, 2 retries" in text
    assert json.dumps(waits)  # recorded, not slept
