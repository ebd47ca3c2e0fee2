"""The connection a host uses when it runs in a shell: from the environment, or the emulator when
no token is set. The CLI, the web screen, the MCP server and workspace sync all take their
connection from here, so they agree on the variables and on when the emulator is used.

    SEGMENT_API_KEY         the Public API token (no token: an emulator, see below)
    SEGMENT_SUBDOMAIN       the workspace slug
    SEGMENT_API_BASE_URL    replaces the region's URL (an emulator, a proxy); with no token it
                            names a running emulator, used with the demo credentials
    SEGMENT_REGION          api (US) or eu1.api (EU); hosts pass it as the `region` input
    SEGMENT_EMULATOR_STATE  where the built-in emulator keeps its workspace (a file path)
    XDG_STATE_HOME          else the built-in emulator keeps it in
                            $XDG_STATE_HOME/segment-component/emulator.json
                            (~/.local/state/segment-component/emulator.json by default)

The built-in emulator keeps its workspace in that file between commands, so a create in one
command is there for the get of the next; `reset_emulator=True` (the CLI's `--reset-emulator`)
starts it again from the demo workspace.
"""

from __future__ import annotations

import enum
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATE_ENV = "SEGMENT_EMULATOR_STATE"


def env_connection(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The connection the environment states, or None when it sets no API key."""
    env = os.environ if environ is None else environ
    api_key = env.get("SEGMENT_API_KEY", "").strip()
    if not api_key:
        return None
    connection: dict[str, Any] = {"apiKey": api_key, "subdomain": env.get("SEGMENT_SUBDOMAIN", "")}
    base_url = env.get("SEGMENT_API_BASE_URL", "").strip()
    if base_url:
        connection["baseUrl"] = base_url
    return connection


def env_region(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    return env.get("SEGMENT_REGION", "").strip() or None


def emulator_state_file(environ: Mapping[str, str] | None = None) -> Path:
    """Where the built-in emulator keeps its workspace: $SEGMENT_EMULATOR_STATE, else
    $XDG_STATE_HOME/segment-component/emulator.json, else ~/.local/state/segment-component/emulator.json."""
    env = os.environ if environ is None else environ
    explicit = env.get(STATE_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_STATE_HOME", "").strip()
    # The XDG spec says a relative path is invalid and must be ignored.
    root = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return root / "segment-component" / "emulator.json"


@dataclass(frozen=True)
class HostConnection:
    """What a host runs with: the connection, and when it is an emulator, a note saying so."""

    connection: dict[str, Any]
    emulator_url: str | None = None
    note: str | None = None

    def __repr__(self) -> str:  # the connection holds the token
        return f"HostConnection(emulator_url={self.emulator_url!r})"


class _Default(enum.Enum):
    STATE_FILE = 0


@asynccontextmanager
async def host_connection(
    use_emulator: bool = False,
    *,
    reset_emulator: bool = False,
    state_file: Path | str | _Default | None = _Default.STATE_FILE,
    environ: Mapping[str, str] | None = None,
) -> AsyncIterator[HostConnection]:
    """The environment's connection; with no token, the emulator SEGMENT_API_BASE_URL names; else
    (or with `use_emulator`) a built-in emulator running in this process for as long as the block
    lasts. Emulators are used with their demo credentials.

    The built-in emulator keeps its workspace in `state_file` (by default :func:`emulator_state_file`;
    None keeps nothing); `reset_emulator` starts that file again from the demo workspace. An
    unreadable state file is moved aside (``.bad``), said in the note, and the demo used instead.
    """
    env = os.environ if environ is None else environ
    if state_file is _Default.STATE_FILE:
        path: Path | None = emulator_state_file(env)
    else:
        path = Path(state_file) if state_file is not None else None
    if reset_emulator and path is not None:
        path.unlink(missing_ok=True)
    connection = None if use_emulator else env_connection(env)
    if connection is not None:
        yield HostConnection(connection)
        return
    from component.emulator import DEMO_API_KEY, DEMO_SUBDOMAIN, StateFileError, running_emulator

    base_url = env.get("SEGMENT_API_BASE_URL", "").strip()
    if base_url and not use_emulator:
        note = (
            f"no SEGMENT_API_KEY set: using the emulator at {base_url} (SEGMENT_API_BASE_URL) with its demo credentials"
        )
        credentials = {"apiKey": DEMO_API_KEY, "subdomain": env.get("SEGMENT_SUBDOMAIN", "").strip() or DEMO_SUBDOMAIN}
        yield HostConnection({**credentials, "baseUrl": base_url}, emulator_url=base_url, note=note)
        return

    why = "--emulator given" if use_emulator else "no SEGMENT_API_KEY set"
    kept = ""
    async with AsyncExitStack() as stack:
        try:
            emulator = await stack.enter_async_context(running_emulator(state_file=path))
        except StateFileError:
            assert path is not None
            aside = path.with_name(path.name + ".bad")
            os.replace(path, aside)
            kept = f"; its unreadable state file was moved to {aside}"
            emulator = await stack.enter_async_context(running_emulator(state_file=path))
        where = f", workspace kept in {path}" if path is not None else ""
        note = (
            f"{why}: running against the built-in Segment API emulator (demo workspace{where}) at {emulator.url}{kept}"
        )
        yield HostConnection(
            {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url},
            emulator_url=emulator.url,
            note=note,
        )
