"""A real install: the wheel built from this tree, installed (not editable) into a fresh virtualenv,
runs from a folder outside the project with everything it reads shipped inside the package.

It builds a wheel and installs the dependencies from the package index (about a minute), so it
runs when SEGMENT_TEST_INSTALL=1 is set: `.ci/run` does, after the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from component import __version__
from tests.cli.helpers import clean_env, free_port, listening
from tests.helpers import HANDLER_COUNT
from tests.helpers import PROJECT_DIR as PROJECT

pytestmark = [
    pytest.mark.install,
    pytest.mark.skipif(
        os.environ.get("SEGMENT_TEST_INSTALL") != "1",
        reason="builds a wheel and a fresh virtualenv from the package index; "
        "set SEGMENT_TEST_INSTALL=1 (.ci/run does)",
    ),
]


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtualenv holding the wheel built from this tree."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, PROJECT, cwd=root)
    [wheel] = wheels.glob("segment_component-*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=root)
    return bin_dir


def test_it_is_the_installed_package_that_runs(installed: Path, tmp_path: Path) -> None:
    result = _run(installed / "python", "-c", "import component; print(component.__file__)", cwd=tmp_path)
    location = Path(result.stdout.strip())
    assert "site-packages" in location.parts and not location.is_relative_to(PROJECT)


def test_version_list_and_describe_with_its_example_payload(installed: Path, tmp_path: Path) -> None:
    cli = installed / "segment-component"
    assert _run(cli, "--version", cwd=tmp_path).stdout == f"segment-component {__version__}\n"
    assert len(_run(cli, "list", cwd=tmp_path).stdout.splitlines()) == HANDLER_COUNT
    described = json.loads(_run(cli, "describe", "getSource", cwd=tmp_path).stdout)
    shipped = json.loads((PROJECT / "fixtures" / "actions" / "getSource.json").read_text())
    assert described["examplePayload"] == shipped


def test_the_shipped_manifest_and_fixtures_are_current(installed: Path, tmp_path: Path) -> None:
    cli = installed / "segment-component"
    _run(cli, "manifest", "--check", cwd=tmp_path)
    _run(cli, "fixtures", "--check", cwd=tmp_path)


def test_run_against_the_built_in_emulator(installed: Path, tmp_path: Path) -> None:
    result = _run(installed / "segment-component", "run", "listSources", "--set", "count=2", cwd=tmp_path)
    assert len(json.loads(result.stdout)["data"]["data"]["sources"]) == 2
    assert "built-in Segment API emulator" in result.stderr


def test_run_against_a_separately_started_emulator(installed: Path, tmp_path: Path) -> None:
    cli = installed / "segment-component"
    with listening([str(cli), "emulator", "--port", str(free_port())], cwd=tmp_path) as (url, _):
        env = clean_env(
            {
                "SEGMENT_API_KEY": "emulator-demo-token",
                "SEGMENT_SUBDOMAIN": "demo-workspace",
                "SEGMENT_API_BASE_URL": url,
            }
        )
        listed = _run(cli, "run", "listSources", "--set", "count=1", cwd=tmp_path, env=env)
        [source] = json.loads(listed.stdout)["data"]["data"]["sources"]
        got = _run(cli, "run", "getSource", "--set", f"sourceId={source['id']}", cwd=tmp_path, env=env)
        assert json.loads(got.stdout)["data"]["data"]["source"]["id"] == source["id"]
