"""The CLI as a process: listing without heavy imports, exit codes, and a run over real HTTP."""

from __future__ import annotations

import json
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from component import segment
from tests.cli.helpers import PYTHON, acli, cli
from tests.helpers import CANARY, serving


def test_list_prints_every_handler_with_its_label() -> None:
    result = cli("list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(segment.actions) + len(segment.data_sources)
    assert any(line.split()[0] == "getSource" and line.endswith("Get Source") for line in lines)


@pytest.mark.parametrize("args", [["list"], ["--help"], ["run", "--help"]])
def test_listing_and_help_import_neither_aiohttp_nor_pydantic(args: list[str]) -> None:
    code = (
        "import sys\nfrom component.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'aiohttp', 'pydantic', 'jsonschema', 'tenacity'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert "HEAVY []" in result.stderr


def test_manifest_is_up_to_date() -> None:
    result = cli("manifest", "--check")
    assert result.returncode == 0, result.stderr


def test_bad_input_exits_2_with_one_line() -> None:
    result = cli("run", "getSource", "--set", "region=mars", env={"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": "w"})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: Invalid input for getSource: region: must be one of: api, eu1.api (or eu, eu1, us); "
        "sourceId: is required"
    ]


def test_bad_json_input_exits_2() -> None:
    result = cli("run", "getSource", "--input", "{nope", env={"SEGMENT_API_KEY": "k", "SEGMENT_SUBDOMAIN": "w"})
    assert result.returncode == 2 and result.stderr.startswith("error: --input is not valid JSON")


def test_describe_shows_inputs_and_example() -> None:
    result = cli("describe", "getSource")
    assert result.returncode == 0
    described = json.loads(result.stdout)
    assert described["key"] == "getSource"
    assert "sourceId" in described["inputs"]["properties"]
    assert described["exampleInput"] == {"sourceId": "kjU72LCJexvrqL7G4TMHHN"}


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A real local HTTP server that answers GET /sources/{id} and 404 otherwise, recording requests."""
    seen: list[dict[str, Any]] = []

    async def source(request: web.Request) -> web.Response:
        seen.append({"path": request.path, "auth": request.headers.get("Authorization")})
        return web.json_response({"data": {"source": {"id": request.match_info["id"]}}})

    async def missing(request: web.Request) -> web.Response:
        seen.append({"path": request.path, "auth": request.headers.get("Authorization")})
        return web.json_response({"errors": [{"type": "not-found", "message": "nothing here"}]}, status=404)

    app = web.Application()
    app.router.add_get("/sources/{id}", source)
    app.router.add_route("*", "/{tail:.*}", missing)
    async with serving(app) as url:
        yield url, seen


async def test_run_against_a_real_server(server: tuple[str, list[dict[str, Any]]]) -> None:
    url, seen = server
    env = {"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": "w", "SEGMENT_API_BASE_URL": url}
    code, out, err = await acli("run", "getSource", "--set", "sourceId=x", "--debug", env=env)
    assert code == 0, err
    assert json.loads(out) == {"data": {"data": {"source": {"id": "x"}}}}
    assert seen == [{"path": "/sources/x", "auth": f"Bearer {CANARY}"}]
    assert "GET /sources/x -> 200" in err
    assert CANARY not in out + err


async def test_api_failure_exits_1_with_one_line(server: tuple[str, list[dict[str, Any]]]) -> None:
    url, _ = server
    env = {"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": "w", "SEGMENT_API_BASE_URL": url}
    code, out, err = await acli("run", "deleteSource", "--set", "sourceId=x", env=env)
    assert code == 1 and out == ""
    assert err.strip() == "error: Segment API error 404 not-found on DELETE /sources/x: nothing here"
