"""Running the CLI as a user's shell would: a separate process, no SEGMENT_* variable leaking in
from the test's own environment unless the test sets it."""

from __future__ import annotations

import asyncio
import os
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


def cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
        **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, input=stdin,
                          env=clean_env(env), timeout=120, check=False, **options)


async def acli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    """The CLI as a subprocess, without blocking the loop (which may be serving its requests):
    its exit status, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        *COMMAND, *args, env=clean_env(env), cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


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
