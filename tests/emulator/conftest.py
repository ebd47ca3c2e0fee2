"""Fixtures for the emulator tests: a running emulator and a small HTTP client over real sockets.

Every 2xx body the client receives is validated against the operation's 200 response schema in
the official OpenAPI spec, when present beside the repo (``../shared/segment-public-api/openapi.json``),
with the relaxations :mod:`tests.emulator.spec` documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import aiohttp
import pytest

from component.emulator import DEMO_API_KEY, Emulator, running_emulator

from .spec import SPEC

V1 = "application/vnd.segment.v1+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"

_DEFAULT = object()
ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def python_m(*args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m ARGS` as its own process from the project folder, unbuffered, stdout and stderr
    piped (the emulator prints its URL as its first line). On exit a process still running is
    killed, and both pipes are drained so no transport outlives the test."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                await stream.read()


@dataclass
class Reply:
    status: int
    headers: Mapping[str, str]
    text: str
    operation_id: str | None = None

    @property
    def body(self) -> Any:
        return json.loads(self.text) if self.text else None

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error(self) -> dict[str, Any]:
        errors = self.body["errors"]
        assert isinstance(errors, list) and errors
        return cast(dict[str, Any], errors[0])

    @property
    def error_fields(self) -> list[str | None]:
        return [e.get("field") for e in self.body["errors"]]


class Client:
    """Talks to one emulator; subscription paths get the alpha media type by default."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession, *, validate: bool = True) -> None:
        self.emu = emu
        self.session = session
        self.validate = validate

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = _DEFAULT,
        data: bytes | str | None = None,
        params: Any = None,
        headers: dict[str, str | None] | None = None,
        token: Any = _DEFAULT,
    ) -> Reply:
        media = V1ALPHA if "/subscriptions" in path else V1
        sent: dict[str, str | None] = {"Accept": media}
        if token is _DEFAULT:
            token = self.emu.api_key
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        body: bytes | None = None
        if json_body is not _DEFAULT:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = media
        elif data is not None:
            body = data.encode() if isinstance(data, str) else data
            sent["Content-Type"] = media
        sent.update(headers or {})
        # None: send no such header at all (not even aiohttp's default Accept: */*).
        skip = [k for k, v in sent.items() if v is None]
        final = {k: v for k, v in sent.items() if v is not None}
        async with self.session.request(
            method, self.emu.url + path, data=body, params=params, headers=final, skip_auto_headers=skip
        ) as r:
            text = await r.text()
            reply = Reply(r.status, r.headers, text)
        if self.validate and 200 <= reply.status < 300 and SPEC.available:
            try:
                received = reply.body
            except ValueError:
                received = None  # a malformed-body fault, on purpose
            if received is not None and received != {"data": {}}:
                reply.operation_id = SPEC.validate(method, path.split("?", 1)[0], received)
        return reply

    async def get(self, path: str, **kw: Any) -> Reply:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any = _DEFAULT, **kw: Any) -> Reply:
        return await self.request("POST", path, json_body=body, **kw)

    async def patch(self, path: str, body: Any = _DEFAULT, **kw: Any) -> Reply:
        return await self.request("PATCH", path, json_body=body, **kw)

    async def delete(self, path: str, **kw: Any) -> Reply:
        return await self.request("DELETE", path, **kw)

    async def walk(self, path: str, key: str, count: int, query: str = "") -> tuple[list[Any], int]:
        """Follow ``next`` to the end; (every item, number of pages)."""
        items: list[Any] = []
        cursor: str | None = None
        pages = 0
        sep = "&" if "?" in path or query else "?"
        while True:
            params = [("pagination[count]", str(count))]
            if cursor is not None:
                params.append(("pagination[cursor]", cursor))
            reply = await self.get(path + (("?" + query) if query else ""), params=params)
            assert reply.status == 200, reply.text
            pages += 1
            items.extend(reply.data[key])
            pagination = reply.data["pagination"]
            assert "next" not in pagination or pagination["next"] is not None
            cursor = pagination.get("next")
            if cursor is None:
                return items, pages
            assert pages < 10_000, sep


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with running_emulator() as emulator:
        yield emulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
async def api(emu: Emulator, session: aiohttp.ClientSession) -> Client:
    return Client(emu, session)


@pytest.fixture
def demo_key() -> str:
    return DEMO_API_KEY
