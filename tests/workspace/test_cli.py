"""The round trip from the CLI: export, diff, plan, apply (and --dry-run) on emulators.

The CLI runs its own event loop, so the emulators serve from a thread of their own here.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from component.cli import main
from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, Emulator

from .conftest import counts

CANARY = "CANARY-secret-71c2"


class ThreadedEmulator:
    """An emulator on a free port, served by an event loop in a background thread."""

    def __init__(self, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.emulator = Emulator(rate_limits=False, **options)

    def __enter__(self) -> Emulator:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.emulator.start(), self.loop).result(timeout=30)
        return self.emulator

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.emulator.stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


@pytest.fixture
def two_workspaces() -> Iterator[tuple[Emulator, Emulator]]:
    with ThreadedEmulator() as demo, ThreadedEmulator(empty=True) as empty:
        yield demo, empty


def use(monkeypatch: pytest.MonkeyPatch, emulator: Emulator, prefix: str = "") -> None:
    monkeypatch.setenv(f"{prefix}SEGMENT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv(f"{prefix}SEGMENT_SUBDOMAIN", DEMO_SUBDOMAIN)
    monkeypatch.setenv(f"{prefix}SEGMENT_API_BASE_URL", emulator.url)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert CANARY not in out + err
    return code, out, err


def test_the_round_trip_from_the_cli(
    two_workspaces: tuple[Emulator, Emulator],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo, empty = two_workspaces
    snapshot = tmp_path / "workspace.json"
    use(monkeypatch, demo)
    code, out, err = run(capsys, "export", "-o", str(snapshot))
    assert code == 0 and out == ""
    assert "8 secret reference(s) written" in err and "WAREHOUSE_ANALYTICS_POSTGRES_PASSWORD" in err
    data = json.loads(snapshot.read_text())
    assert data["formatVersion"] == 1

    assert run(capsys, "diff", "live", str(snapshot)) == (0, "", "")

    use(monkeypatch, empty)
    secrets = tmp_path / "secrets.env"
    secrets.write_text("".join(f"{name}={CANARY}\n" for name in data["secretReferences"]))
    code, out, _ = run(capsys, "plan", str(snapshot))
    assert code == 0 and out.startswith('1. create source "backend-node"\n')
    code, out, err = run(capsys, "apply", str(snapshot), "--secrets", str(secrets))
    assert code == 0, err
    assert out.startswith("27 operation(s) done:\n")
    assert "[1/27] create source" in err and "[27/27]" in err
    assert counts(empty) == counts(demo)
    (pg,) = [w for w in empty.state.warehouses.values() if w.get("name") == "Analytics Postgres"]
    assert pg["settings"]["password"] == CANARY

    use(monkeypatch, demo, prefix="SRC_")
    code, out, _ = run(capsys, "diff", "env:SRC_", "live", "--json")
    assert code == 0 and json.loads(out) == {"equal": True, "added": [], "removed": [], "changed": []}
    assert run(capsys, "plan", str(snapshot)) == (0, "nothing to do\n", "")
    code, out, _ = run(capsys, "apply", str(snapshot))  # no secret needed: nothing to do
    assert (code, out) == (0, "nothing done: the workspace already matches\n")

    # Rename a destination in the file exported from the demo workspace: against the demo workspace
    # diff shows the rename (exit 1), and a dry run shows what apply would do and changes nothing.
    website = data["sources"]["my-test-source-rhpd18"]["destinations"]
    website["Orders Hook"] = website.pop("Order Webhook")
    snapshot.write_text(json.dumps(data))
    use(monkeypatch, demo)
    rename = 'destination "my-test-source-rhpd18/Orders Hook" (was destination "my-test-source-rhpd18/Order Webhook")'
    code, out, _ = run(capsys, "diff", "live", str(snapshot))
    assert (code, out) == (1, f'~ {rename}\n    name: "Order Webhook" -> "Orders Hook"\n')
    before = len(demo.requests)
    code, out, err = run(capsys, "apply", str(snapshot), "--dry-run")
    assert code == 0, err
    assert "dry run" in err
    assert out.startswith(f'1 operation(s) would be done:\n  update {rename}: name "Order Webhook" -> "Orders Hook"\n')
    assert all(r.method == "GET" for r in demo.requests[before:])
    assert demo.state.destinations["ny4UTU5aZuLiIeLWX9dSYr"]["name"] == "Order Webhook"
    # Against the other workspace (other ids) the same file means a new destination; the old one stays.
    use(monkeypatch, empty)
    code, out, _ = run(capsys, "plan", str(snapshot))
    assert out.splitlines()[:2] == [
        '1. create destination "my-test-source-rhpd18/Orders Hook"',
        '2. create subscription "my-test-source-rhpd18/Orders Hook/Send Orders"',
    ]
    assert 'destination "my-test-source-rhpd18/Order Webhook"' in out.split("--prune would remove them")[1]

    connection_file = tmp_path / "demo-connection.json"
    connection_file.write_text(json.dumps({"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": demo.url}))
    assert run(capsys, "diff", str(connection_file), "live")[0] == 0


def test_bad_files_and_sides_exit_2_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SEGMENT_API_KEY", raising=False)
    code, _, err = run(capsys, "plan", str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "formatVersion": 7,
                "sources": {"web": {"enabled": "yes", "destinations": {"Hook": {}}}},
                "warehouses": {"PG": {"metadataId": "p", "sources": "web"}},
            }
        )
    )
    code, _, err = run(capsys, "apply", str(bad))
    assert code == 2
    assert "formatVersion: must be 1" in err
    assert "sources.web.metadataId: is required" in err
    assert "sources.web.destinations.Hook.metadataId: is required" in err
    assert "sources.web.enabled: must be true or false" in err
    assert "warehouses.PG.sources: must be a list" in err
    monkeypatch.delenv("NOPE_SEGMENT_API_KEY", raising=False)
    code, _, err = run(capsys, "diff", "env:NOPE_", str(bad))
    assert code == 2 and "NOPE_SEGMENT_API_KEY is not set" in err


def test_diff_and_plan_print_names_a_terminal_cannot_show(
    two_workspaces: tuple[Emulator, Emulator],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo, _ = two_workspaces
    snapshot = tmp_path / "workspace.json"
    use(monkeypatch, demo)
    assert run(capsys, "export", "-o", str(snapshot))[0] == 0
    data = json.loads(snapshot.read_text())
    website = data["sources"]["my-test-source-rhpd18"]["destinations"]
    website["Café Hook ☕"] = website.pop("Order Webhook")
    snapshot.write_text(json.dumps(data))
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for extra in (["--json"], []):
        done = subprocess.run(
            [sys.executable, "-m", "component", "diff", "live", str(snapshot), *extra],
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert done.stdout.isascii() and b"Traceback" not in done.stderr
        text = done.stdout.decode("ascii")
        if extra:
            assert "Café Hook ☕" in json.dumps(json.loads(text), ensure_ascii=False)
        else:
            assert "Caf\\xe9 Hook \\u2615" in text
    done = subprocess.run(
        [sys.executable, "-m", "component", "plan", str(snapshot), "--json"],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.isascii(), done.stderr
    assert "Café Hook ☕" in json.dumps(json.loads(done.stdout)["operations"], ensure_ascii=False)
