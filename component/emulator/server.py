"""Running the emulator: in-process for tests (:func:`running_emulator`) or as a server (:func:`serve`).

With a ``state_file`` the workspace outlives the process: it is read at start when the file exists
(the seed is then ignored: the file holds what was built and changed), and written again after
every write the emulator keeps, atomically (a temporary file beside it, then ``os.replace``), so a
crash leaves the previous version or the new one, never half of one. The file is readable by its
owner only: it holds settings such as warehouse passwords.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import json
import os
import re
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from types import TracebackType

from aiohttp import web

from .app import Api
from .demo import DEMO_API_KEY, DEMO_SUBDOMAIN, build_workspace
from .errors import StateFileError
from .faults import FaultInjector
from .ratelimit import RateLimiter
from .recording import RecordedRequest
from .state import Workspace


def load_state(path: Path) -> Workspace | None:
    """The workspace saved in ``path``, or None when there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateFileError(f"cannot read the emulator state file {path}: {exc}") from None
    try:
        return Workspace.load(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise StateFileError(
            f"the emulator state file {path} is not a saved workspace ({type(exc).__name__}); "
            "remove it (or reset it) to start from the demo workspace"
        ) from None


def save_state(workspace: Workspace, path: Path) -> None:
    """Write ``workspace`` to ``path`` atomically (temporary file, fsync, ``os.replace``)."""
    text = json.dumps(workspace.dump(), ensure_ascii=False, separators=(",", ":"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise StateFileError(f"cannot write the emulator state file {path}: {exc.strerror or exc}") from None


class Emulator:
    """A Segment Public API emulator bound to one workspace state.

    Construct, then ``await start()`` (or use :func:`running_emulator`). ``state``, ``requests``,
    ``faults`` and ``rate_limits`` are live: tests may inspect and change them between requests.
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        rate_limits: bool = True,
        api_keys: Iterable[str] = (DEMO_API_KEY,),
        record_requests: bool = True,
        state_file: str | os.PathLike[str] | None = None,
        empty: bool = False,
    ) -> None:
        # A lone string would otherwise become one key per character.
        keys = (api_keys,) if isinstance(api_keys, str) else tuple(api_keys)
        if not keys:
            raise ValueError("api_keys must name at least one accepted token")
        self.seed = seed
        self.empty = empty
        self.api_keys = keys
        self.state_file = Path(state_file) if state_file is not None else None
        saved = load_state(self.state_file) if self.state_file is not None else None
        workspace = saved if saved is not None else build_workspace(seed, empty=empty)
        self.api = Api(workspace, keys, RateLimiter(rate_limits), FaultInjector(), record_requests)
        if self.state_file is not None:
            self.api.on_write = self.save
        self._runner: web.BaseRunner | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None

    # ----------------------------------------------------------------------- live parts
    @property
    def state(self) -> Workspace:
        return self.api.state

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.api.requests

    @property
    def faults(self) -> FaultInjector:
        return self.api.faults

    @property
    def rate_limits(self) -> RateLimiter:
        return self.api.rate_limits

    @property
    def api_key(self) -> str:
        return self.api_keys[0]

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the emulator is not running")
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def reset(self) -> None:
        """Back to a fresh workspace: state rebuilt (and saved, with a state file), requests, faults
        and rate-limit counts cleared."""
        self.api.state = build_workspace(self.seed, empty=self.empty)
        self.api.requests.clear()
        self.api.faults.clear()
        self.api.rate_limits.reset()
        self.save()

    def save(self) -> None:
        """Write the workspace to the state file, if there is one (see :func:`save_state`)."""
        if self.state_file is not None:
            save_state(self.api.state, self.state_file)

    # -------------------------------------------------------------------------- serving
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        # No access log: logging every request would cost more than answering it.
        runner = web.ServerRunner(self.api.server(), handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1] if sockets else port
        self._host = host
        self._runner = runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self.api.closing()
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> Emulator:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


@contextlib.asynccontextmanager
async def running_emulator(
    seed: int | None = None,
    rate_limits: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
    api_keys: Iterable[str] = (DEMO_API_KEY,),
    *,
    record_requests: bool = True,
    state_file: str | os.PathLike[str] | None = None,
    empty: bool = False,
) -> AsyncIterator[Emulator]:
    """An emulator serving on ``host:port`` (0: a free port) for the duration of the block; with
    ``empty``, its workspace holds the catalogs and roles but no object."""
    emulator = Emulator(
        seed=seed,
        rate_limits=rate_limits,
        api_keys=api_keys,
        record_requests=record_requests,
        state_file=state_file,
        empty=empty,
    )
    await emulator.start(host, port)
    try:
        yield emulator
    finally:
        await emulator.stop()


async def _serve(
    host: str, port: int, seed: int | None, rate_limits: bool, api_keys: Iterable[str], state_file: Path | None
) -> None:
    # A long-running server must not grow a list of every request it ever saw.
    emulator = Emulator(
        seed=seed, rate_limits=rate_limits, api_keys=api_keys, record_requests=False, state_file=state_file
    )
    await emulator.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    print(f"Segment Public API emulator listening on {emulator.url}", flush=True)
    print(f"API key: {emulator.api_key}   workspace subdomain: {DEMO_SUBDOMAIN}", flush=True)
    if not rate_limits:
        print("Rate limits: off", flush=True)
    if state_file is not None:
        print(f"State: kept in {state_file}", flush=True)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
        await emulator.stop()


def serve(
    host: str = "127.0.0.1",
    port: int = 8787,
    seed: int | None = None,
    rate_limits: bool = True,
    api_keys: Iterable[str] = (DEMO_API_KEY,),
    state_file: str | os.PathLike[str] | None = None,
) -> None:
    """Serve until Ctrl+C or SIGTERM, after printing the URL, token and workspace slug.

    Raises :class:`StateFileError` for an unreadable state file and ``OSError`` when the address
    cannot be bound (a port in use, an address not on this machine)."""
    path = Path(state_file) if state_file is not None else None
    try:
        asyncio.run(_serve(host, port, seed, rate_limits, tuple(api_keys), path))
    except KeyboardInterrupt:
        # Platforms without loop signal handlers (Windows) end here on Ctrl+C.
        print("stopped", file=sys.stderr)


#: The largest ``--seed``: 10,000 build in about 0.3 s; far more would only exhaust memory.
MAX_SEED = 100_000
EXIT_FAILURE, EXIT_USAGE = 1, 2


def listen_address(host: str, port: str | int) -> tuple[str, int]:
    """The host and port to listen on, or ValueError naming the argument and saying why."""
    host = host.strip()
    if not host or any(c.isspace() for c in host):
        raise ValueError(f"--host must be an IP address or a host name, got {host!r}")
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise ValueError(f"--host {host} is not an IPv4 address (four numbers from 0 to 255)") from None
    text = str(port).strip()
    if not text.isascii() or not text.isdigit() or int(text) > 65535:
        raise ValueError(f"--port must be an integer from 0 to 65535 (0: any free port), got {str(port)!r}")
    return host, int(text)


def seed_count(seed: str | int | None) -> int | None:
    """The ``--seed`` count, or ValueError naming the argument and saying why."""
    if seed is None:
        return None
    text = str(seed).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_SEED:
        raise ValueError(f"--seed must be an integer from 0 to {MAX_SEED}, got {str(seed)!r}")
    return int(text)


def serve_from_shell(
    host: str,
    port: str | int,
    seed: str | int | None = None,
    *,
    rate_limits: bool = True,
    api_keys: Iterable[str] = (DEMO_API_KEY,),
    state_file: str | os.PathLike[str] | None = None,
) -> int:
    """:func:`serve` for a terminal: every failure is one line on stderr and an exit code, 2 for a
    bad argument (including a host name that does not resolve), 1 when the address cannot be
    listened on (a port in use, an address not on this machine) or the state file is unusable."""
    try:
        address, number = listen_address(host, port)
        count = seed_count(seed)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        serve(address, number, count, rate_limits, api_keys, state_file)
    except StateFileError as exc:
        return _fail(str(exc), EXIT_FAILURE)
    except socket.gaierror:
        return _fail(f"--host {address} does not resolve to an address of this machine", EXIT_USAGE)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return _fail(f"cannot listen on {address}:{number}: the port is in use (try another --port)", EXIT_FAILURE)
        return _fail(f"cannot listen on {address}:{number}: {exc.strerror or exc}", EXIT_FAILURE)
    return 0


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {message}\n")
    return code
