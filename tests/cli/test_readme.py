"""The README is true: every shell command of its `sh` blocks that can run offline runs, from the
project's layout (a `.venv` holding this very environment) in a fresh shell; the files it names
exist; the names its Python example imports exist."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.helpers import clean_env, free_port, listening
from tests.helpers import PROJECT_DIR as PROJECT

README = (PROJECT / "README.md").read_text()
EMULATOR_PORT = "8787"


def _sh_blocks() -> list[list[str]]:
    """Each ```sh block as its commands (continued lines joined)."""
    blocks = []
    for body in re.findall(r"^```sh\n(.*?)^```", README, flags=re.DOTALL | re.MULTILINE):
        commands = re.sub(r"\\\n\s*", "", body).splitlines()
        blocks.append([command for command in commands if command.strip() and not command.lstrip().startswith("#")])
    return blocks


BLOCKS = _sh_blocks()
COMMANDS = [(block, command) for block, commands in enumerate(BLOCKS) for command in commands]


def _is_server(command: str) -> bool:
    """A command that serves until stopped (the emulator, the configuration screen)."""
    return any(f" {name} " in f"{command} " for name in ("emulator", "serve")) and "--port" in command


def _why_not_offline(command: str) -> str | None:
    """Why a command cannot run here, or None when it can."""
    if "pytest" in command:
        return "runs the test suite itself (CI runs it)"
    token = re.search(r"SEGMENT_API_KEY=(\S+)", command)
    if token and token.group(1) != "emulator-demo-token":
        return "needs a real Segment API token"
    if command.split()[0] == "curl" and shutil.which("curl") is None:
        return "curl is not installed here"
    return None


def _offline_part(command: str) -> str:
    """The command without its install steps (`python3 -m venv`, `pip install`): they need the package
    index, and the environment they make is the one this test runs in."""
    kept = [part for part in command.split(" && ") if "-m venv" not in part and "pip install" not in part]
    return " && ".join(kept)


@pytest.fixture
def fresh_shell(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder laid out as the README assumes (`.venv` is this environment) and a clean environment."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return tmp_path, clean_env()


def test_the_readme_has_shell_commands() -> None:
    assert len(BLOCKS) >= 3 and len(COMMANDS) >= 8


@pytest.mark.parametrize(("block", "command"), COMMANDS, ids=[f"{b}:{c[:60]}" for b, c in COMMANDS])
def test_every_offline_shell_command_of_the_readme_runs(
    block: int, command: str, fresh_shell: tuple[Path, dict[str, str]]
) -> None:
    reason = _why_not_offline(command)
    if reason:
        pytest.skip(reason)
    cwd, env = fresh_shell
    runnable = _offline_part(command)
    if not runnable:
        pytest.skip("only installs from the package index (CI's own steps do that)")
    # A block that starts a server: the server runs (on a free port, not to collide with others), and
    # the block's other commands are run against it, as the README's "in another shell" says.
    servers = [other for other in BLOCKS[block] if _is_server(other)]
    port = str(free_port())
    server = ["bash", "-c", f"exec {servers[0].replace(EMULATOR_PORT, port)}"] if servers else []
    with listening(server, cwd=cwd, env=env) if server else _nothing():
        if _is_server(command):
            return  # it started and said where it listens: that is what it is for
        result = subprocess.run(
            ["bash", "-c", runnable.replace(EMULATOR_PORT, port)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, f"{runnable}\n{result.stderr[-2000:]}"
    assert result.stdout.strip(), runnable
    assert "Traceback" not in result.stderr


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def test_every_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"`((?:component|tests|bench|fixtures)/[\w./]+)`", README))
    named |= set(re.findall(r"\]\(((?:component|tests|bench)/[\w./]+)\)", README))
    assert named, "the README names no file"
    # A placeholder (`fixtures/actions/KEY.json`) names a kind of file, not one.
    named = {path for path in named if not any(Path(part).stem.isupper() for part in path.split("/"))}
    missing = sorted(path for path in named if not (PROJECT / path.rstrip("/")).exists())
    assert missing == []


def test_the_python_examples_import_what_exists() -> None:
    blocks = re.findall(r"^```python\n(.*?)^```", README, flags=re.DOTALL | re.MULTILINE)
    imports = [match for block in blocks for match in re.findall(r"^from ([\w.]+) import (.+)$", block, re.MULTILINE)]
    assert any(module == "component.segment.policy" for module, _ in imports)
    for module, names in imports:
        loaded = importlib.import_module(module)
        for name in names.split("#")[0].split(","):
            assert hasattr(loaded, name.strip()), f"{module} has no {name.strip()}"
