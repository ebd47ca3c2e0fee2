"""The CLI in a terminal, as a process: readers that leave early, Ctrl-C, awkward encodings and
answers, the version, and errors in the user's words."""

from __future__ import annotations

import asyncio
import json
import math
import os
import select
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path

import pytest
from aiohttp import web

from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, Emulator, running_emulator
from tests.cli.helpers import COMMAND, clean_env, cli, free_port, silent_server
from tests.helpers import CANARY, HANDLER_COUNT, serving

TOKEN_ENV = {"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": "w"}


def _strict_json(text: str) -> object:
    """Parse as JSON proper: NaN and Infinity, which Python's reader accepts, are refused."""

    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


# --- a reader that leaves early ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["list"], ["describe", "getSource"], ["run", "listSources"], ["--help"]],
    ids=["list", "describe", "run", "help"],
)
def test_a_reader_that_has_left_ends_the_program_quietly(args: list[str]) -> None:
    """`cmd | true`: the reader is gone before the first write, so every write fails with EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [*COMMAND, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode in (0, 141), result.stderr
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("note:")] == []


def test_head_reads_one_line_of_a_long_output_and_the_program_ends_quietly() -> None:
    result = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$@" | head -1; echo "status=${PIPESTATUS[0]}"', "bash", *COMMAND, "manifest"],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    # 141 when head left before the last write (as `yes | head -1`); 0 when the pipe's buffer held it all.
    assert result.stdout.splitlines() in (["{", "status=141"], ["{", "status=0"]), result.stdout[-200:]
    assert result.stderr == ""


# --- Ctrl-C ------------------------------------------------------------------------------------------


def test_ctrl_c_during_the_request_exits_130_with_one_line() -> None:
    with silent_server() as listener:
        port = listener.getsockname()[1]
        env = clean_env({**TOKEN_ENV, "SEGMENT_API_BASE_URL": f"http://127.0.0.1:{port}"})
        child = subprocess.Popen(
            [*COMMAND, "run", "getSource", "--set", "sourceId=x"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            listener.settimeout(60)
            connection, _ = listener.accept()  # the request is on its way: the CLI now waits for an answer
            with connection:
                child.send_signal(signal.SIGINT)
                out, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert child.returncode == 130
    assert out == ""
    assert err.splitlines() == ["error: interrupted"]


@pytest.fixture
async def big_workspace() -> AsyncIterator[Emulator]:
    async with running_emulator(seed=1500, rate_limits=False) as emulator:
        yield emulator


async def test_ctrl_c_while_the_result_is_written_exits_130_with_one_line(big_workspace: Emulator) -> None:
    env = clean_env(
        {
            "SEGMENT_API_KEY": DEMO_API_KEY,
            "SEGMENT_SUBDOMAIN": DEMO_SUBDOMAIN,
            "SEGMENT_API_BASE_URL": big_workspace.url,
        }
    )
    # stdout is a pipe nobody reads: once the result outgrows the pipe's buffer, the writer blocks.
    read_end, write_end = os.pipe()
    try:
        child = await asyncio.create_subprocess_exec(
            *COMMAND,
            "run",
            "listSources",
            "--set",
            "fetchAll=true",
            env=env,
            stdout=write_end,
            stderr=asyncio.subprocess.PIPE,
        )
        os.close(write_end)
        write_end = -1
        try:
            deadline = time.monotonic() + 60
            while not select.select([read_end], [], [], 0)[0]:
                assert child.returncode is None, "the CLI ended before writing"
                assert time.monotonic() < deadline, "no output"
                await asyncio.sleep(0.05)  # the emulator in this loop answers meanwhile
            await asyncio.sleep(0.5)
            assert child.returncode is None, "the result fit in the pipe: the test needs a larger one"
            child.send_signal(signal.SIGINT)
            _, err_bytes = await asyncio.wait_for(child.communicate(), 60)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    err = err_bytes.decode()
    assert child.returncode == 130
    assert err.splitlines() == ["error: interrupted"]


# --- encodings and awkward answers --------------------------------------------------------------------

AWKWARD_BODY = (
    b'{"data": {"source": {"id": "x", "name": "caf\\u00e9 \\ud800 \\u2603", "score": NaN, "big": -Infinity}}}'
)
AWKWARD_SOURCE = {"id": "x", "name": "caf\u00e9 \ud800 \u2603", "score": None, "big": None}


@pytest.fixture
async def awkward_server() -> AsyncIterator[str]:
    """Answers every request with JSON holding a lone surrogate, non-ASCII text, NaN and -Infinity."""

    async def answer(_: web.Request) -> web.Response:
        return web.Response(body=AWKWARD_BODY, content_type="application/json")

    async with serving(answer) as url:
        yield url


@pytest.mark.parametrize("encoding", ["ascii", "utf-8", "latin-1"])
async def test_awkward_answers_print_as_valid_json_in_any_terminal_encoding(awkward_server: str, encoding: str) -> None:
    env = clean_env({**TOKEN_ENV, "SEGMENT_API_BASE_URL": awkward_server, "PYTHONIOENCODING": encoding})
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        "run",
        "getSource",
        "--set",
        "sourceId=x",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    text = out.decode(encoding)  # what the terminal shows is text in its own encoding
    assert _strict_json(text) == {"data": {"data": {"source": AWKWARD_SOURCE}}}
    if encoding == "ascii":
        assert out.isascii()


def test_labels_print_in_an_ascii_terminal() -> None:
    result = cli("list", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == HANDLER_COUNT


# --- version, environment, inputs ---------------------------------------------------------------------


def test_version_is_the_installed_distributions() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"segment-component {version('segment-component')}\n"


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5"])
def test_a_bad_max_concurrency_is_refused_with_one_line(value: str) -> None:
    result = cli("run", "listSources", env={"SEGMENT_MAX_CONCURRENCY": value})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: Invalid input: $SEGMENT_MAX_CONCURRENCY: must be a whole number, at least 1"
    ]


def test_a_missing_subdomain_names_its_variable() -> None:
    result = cli("run", "getSource", "--set", "sourceId=x", env={"SEGMENT_API_KEY": CANARY})
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: SEGMENT_SUBDOMAIN is not set")
    assert CANARY not in result.stderr


def test_a_bad_region_lists_the_accepted_aliases() -> None:
    result = cli("run", "getSource", "--set", "sourceId=x", env={**TOKEN_ENV, "SEGMENT_REGION": "mars"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: Invalid input for getSource: region: must be one of: api, eu1.api (or eu, eu1, us) "
        "(set by $SEGMENT_REGION)"
    ]


def test_a_bad_base_url_from_the_environment_names_its_variable() -> None:
    result = cli("run", "listSources", env={**TOKEN_ENV, "SEGMENT_API_BASE_URL": "ftp://example.com"})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: Invalid input for listSources: connection.baseUrl: must be an http:// or https:// URL with a host "
        "(set by $SEGMENT_API_BASE_URL)"
    ]


def test_input_at_dash_reads_standard_input() -> None:
    result = cli("run", "listSources", "--input", "@-", stdin='{"count": 1}')
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["data"]["data"]["sources"]) == 1


def test_input_from_a_file(tmp_path: Path) -> None:
    file = tmp_path / "inputs.json"
    file.write_text('{"count": 2}')
    result = cli("run", "listSources", "--input", f"@{file}")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["data"]["data"]["sources"]) == 2


def test_a_missing_input_file_is_named_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    result = cli("run", "listSources", "--input", f"@{missing}")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"error: --input: cannot read {missing}: No such file or directory"]


# --- connection failures in words ----------------------------------------------------------------------


def test_a_refused_connection_names_the_host_and_says_refused() -> None:
    port = free_port()
    result = cli(
        "run",
        "createSource",
        "--set",
        "slug=a",
        "--set",
        "metadataId=m",
        env={**TOKEN_ENV, "SEGMENT_API_BASE_URL": f"http://127.0.0.1:{port}"},
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: POST /sources: connection refused by 127.0.0.1:{port} (nothing is listening there)"
    ]


def test_a_failed_dns_lookup_names_the_host() -> None:
    result = cli(
        "run",
        "rawRequest",
        "--set",
        "url=/sources",
        "--set",
        "method=GET",
        "--set",
        "maxRetries=0",
        env={**TOKEN_ENV, "SEGMENT_API_BASE_URL": "http://no-such-host.invalid"},
    )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "no-such-host.invalid" in line and "DNS lookup failed" in line
    assert "Error" not in line.replace("error: ", "", 1)  # no exception class name


def test_a_timeout_says_the_time_spent_over_all_tries() -> None:
    with silent_server() as listener:
        port = listener.getsockname()[1]
        result = cli(
            "run",
            "rawRequest",
            "--set",
            "url=/sources",
            "--set",
            "method=GET",
            "--set",
            "timeout=300",
            "--set",
            "maxRetries=1",
            "--set",
            "retryDelayMS=100",
            env={**TOKEN_ENV, "SEGMENT_API_BASE_URL": f"http://127.0.0.1:{port}"},
        )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: GET /sources: timed out after 0.3 s (the last of 2 tries, "), line
    seconds = float(line.rsplit("tries, ", 1)[1].split(" s in all)")[0])
    assert seconds >= 0.6 and math.isfinite(seconds)
