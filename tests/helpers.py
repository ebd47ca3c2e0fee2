"""Test helpers: a canary token, connections, a readable view of recorded requests, and servers
on a free loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import json
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from aioresponses import aioresponses
from yarl import URL

from component.emulator import DEMO_SUBDOMAIN, Emulator

#: The project's top folder (a source checkout): where `manifest.json` and `fixtures/` live.
PROJECT_DIR = Path(__file__).resolve().parents[1]
#: How many handlers the component declares, as its generated index lists them.
HANDLER_COUNT = len(json.loads((PROJECT_DIR / "component" / "handlers.json").read_text()))
CANARY = "sgp_CANARY_3b9f7e21d4c8a6"
US = "https://api.segmentapis.com"
EU = "https://eu1.api.segmentapis.com"
CONNECTION = {"apiKey": CANARY, "subdomain": "demo-workspace"}


def emulator_connection(emulator: Emulator) -> dict[str, Any]:
    """A connection to `emulator`'s demo workspace, with the token it accepts."""
    return {"apiKey": emulator.api_key, "subdomain": DEMO_SUBDOMAIN, "baseUrl": emulator.url}


def exception_text(error: BaseException, *, with_locals: bool = False) -> str:
    """Everything an exception shows, along its whole chain (cause and context): its traceback
    (with every frame's locals when `with_locals`), message, repr, attributes and arguments. A
    secret must be in none of it."""
    tb = traceback.TracebackException.from_exception(error, capture_locals=with_locals)
    parts = ["".join(tb.format())]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), repr(vars(current)) if hasattr(current, "__dict__") else ""]
        parts += [repr(arg) for arg in current.args]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def assert_no_canary_in_error(error: BaseException) -> None:
    text = exception_text(error)
    assert CANARY not in text, text


@dataclass
class Sent:
    method: str
    url: URL
    headers: dict[str, str]
    body: Any

    @property
    def path(self) -> str:
        return self.url.raw_path

    @property
    def query(self) -> list[tuple[str, str]]:
        return list(self.url.query.items())


def _body(data: Any) -> Any:
    """A JSON body parsed; anything else (text, bytes, a form) as it was sent."""
    if isinstance(data, bytes | str) and data:
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def sent(mock: aioresponses) -> list[Sent]:
    """Every request aioresponses saw, in order."""
    out = []
    for (method, url), calls in mock.requests.items():
        for call in calls:
            data = call.kwargs.get("data")
            out.append(Sent(method, url, dict(call.kwargs.get("headers") or {}), _body(data)))
    return out


def only(mock: aioresponses) -> Sent:
    requests = sent(mock)
    assert len(requests) == 1, f"expected one request, got {len(requests)}"
    return requests[0]


@contextlib.asynccontextmanager
async def serving(
    app_or_handler: web.Application | Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> AsyncIterator[str]:
    """Serve an aiohttp app (or one handler, for every method and path) on a free loopback port;
    yields its base URL, and stops it on exit."""
    if isinstance(app_or_handler, web.Application):
        app = app_or_handler
    else:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", app_or_handler)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


#: What a raw server does with a connection once it has read the request's head.
Reply = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def raw_server(reply: Reply) -> AsyncIterator[str]:
    """A TCP server on a free loopback port that reads a request's head, then lets `reply` write
    whatever it likes: what no well-behaved HTTP server sends. Yields its base URL; on exit, replies
    still running are cancelled."""
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await reader.readuntil(b"\r\n\r\n")
            await reply(reader, writer)
        except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            tasks.discard(task)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


def answering(answer: bytes) -> Reply:
    """A reply that writes `answer` as it is, then closes."""

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer)
        await writer.drain()

    return reply
