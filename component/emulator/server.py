"""Running the emulator: in-process for tests (:func:`running_emulator`) or as a server (:func:`serve`)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Iterable
from types import TracebackType

from aiohttp import web

from .app import Api, RecordedRequest
from .demo import DEMO_API_KEY, DEMO_SUBDOMAIN, build_workspace
from .faults import FaultInjector
from .ratelimit import RateLimiter
from .state import Workspace


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
        empty: bool = False,
    ) -> None:
        # A lone string would otherwise become one key per character.
        keys = (api_keys,) if isinstance(api_keys, str) else tuple(api_keys)
        if not keys:
            raise ValueError("api_keys must name at least one accepted token")
        self.seed = seed
        self.empty = empty
        self.api_keys = keys
        self.api = Api(
            build_workspace(seed, empty=empty), keys, RateLimiter(rate_limits), FaultInjector(), record_requests
        )
        self._runner: web.AppRunner | None = None
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
        """Back to a fresh workspace: state rebuilt, requests, faults and rate-limit counts cleared."""
        self.api.state = build_workspace(self.seed, empty=self.empty)
        self.api.requests.clear()
        self.api.faults.clear()
        self.api.rate_limits.reset()

    # -------------------------------------------------------------------------- serving
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        # No access log: logging every request would cost more than answering it.
        runner = web.AppRunner(self.api.app(), access_log=None, handle_signals=False, shutdown_timeout=1.0)
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
    empty: bool = False,
) -> AsyncIterator[Emulator]:
    """An emulator serving on ``host:port`` (0: a free port) for the duration of the block; with
    ``empty``, its workspace holds the catalogs and roles but no object."""
    emulator = Emulator(seed=seed, rate_limits=rate_limits, api_keys=api_keys, record_requests=record_requests,
                        empty=empty)
    await emulator.start(host, port)
    try:
        yield emulator
    finally:
        await emulator.stop()


async def _serve(host: str, port: int, seed: int | None, rate_limits: bool, api_keys: Iterable[str]) -> None:
    # A long-running server must not grow a list of every request it ever saw.
    emulator = Emulator(seed=seed, rate_limits=rate_limits, api_keys=api_keys, record_requests=False)
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
) -> None:
    """Serve until Ctrl+C or SIGTERM, after printing the URL, token and workspace slug."""
    try:
        asyncio.run(_serve(host, port, seed, rate_limits, tuple(api_keys)))
    except KeyboardInterrupt:
        # Platforms without loop signal handlers (Windows) end here on Ctrl+C.
        print("stopped", file=sys.stderr)
