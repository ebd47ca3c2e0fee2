"""`python -m component.emulator` and import isolation (run in subprocesses)."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

from component.emulator import DEMO_API_KEY

from .conftest import python_m

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_importing_component_does_not_import_the_emulator() -> None:
    result = _run("import sys, component; print(sorted(m for m in sys.modules if m.startswith('component.emulator')))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_emulator_does_not_import_the_client() -> None:
    result = _run(
        "import sys, component.emulator; "
        "print(sorted(m for m in sys.modules if m.startswith(('component.segment', 'component.framework', "
        "'pydantic', 'tenacity', 'jsonschema'))))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_python_dash_m_serves_and_stops_on_sigterm() -> None:
    async with python_m("component.emulator", "--port", "0", "--seed", "20", "--no-rate-limits") as proc:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        second = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        match = re.match(r"^Segment Public API emulator listening on (http://127\.0\.0\.1:(\d+))$", first.strip())
        assert match, first
        assert int(match.group(2)) > 0
        assert second.split() == ["API", "key:", DEMO_API_KEY, "workspace", "subdomain:", "demo-workspace"]
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
            async with session.get(match.group(1) + "/sources?pagination[count]=1000", headers=headers) as r:
                assert r.status == 200
                assert "X-RateLimit-Remaining" not in r.headers
                body = await r.json(content_type=None)
                assert body["data"]["pagination"]["totalEntries"] == 24
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0


def test_bad_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "component.emulator", "--seed", "-1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--seed" in result.stderr
