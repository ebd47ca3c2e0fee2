"""Running the CLI as a user's shell would: a separate process, no SEGMENT_* variable leaking in
from the test's own environment unless the test sets it."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PYTHON = sys.executable
COMMAND = [PYTHON, "-m", "component"]


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SEGMENT_") and k != "PYTHONIOENCODING"}
    return {**base, **(env or {})}


def cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, **options: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=clean_env(env),
        timeout=120,
        check=False,
        **options,
    )


async def acli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    """The CLI as a subprocess, without blocking the loop (which may be serving its requests):
    its exit status, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        *args,
        env=clean_env(env),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


@contextmanager
def listening(
    command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[str, str]]:
    """Start a server as its own process (stdout and stderr merged) and wait for the line that says
    it is `listening on http://HOST:PORT`; yields that base URL and the output up to that line. A
    process that exits before saying so fails the test with its output. On exit it is terminated."""
    process = subprocess.Popen(
        command, cwd=cwd, env=clean_env(env), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    try:
        lines: list[str] = []
        for line in process.stdout:  # ends when the process exits, so a crash cannot hang here
            lines.append(line)
            match = re.search(r"listening on (http://[^\s/]+)", line)
            if match:
                yield match.group(1), "".join(lines)
                return
        raise AssertionError(f"{command} exited without listening:\n{''.join(lines)}")
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def silent_server() -> Iterator[socket.socket]:
    """A port that accepts connections (the kernel's backlog) and never answers: a hung server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener
    finally:
        listener.close()
