"""Secrets stay secret: a canary token, debug on, every registered handler, every error class.

Each handler runs its own `example` input against the emulator (which accepts only the canary
token): once through success, then through 401, 403, 404, 409, 422, 429 and 500 answers whose
bodies and X-Request-Id echo the canary in every field (the worst an API or a proxy could do), a
dropped connection, a timeout and a refused connection. The canary must appear in no log record
of any logger (formatted in full: message, args, exception text, stack), in no exception's
message, repr, traceback or attributes (its cause and context included), in no CLI output, and
in no generated file (manifest.json, fixtures/). Sensitive settings (a warehouse password, a
destination option of type password) must not appear in debug logs either.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_SUBDOMAIN, Emulator
from component.framework.debug import secrets
from component.framework.registry import Handler
from component.segment.connection import SegmentContext
from component.segment.errors import SegmentError
from component.segment.policy import RetryPolicy
from tests.helpers import CANARY, assert_no_canary_in_error, exception_text

HANDLERS: list[Handler[SegmentContext]] = sorted(segment.component.all(), key=lambda h: h.key)
PROJECT = Path(__file__).resolve().parents[2]
ECHO = {
    "errors": [
        {
            "type": f"echo-{CANARY}",
            "message": f"the token {CANARY} is not allowed here (Authorization: Bearer {CANARY})",
            "field": f"headers.Authorization.{CANARY}",
            "data": {"token": CANARY, "nested": [{"again": f"Bearer {CANARY}"}], CANARY: 1, "msBeforeNext": 1},
        }
    ]
}
ERROR_STATUSES = [401, 403, 404, 409, 422, 429, 500]
FAST = RetryPolicy(attempts=2, timeout=0.05, connect_timeout=0.05)


class _FullText(logging.Handler):
    """Every record of every logger, formatted as a host's handler would, with exception and stack."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.buffer = io.StringIO()
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.buffer.write(self.format(record) + "\n")
        self.buffer.write(repr(record.args) + " " + (record.exc_text or "") + " " + (record.stack_info or "") + "\n")


@pytest.fixture
def all_logs() -> Iterator[_FullText]:
    handler = _FullText()
    root = logging.getLogger()
    previous = root.level, logging.getLogger("component").level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("component").setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous[0])
        logging.getLogger("component").setLevel(previous[1])


def _scenarios(emu: Emulator) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, extra invoke options) after arranging the emulator for that scenario."""
    emu.faults.clear()
    yield "success", {}
    for status in ERROR_STATUSES:
        emu.faults.clear()
        headers = {"X-Request-Id": f"req-{CANARY}"}
        if status == 429:
            headers["Retry-After"] = "0"
        emu.faults.inject(status=status, body=json.dumps(ECHO), headers=headers, times=None)
        yield f"status {status}", {}
    emu.faults.clear()
    emu.faults.inject(drop=True, times=None)
    yield "dropped connection", {}
    emu.faults.clear()
    emu.faults.inject(delay=5.0, times=None)
    yield "timeout", {"retry": FAST}
    emu.faults.clear()


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda h: h.key)
async def test_the_canary_never_leaks_from_any_handler_through_any_outcome(
    handler: Handler[SegmentContext], emulator: Emulator, conn: dict[str, Any], waits: list[float], all_logs: _FullText
) -> None:
    outcomes: dict[str, str] = {}
    for scenario, options in _scenarios(emulator):
        inputs = dict(handler.example)
        if "retry" in options and "timeout" in handler.spec.schema["properties"]:
            inputs["timeout"] = 50  # a handler with its own timeout input (the raw request) follows it
        try:
            await segment.invoke(handler.key, inputs, connection=conn, debug=True, **options)
            outcomes[scenario] = "ok"
        except SegmentError as exc:
            outcomes[scenario] = type(exc).__name__
            assert CANARY not in exception_text(exc), (scenario, exception_text(exc))
    refused = {**conn, "baseUrl": "http://127.0.0.1:9"}  # nothing listens on the discard port
    with pytest.raises(SegmentError) as caught:
        await segment.invoke(handler.key, dict(handler.example), connection=refused, debug=True, retry=FAST)
    assert_no_canary_in_error(caught.value)
    assert outcomes["success"] == "ok", f"the example input of {handler.key} fails against the emulator"
    assert all(outcome != "ok" for name, outcome in outcomes.items() if name != "success"), outcomes
    assert outcomes["timeout"] == outcomes["dropped connection"] == "TransportError"
    text = all_logs.buffer.getvalue()
    assert all_logs.records, "debug logged nothing"
    assert CANARY not in text
    assert f"{handler.key}: ok in" in text and f"{handler.key}: failed in" in text
    assert secrets.in_use() == 0, "a finished invocation left its secret in the redaction registry"


# --- the CLI, as a user runs it --------------------------------------------------------------------

CLI_RUNS: list[tuple[str, dict[str, Any]]] = [
    ("getSource", {"sourceId": "kjU72LCJexvrqL7G4TMHHN"}),
    ("createSource", {"slug": "cli-canary", "metadataId": "1bow82lmk"}),
    ("listSources", {"count": 2}),
    ("rawRequest", {"url": "/sources", "method": "GET"}),
    ("sources", {}),
]


async def _cli(emu: Emulator, key: str, inputs: dict[str, Any]) -> tuple[int, str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "SEGMENT_API_KEY": CANARY,
        "SEGMENT_SUBDOMAIN": DEMO_SUBDOMAIN,
        "SEGMENT_API_BASE_URL": emu.url,
        "PYTHONWARNINGS": "error::ResourceWarning",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "component",
        "run",
        key,
        "--input",
        json.dumps(inputs),
        "--debug",
        cwd=PROJECT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_cli_never_prints_the_canary(emulator: Emulator) -> None:
    successes = await asyncio.gather(*(_cli(emulator, key, inputs) for key, inputs in CLI_RUNS))
    emulator.faults.inject(status=401, body=json.dumps(ECHO), headers={"X-Request-Id": CANARY}, times=None)
    failures = await asyncio.gather(*(_cli(emulator, key, inputs) for key, inputs in CLI_RUNS))
    for (key, _), (code, out, err) in zip(CLI_RUNS, successes, strict=True):
        assert code == 0, (key, err)
        assert "debug: " in err and CANARY not in out + err
    for (key, _), (code, out, err) in zip(CLI_RUNS, failures, strict=True):
        assert code == 1, (key, out, err)
        assert "401" in err and CANARY not in out + err


# --- what is written to the repository --------------------------------------------------------------

TOKEN_LIKE = re.compile(r"sgp_[A-Za-z0-9_\-]{16,}|Bearer\s+[A-Za-z0-9._\-]{16,}")


def test_no_token_is_written_to_the_manifest_or_the_fixtures() -> None:
    files = [
        PROJECT / "manifest.json",
        PROJECT / "component" / "handlers.json",
        *sorted((PROJECT / "fixtures").rglob("*")),
    ]
    checked = 0
    for path in files:
        if path.is_file():
            text = path.read_text(errors="replace")
            assert CANARY not in text, path
            assert not TOKEN_LIKE.search(text), (path, TOKEN_LIKE.search(text))
            checked += 1
    assert checked > len(HANDLERS), "the fixtures were not found"


# --- sensitive settings ------------------------------------------------------------------------------

PASSWORD = "pw-CANARY-7f3a9c-do-not-log"
SENSITIVE_CALLS = [
    (
        "createWarehouse",
        {
            "metadataId": "55d3d3aea3c",
            "name": "W",
            "settings": {
                "hostname": "db.example.com",
                "port": 5432,
                "database": "d",
                "username": "u",
                "password": PASSWORD,
            },
        },
    ),
    (
        "updateWarehouse",
        {
            "warehouseId": "WHxy7bqXaGCpo4TZDW2LMe",
            "settings": {
                "hostname": "db.example.com",
                "port": 5432,
                "database": "d",
                "username": "u",
                "password": PASSWORD,
            },
        },
    ),
    (
        "createDestination",
        {
            "sourceId": "kjU72LCJexvrqL7G4TMHHN",
            "metadataId": "54521fd525e721e32a72ee91",
            "settings": {"sharedSecret": PASSWORD},
        },
    ),
    ("updateDestination", {"destinationId": "fP7qoQw2HTWt9WdMr718gn", "settings": {"sharedSecret": PASSWORD}}),
    (
        "rawRequest",
        {"url": "/warehouses/WHxy7bqXaGCpo4TZDW2LMe", "method": "PATCH", "data": {"settings": {"password": PASSWORD}}},
    ),
]


@pytest.mark.parametrize(("key", "inputs"), SENSITIVE_CALLS, ids=[c[0] for c in SENSITIVE_CALLS])
async def test_sensitive_settings_never_reach_the_debug_log(
    key: str,
    inputs: dict[str, Any],
    emulator: Emulator,
    conn: dict[str, Any],
    waits: list[float],
    all_logs: _FullText,
) -> None:
    if key not in segment.actions:
        pytest.skip(f"{key} is not declared")
    await segment.invoke(key, inputs, connection=conn, debug=True)
    emulator.faults.inject(
        status=422,
        body=json.dumps(
            {"errors": [{"type": "ValidationFailure", "message": "invalid settings", "data": {"echo": PASSWORD}}]}
        ),
        times=None,
    )
    with pytest.raises(SegmentError):
        await segment.invoke(key, inputs, connection=conn, debug=True)
    text = all_logs.buffer.getvalue()
    assert f"{key}: ok in" in text and f"{key}: failed in" in text
    assert PASSWORD not in text and CANARY not in text
