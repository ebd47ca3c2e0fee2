"""The HTTP face of the emulator: one catch-all handler over the declared routes.

Per request, in this order:

1. the body is read, at most :data:`~.call.MAX_BODY_BYTES` (413);
2. the request is recorded (``Emulator.requests``);
3. an injected fault, if one matches, takes over (see :mod:`.faults`);
4. ``Authorization: Bearer <token>`` must name an accepted key (401);
5. the route is resolved on the raw path (see :mod:`.routing`; 404 for unknown paths and methods);
6. media types are negotiated (415, 406; see :mod:`.media`);
7. the rate limit of (token, operation) is counted (429);
8. the operation runs against the in-memory :class:`~.state.Workspace`, and its answer is encoded.
   A write whose handler fails or whose answer cannot be encoded is rolled back: no change is kept
   that the client was not told about.

Success bodies are ``{"data": ...}`` with the vendor media type the client asked for (``v1`` by
default, ``v1alpha`` for subscriptions); errors are ``{"errors": [...]}`` as ``application/json``,
also for requests aiohttp itself refuses (a malformed request line, over-long headers). Nothing is
logged per request, and a malformed request never writes a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from . import media
from .call import MAX_BODY_BYTES, Call, is_text
from .errors import ApiError, StateFileError, error_item
from .faults import Fault, FaultInjector
from .ratelimit import RateLimiter
from .recording import Headers, RecordedRequest, parse_json
from .routing import Route, Router
from .state import Workspace

log = logging.getLogger(__name__)

_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def error_response(exc: ApiError, extra: dict[str, str] | None = None) -> web.Response:
    headers = {"Content-Type": media.JSON}
    if extra:
        headers.update(extra)
    headers.update(exc.headers)
    # ASCII escapes: an error may quote a request's text, whatever it holds.
    body = json.dumps(exc.envelope(), separators=(",", ":")).encode()
    return web.Response(body=body, status=exc.status, headers=headers)


class _Protocol(RequestHandler):
    """aiohttp's connection handler, answering the requests it refuses itself (a bad request line,
    over-long headers, a malformed URL) in the API's envelope, without logging a traceback."""

    def handle_error(
        self, request: Any, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:
            raise ConnectionError("the answer was partly sent")
        reason = str(getattr(exc, "message", None) or message or "").strip()
        # The first line says what was wrong; what follows quotes the request, which is not needed.
        text = reason.splitlines()[0].split(" when reading", 1)[0].rstrip(":")[:200] if reason else ""
        response = error_response(ApiError(status, f"{_reason(status)}: {text}" if text else _reason(status)))
        response.force_close()
        return response


class _Server(web.Server):
    def __call__(self) -> RequestHandler:
        return _Protocol(self, loop=self._loop, **self._kwargs)


class Api:
    """The request dispatcher, bound to one workspace; the operations live in :mod:`.resources`."""

    def __init__(
        self,
        state: Workspace,
        api_keys: Iterable[str],
        rate_limits: RateLimiter,
        faults: FaultInjector,
        record_requests: bool = True,
    ) -> None:
        self.state = state
        self.api_keys = frozenset(api_keys)
        self.rate_limits = rate_limits
        self.faults = faults
        self.record_requests = record_requests
        self.requests: list[RecordedRequest] = []
        self.router = Router()
        #: Called after every write that was kept (persistence hooks in here).
        self.on_write: Callable[[], None] | None = None
        self._accept_cache: dict[tuple[str, bool], str | None] = {}
        self._closing = asyncio.Event()

    def server(self) -> web.Server:
        """The low-level aiohttp server (run with ``web.ServerRunner``)."""
        return _Server(self.handle, access_log=None)

    def closing(self) -> None:
        """Wake delayed (fault) requests so a shutdown never waits for them."""
        self._closing.set()

    async def _read_body(self, request: web.BaseRequest) -> bytes:
        if not request.body_exists:
            return b""
        declared = request.content_length
        if declared is not None and declared > MAX_BODY_BYTES:
            raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes")
        chunks: list[bytes] = []
        size = 0
        while chunk := await request.content.read(65536):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        method = request.method
        try:
            body = await self._read_body(request)
            path = request.path
            query = request.query
        except ApiError as exc:
            response = error_response(exc)
            response.force_close()  # the rest of an oversize body is never read
            return response
        except ValueError as exc:  # a URL or query that does not decode
            return error_response(ApiError(400, f"Bad Request: {exc}"[:200]))
        if self.record_requests:
            self.requests.append(
                RecordedRequest(
                    method,
                    path,
                    list(query.items()),
                    Headers(request.headers.items()),
                    body,
                    parse_json(body),
                    request.rel_url.raw_path,
                )
            )
        if self.faults.faults:
            fault = self.faults.take(method, path)
            if fault is not None:
                faulted = await self._apply_fault(request, fault)
                if faulted is not None:
                    return faulted
        limit_headers: dict[str, str] | None = None
        snapshot: dict[str, Any] | None = None
        try:
            token = self._authenticate(request)
            route, params = self.router.resolve(method, request.rel_url.raw_path)
            content_type = self._negotiate(request, route, body)
            self._check_text(path, query)
            limit_headers = self.rate_limits.consume(token, route.operation_id, method, path)
            if method not in _READS:
                snapshot = self.state.snapshot()
            status, payload = route.handler(self.state, Call(params, query, body))
            encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            if snapshot is not None and self.on_write is not None:
                self.on_write()
        except ApiError as exc:
            self._undo(snapshot)
            return error_response(exc, limit_headers)
        except StateFileError as exc:
            self._undo(snapshot)
            log.warning("emulator: %s", exc)
            return error_response(ApiError(500, "The emulator could not save its state", type_="internal"))
        except Exception as exc:
            self._undo(snapshot)
            # One line, no traceback: a server others point tools at must not flood stderr.
            log.warning("emulator: internal error for %s %s: %s", method, path, type(exc).__name__)
            return error_response(ApiError(500, "Internal error in the emulator", type_="internal"), limit_headers)
        if snapshot is not None:
            self.state.commit()
        headers = {"Content-Type": content_type}
        if limit_headers:
            headers.update(limit_headers)
        return web.Response(body=encoded, status=status, headers=headers)

    def _undo(self, snapshot: dict[str, Any] | None) -> None:
        if snapshot is not None:
            self.state.restore(snapshot)

    @staticmethod
    def _check_text(path: str, query: Any) -> None:
        """Path and query text a handler may store or echo must be writable as UTF-8."""
        if not is_text(path):
            raise ApiError(400, "The path holds a lone surrogate, which is not text")
        for key, value in query.items():
            if not (is_text(key) and is_text(value)):
                raise ApiError(400, "The query holds a lone surrogate, which is not text")

    def _authenticate(self, request: web.BaseRequest) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or token not in self.api_keys:
            raise ApiError(401, "Unauthorized: missing or invalid token", type_="unauthorized")
        return token

    def _negotiate(self, request: web.BaseRequest, route: Route, body: bytes) -> str:
        allowed = media.served(route.alpha)
        if route.has_body and body:
            kind = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            if kind not in allowed:
                raise ApiError(
                    415,
                    f"Unsupported Content-Type '{kind or '(none)'}' for {route.operation_id}; "
                    f"use one of {', '.join(sorted(allowed))}",
                )
        accept = request.headers.get("Accept")
        if not accept:
            return media.default(route.alpha)
        key = (accept, route.alpha)
        try:
            chosen = self._accept_cache[key]
        except KeyError:
            if len(self._accept_cache) > 1024:
                self._accept_cache.clear()
            chosen = self._accept_cache[key] = media.negotiate_accept(accept, route.alpha)
        if chosen is None:
            raise ApiError(
                406,
                f"{route.operation_id} cannot answer with '{accept}'; it serves {', '.join(sorted(allowed))}",
            )
        return chosen

    async def _apply_fault(self, request: web.BaseRequest, fault: Fault) -> web.StreamResponse | None:
        if fault.delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.delay)
        if fault.drop:
            transport = request.transport
            if transport is not None:
                transport.abort()
            # Ends the handler without writing anything; aiohttp treats it as a gone client.
            raise asyncio.CancelledError()
        if fault.status is None and fault.body is None:
            return None
        status = fault.status if fault.status is not None else 200
        body = fault.body
        if body is None:
            if status == 429:
                data = {"remainingPoints": 0, "msBeforeNext": 1000, "consumedPoints": 0}
                item = error_item(429, "Too many requests", data=data)
                body = json.dumps({"errors": [item]}, separators=(",", ":")).encode()
            elif status >= 400:
                body = json.dumps({"errors": [error_item(status, _reason(status))]}, separators=(",", ":")).encode()
            else:
                body = b'{"data":{}}'
        headers = {"Content-Type": media.JSON}
        headers.update(fault.headers)
        return web.Response(body=body, status=status, headers=headers)
