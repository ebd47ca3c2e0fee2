"""Progress: the framework's reporter, what the client and the page walks report, and the CLI's
status line on a terminal's stderr (and nowhere else)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import pty
from collections.abc import AsyncIterator

import pytest

from component import segment
from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, Emulator, running_emulator
from component.framework import progress
from component.framework.progress import Progress, TerminalReporter
from tests.cli.helpers import COMMAND, clean_env
from tests.helpers import emulator_connection

RATE_LIMITED_BODY = '{"errors": [{"type": "RequestError", "message": "Too many requests"}]}'


@pytest.fixture
async def big() -> AsyncIterator[Emulator]:
    """2,500 sources: a walk at 1,000 a page takes three pages."""
    async with running_emulator(seed=2500, rate_limits=False) as emulator:
        yield emulator


def test_without_a_reporter_nothing_is_reported_and_nothing_fails() -> None:
    progress.waiting(1.0, "a reason")
    progress.paged("GET /sources", 1, 10)


def test_a_reporter_sees_the_reports_of_its_block_only() -> None:
    seen: list[Progress] = []
    with progress.reporting(seen.append):
        progress.waiting(2.5, "rate limited")
        progress.paged("GET /sources", 2, 2000)
    progress.waiting(1.0, "after the block")
    assert seen == [
        Progress("wait", "waiting 2.5 s: rate limited", seconds=2.5),
        Progress("page", "GET /sources: 2 pages, 2000 items so far", pages=2, items=2000),
    ]


async def test_concurrent_invocations_report_to_their_own_reporter() -> None:
    async def run(name: str, into: list[str]) -> None:
        with progress.reporting(lambda event: into.append(event.message)):
            await asyncio.sleep(0)
            progress.paged(name, 1, 1)

    first: list[str] = []
    second: list[str] = []
    await asyncio.gather(run("first", first), run("second", second))
    assert first == ["first: 1 page, 1 items so far"] and second == ["second: 1 page, 1 items so far"]


async def test_the_client_reports_a_rate_limit_wait_with_its_reason(big: Emulator) -> None:
    big.faults.inject("GET", "/sources/*", status=429, headers={"Retry-After": "0.05"}, body=RATE_LIMITED_BODY)
    source_id = next(iter(big.state.sources))
    seen: list[Progress] = []
    with progress.reporting(seen.append):
        await segment.invoke("getSource", {"sourceId": source_id}, connection=emulator_connection(big))
    [wait] = seen
    assert wait.kind == "wait" and wait.seconds is not None and 0.05 <= wait.seconds <= 0.06
    assert wait.message.endswith(f": GET /sources/{source_id} rate limited (429); try 2 of 4 next")


async def test_the_client_reports_each_retry_wait(big: Emulator) -> None:
    big.faults.inject("GET", "/sources/*", status=503, times=2)
    source_id = next(iter(big.state.sources))
    seen: list[Progress] = []
    with progress.reporting(seen.append):
        await segment.invoke("getSource", {"sourceId": source_id}, connection=emulator_connection(big))
    assert [event.message.split(": ", 1)[1] for event in seen] == [
        f"GET /sources/{source_id} answered 503; try 2 of 4 next",
        f"GET /sources/{source_id} answered 503; try 3 of 4 next",
    ]


@pytest.mark.parametrize(("key", "inputs"), [("sources", {}), ("listSources", {"fetchAll": True})])
async def test_a_page_walk_reports_each_page_and_the_items_so_far(
    big: Emulator, key: str, inputs: dict[str, object]
) -> None:
    total = len(big.state.sources)
    seen: list[Progress] = []
    with progress.reporting(seen.append):
        await segment.invoke(key, inputs, connection=emulator_connection(big))
    assert [(event.kind, event.pages, event.items) for event in seen] == [
        ("page", 1, 1000),
        ("page", 2, 2000),
        ("page", 3, total),
    ]
    assert seen[-1].message == f"GET /sources: 3 pages, {total} items so far"


def test_the_terminal_reporter_rewrites_the_page_count_and_gives_a_wait_its_own_line() -> None:
    stream = io.StringIO()
    reporter = TerminalReporter(stream)
    reporter(Progress("page", "GET /sources: 1 page, 1000 items so far", pages=1, items=1000))
    reporter(Progress("page", "GET /sources: 2 pages, 2000 items so far", pages=2, items=2000))
    reporter(Progress("wait", "waiting 1.0 s: rate limited", seconds=1.0))
    reporter(Progress("page", "GET /sources: 3 pages, 2500 items so far", pages=3, items=2500))
    reporter.close()
    assert stream.getvalue() == (
        "\r\x1b[KGET /sources: 1 page, 1000 items so far"
        "\r\x1b[KGET /sources: 2 pages, 2000 items so far"
        "\r\x1b[Kwaiting 1.0 s: rate limited\n"
        "\r\x1b[KGET /sources: 3 pages, 2500 items so far"
        "\r\x1b[K"
    )


# --- the CLI ------------------------------------------------------------------------------------------


async def _run_cli(emulator: Emulator, *, stderr_on_a_terminal: bool) -> tuple[int, str, str]:
    """`run sources` (three pages, the first answered 429) with stderr on a pseudo-terminal or a pipe."""
    emulator.faults.inject("GET", "/sources", status=429, headers={"Retry-After": "0.05"}, body=RATE_LIMITED_BODY)
    env = clean_env(
        {"SEGMENT_API_KEY": DEMO_API_KEY, "SEGMENT_SUBDOMAIN": DEMO_SUBDOMAIN, "SEGMENT_API_BASE_URL": emulator.url}
    )
    if not stderr_on_a_terminal:
        child = await asyncio.create_subprocess_exec(
            *COMMAND, "run", "sources", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await asyncio.wait_for(child.communicate(), 120)
        return child.returncode or 0, out.decode(), err.decode()
    controller, terminal = pty.openpty()
    try:
        child = await asyncio.create_subprocess_exec(
            *COMMAND, "run", "sources", env=env, stdout=asyncio.subprocess.PIPE, stderr=terminal
        )
        os.close(terminal)
        terminal = -1
        out, _ = await asyncio.wait_for(child.communicate(), 120)
        shown = b""
        while True:  # what the terminal received; EIO once it is drained and the child has gone
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    return child.returncode or 0, out.decode(), shown.decode()


async def test_the_cli_shows_waits_and_pages_on_a_terminal_and_never_on_stdout(big: Emulator) -> None:
    code, out, err = await _run_cli(big, stderr_on_a_terminal=True)
    assert code == 0, err
    assert len(json.loads(out)["result"]) == len(big.state.sources)  # stdout is the result alone
    assert "waiting 0.1 s: GET /sources rate limited (429); try 2 of 4 next" in err
    assert f"GET /sources: 3 pages, {len(big.state.sources)} items so far" in err
    assert err.endswith("\r\x1b[K")  # the status line is cleared before the program ends


async def test_the_cli_shows_no_progress_when_stderr_is_not_a_terminal(big: Emulator) -> None:
    code, out, err = await _run_cli(big, stderr_on_a_terminal=False)
    assert code == 0, err
    assert len(json.loads(out)["result"]) == len(big.state.sources)
    assert err == ""
