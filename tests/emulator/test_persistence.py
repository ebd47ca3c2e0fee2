"""The emulator keeps what you did: a state file read at start and rewritten atomically after every
kept write, the built-in emulator's per-user file across CLI commands, `--reset-emulator`, and a
running emulator named by SEGMENT_API_BASE_URL used with the demo credentials."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from component.emulator import DEMO_API_KEY, DEMO_IDS, Emulator, StateFileError, running_emulator
from component.segment.environment import emulator_state_file, host_connection
from tests.cli.helpers import acli

from .conftest import Client, python_m

D = DEMO_IDS
ROOT = Path(__file__).resolve().parents[2]
NEW_SOURCE = {"slug": "kept-source", "name": "Kept", "enabled": True, "metadataId": "1bow82lmk"}


async def test_a_state_file_keeps_every_change_across_restarts(tmp_path: Path) -> None:
    file = tmp_path / "state" / "emulator.json"
    async with running_emulator(state_file=file) as emu, aiohttp.ClientSession() as session:
        api = Client(emu, session)
        created = await api.post("/sources", NEW_SOURCE)
        assert created.status == 201, created.text
        new_id = created.data["source"]["id"]
        assert (await api.patch(f"/sources/{D['source']}", {"name": "Renamed"})).status == 200
        assert (await api.delete(f"/warehouses/{D['warehouse']}")).status == 200
    assert stat.S_IMODE(file.stat().st_mode) == 0o600, "the file holds settings such as passwords"
    async with running_emulator(state_file=file) as emu, aiohttp.ClientSession() as session:
        api = Client(emu, session)
        got = await api.get(f"/sources/{new_id}")
        assert got.status == 200 and got.data["source"]["name"] == "Kept"
        assert got.data["source"]["metadata"] == emu.state.source_catalog["1bow82lmk"]
        assert (await api.get(f"/sources/{D['source']}")).data["source"]["name"] == "Renamed"
        assert (await api.get(f"/warehouses/{D['warehouse']}")).status == 404
        # Secrets stay censored on read and kept in state, as before the restart.
        destination = (await api.get(f"/destinations/{D['destination']}")).data["destination"]
        assert destination["settings"]["sharedSecret"] != "whsec_demo_4f7a9c"
        assert emu.state.destinations[D["destination"]]["settings"]["sharedSecret"] == "whsec_demo_4f7a9c"
        # New ids continue from where the generator was, so they never repeat one already given.
        again = await api.post("/sources", {**NEW_SOURCE, "slug": "another"})
        assert again.data["source"]["id"] != new_id


async def test_a_read_never_rewrites_the_file(tmp_path: Path) -> None:
    file = tmp_path / "emulator.json"
    async with running_emulator(state_file=file) as emu, aiohttp.ClientSession() as session:
        api = Client(emu, session)
        assert (await api.get("/sources")).status == 200
        assert not file.exists()
        assert (await api.post("/sources", NEW_SOURCE)).status == 201
        assert file.exists()


async def test_a_failed_save_keeps_the_previous_file_whole_and_the_change_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "emulator.json"
    async with running_emulator(state_file=file) as emu, aiohttp.ClientSession() as session:
        api = Client(emu, session)
        assert (await api.patch(f"/sources/{D['source']}", {"name": "Saved"})).status == 200
        before = file.read_bytes()

        def crash(fd: int) -> None:  # the machine dies between writing and renaming
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", crash)
        reply = await api.patch(f"/sources/{D['source']}", {"name": "Lost"})
        assert reply.status == 500 and reply.error["status"] == 500
        monkeypatch.undo()
        assert file.read_bytes() == before
        assert json.loads(before)["sources"][0]["name"] == "Saved"
        assert os.listdir(tmp_path) == ["emulator.json"], "no temporary file is left behind"
        assert emu.state.sources[D["source"]]["name"] == "Saved", "a write that was not saved is not kept"


def test_an_unreadable_state_file_is_refused_naming_it(tmp_path: Path) -> None:
    file = tmp_path / "emulator.json"
    file.write_text('{"version": 1, "workspace": ')
    with pytest.raises(StateFileError, match=r"emulator\.json"):
        Emulator(state_file=file)


def test_the_default_state_file_is_per_user(tmp_path: Path) -> None:
    assert emulator_state_file({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "segment-component" / "emulator.json"
    assert emulator_state_file({"SEGMENT_EMULATOR_STATE": str(tmp_path / "x.json")}) == tmp_path / "x.json"
    home = Path.home() / ".local" / "state" / "segment-component" / "emulator.json"
    assert emulator_state_file({"XDG_STATE_HOME": "relative/dir"}) == home


async def _status(url: str | None, method: str, path: str) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{url}{path}", headers={"Authorization": f"Bearer {DEMO_API_KEY}"}) as r,
    ):
        return r.status


async def test_host_connection_keeps_the_built_in_emulator_state_and_resets_it(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    file = tmp_path / "segment-component" / "emulator.json"
    async with host_connection(environ=env) as host:
        assert host.note is not None and str(file) in host.note
        assert host.connection["apiKey"] == DEMO_API_KEY
        assert await _status(host.emulator_url, "DELETE", f"/sources/{D['source']}") == 200
    assert file.exists()
    async with host_connection(environ=env) as host:
        assert await _status(host.emulator_url, "GET", f"/sources/{D['source']}") == 404
    async with host_connection(environ=env, reset_emulator=True) as host:
        assert await _status(host.emulator_url, "GET", f"/sources/{D['source']}") == 200


async def test_an_unreadable_built_in_state_file_is_moved_aside(tmp_path: Path) -> None:
    file = tmp_path / "emulator.json"
    file.write_text("not json")
    async with host_connection(state_file=file, environ={}) as host:
        assert host.note is not None and "emulator.json.bad" in host.note
    assert (tmp_path / "emulator.json.bad").read_text() == "not json"


async def test_no_token_with_a_base_url_uses_that_emulator_with_the_demo_credentials(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        env = {"SEGMENT_API_BASE_URL": emu.url, "XDG_STATE_HOME": str(tmp_path)}
        async with host_connection(environ=env) as host:
            assert host.connection == {"apiKey": DEMO_API_KEY, "subdomain": "demo-workspace", "baseUrl": emu.url}
            assert host.note is not None and emu.url in host.note and "SEGMENT_API_BASE_URL" in host.note
        assert not (tmp_path / "segment-component").exists(), "no built-in emulator was started"


# --- the CLI as a newcomer uses it ------------------------------------------------------------------


async def cli(*args: str, env: dict[str, str]) -> tuple[int, Any, str]:
    """The CLI's exit status, its stdout read as JSON (None when empty), and its stderr."""
    code, out, err = await acli(*args, env=env, cwd=ROOT)
    return code, json.loads(out) if out.strip() else None, err


async def test_create_get_update_delete_work_across_separate_commands(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    code, created, err = await cli(
        "run",
        "createSource",
        "--set",
        "slug=newcomer",
        "--set",
        "enabled=true",
        "--set",
        "metadataId=1bow82lmk",
        env=env,
    )
    assert code == 0, err
    assert str(tmp_path / "segment-component" / "emulator.json") in err
    source_id = created["data"]["data"]["source"]["id"]
    code, got, err = await cli("run", "getSource", "--set", f"sourceId={source_id}", env=env)
    assert code == 0, err
    assert got["data"]["data"]["source"]["slug"] == "newcomer"
    code, _, err = await cli("run", "updateSource", "--set", f"sourceId={source_id}", "--set", "name=Renamed", env=env)
    assert code == 0, err
    code, got, err = await cli("run", "getSource", "--set", f"sourceId={source_id}", env=env)
    assert got["data"]["data"]["source"]["name"] == "Renamed"
    code, _, err = await cli("run", "deleteSource", "--set", f"sourceId={source_id}", env=env)
    assert code == 0, err
    code, _, err = await cli("run", "getSource", "--set", f"sourceId={source_id}", env=env)
    assert code == 1 and len(err.strip().splitlines()) == 2, err  # the note, then the one-line error
    assert "not found" in err


async def test_reset_emulator_starts_again_from_the_demo_workspace(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    code, _, err = await cli("run", "deleteSource", "--set", f"sourceId={D['source']}", env=env)
    assert code == 0, err
    code, _, err = await cli("run", "getSource", "--set", f"sourceId={D['source']}", env=env)
    assert code == 1
    code, got, err = await cli("run", "getSource", "--set", f"sourceId={D['source']}", "--reset-emulator", env=env)
    assert code == 0, err
    assert got["data"]["data"]["source"]["id"] == D["source"]


async def test_run_with_no_token_uses_the_emulator_named_by_the_base_url(tmp_path: Path) -> None:
    async with running_emulator() as emu:
        url = emu.url
        env = {"SEGMENT_API_BASE_URL": url, "XDG_STATE_HOME": str(tmp_path)}
        code, listed, err = await cli("run", "listSources", "--set", "count=2", env=env)
    assert code == 0, err
    assert f"using the emulator at {url}" in err
    assert [r.path for r in emu.requests] == ["/sources"]
    assert len(listed["data"]["data"]["sources"]) == 2


# --- `segment-component emulator`: its arguments and its state file -----------------------------------


def emulator_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "component", "emulator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--seed", "-5"], "--seed"),
        (["--seed", "many"], "--seed"),
        (["--port", "99999"], "--port"),
        (["--port", "-1"], "--port"),
        (["--host", "999.1.1.1"], "--host"),
        (["--host", "no-such-host.invalid"], "--host"),
    ],
)
def test_bad_emulator_arguments_are_one_line_and_exit_2(args: list[str], named: str) -> None:
    result = emulator_cli(*args, "--port" if "--port" not in args else "--seed", "0")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_line_and_exit_1() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = emulator_cli("--port", str(port))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "in use" in lines[0] and str(port) in lines[0], result.stderr


def test_an_unreadable_state_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    file = tmp_path / "broken.json"
    file.write_text("{")
    result = emulator_cli("--port", "0", "--state", str(file))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(file) in lines[0], result.stderr


async def _serve_once(file: Path, work: Any) -> None:
    async with python_m("component", "emulator", "--port", "0", "--state", str(file)) as proc:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        url = first.strip().rsplit(" ", 1)[1]
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {DEMO_API_KEY}"}) as session:
            await work(session, url)
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0


async def test_the_emulator_command_keeps_its_workspace_in_the_state_file(tmp_path: Path) -> None:
    file = tmp_path / "workspace.json"
    created: list[str] = []

    async def create(session: aiohttp.ClientSession, url: str) -> None:
        async with session.post(f"{url}/sources", json=NEW_SOURCE) as r:
            assert r.status == 201
            created.append((await r.json(content_type=None))["data"]["source"]["id"])

    async def read(session: aiohttp.ClientSession, url: str) -> None:
        async with session.get(f"{url}/sources/{created[0]}") as r:
            assert r.status == 200
            assert (await r.json(content_type=None))["data"]["source"]["name"] == "Kept"

    await _serve_once(file, create)
    await _serve_once(file, read)
