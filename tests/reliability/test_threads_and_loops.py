"""Many threads and many event loops: the secret registry stays consistent, the session pool keeps
only the loops that live, and the CLI's stderr quotes no secret the API echoes.

* Threads registering, releasing and redacting secrets at once never see a RuntimeError, and
  leave nothing registered.
* 2,000 `asyncio.run` calls leave no pool entry; loops closed by hand (without shutting down their
  async generators) free their entry, their session and their sockets.
"""

from __future__ import annotations

import asyncio
import gc
import http.server
import json
import os
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from component import segment
from component.framework.debug import REDACTED, secrets
from component.segment import client as client_module
from tests.cli.helpers import acli
from tests.helpers import CANARY, serving

SOURCE = "kjU72LCJexvrqL7G4TMHHN"
PASSWORD = "pw-CLI-ECHO-8e2b4f"


def test_the_secret_registry_is_safe_under_threads() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def churn(worker: int) -> None:
        start.wait()
        try:
            for round_ in range(300):
                mine = [f"secret-{worker}-{round_}-{n}" for n in range(20)]
                secrets.add(*mine)
                text = " ".join(mine)
                assert secrets.redact(text) == " ".join([REDACTED] * 20)
                secrets.discard(*mine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert secrets.in_use() == 0
    assert all(secrets.redact(f"secret-{w}-299-19") != REDACTED for w in range(8))


async def _open_session() -> None:
    await client_module.pool.session()


def test_asyncio_run_thousands_of_times_leaves_no_pool_entry() -> None:
    for _ in range(2000):
        asyncio.run(_open_session())
    assert len(client_module.pool) == 0


class _Keepalive(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep connections open, so a dead loop would leak them

    def do_GET(self) -> None:
        body = b'{"data": {"source": {"id": "x"}}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def keepalive_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Keepalive)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")
def test_loops_closed_by_hand_free_their_entry_session_and_sockets(keepalive_server: str) -> None:
    connection = {"apiKey": CANARY, "subdomain": "demo-workspace", "baseUrl": keepalive_server}
    sessions: list[weakref.ref[Any]] = []

    async def call() -> None:
        sessions.append(weakref.ref(await client_module.pool.session()))
        await segment.invoke("getSource", {"sourceId": SOURCE}, connection=connection)

    def one_loop() -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(call())
        finally:
            loop.close()  # no shutdown_asyncgens(): the pool's keeper never runs

    one_loop()
    gc.collect()
    before = _open_fds()
    for _ in range(40):
        one_loop()
    asyncio.run(_open_session())  # a new loop asks for a session: the closed loops' entries go now
    gc.collect()
    assert len(client_module.pool) == 0
    assert sum(ref() is not None for ref in sessions) == 0
    assert _open_fds() <= before + 2


async def test_the_cli_stderr_quotes_no_echoed_setting() -> None:
    from aiohttp import web

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        return web.json_response({"errors": [{"type": "ValidationFailure", "message": f"bad body {body}"}]}, status=422)

    async with serving(echo) as url:
        inputs = {"metadataId": "55d3d3aea3c", "name": "W", "settings": {"password": PASSWORD, "port": 5432}}
        env = {"SEGMENT_API_KEY": CANARY, "SEGMENT_SUBDOMAIN": "demo-workspace", "SEGMENT_API_BASE_URL": url}
        code, stdout, text = await acli("run", "createWarehouse", "--input", json.dumps(inputs), env=env)
    assert code == 1
    assert "422" in text and "bad body" in text and REDACTED in text
    assert PASSWORD not in text + stdout and CANARY not in text
