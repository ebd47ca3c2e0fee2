"""SegmentClient: the one way the component talks to the Segment Public API.

It owns, for every handler: the pooled aiohttp session, the `Authorization` and media-type
headers, the retry policy (on tenacity), timeouts, the mapping of answers to the error tree,
and pagination. A client object is cheap: one is made per invocation, bound to its connection,
region and trace; the expensive part, the session, is shared.

Sessions: one per event loop, opened lazily and reused by every invocation in that loop. The
token travels on each request, never as a session default, so connections with different tokens
share the pool safely. The session is closed by `segment.aclose()`, and otherwise when its loop
shuts down (`asyncio.run` closes async generators; a keeper generator closes the session then),
so no invocation leaves an "Unclosed client session" warning behind.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import json
import math
import os
import random
import re
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Coroutine, ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp

from component import __version__
from component.framework import progress
from component.framework.debug import Trace, secrets
from component.framework.hosting import WouldSend
from component.segment.errors import (
    ApiError,
    InputError,
    MalformedResponse,
    RateLimited,
    ResponseTooLarge,
    SegmentError,
    ServerError,
    TooManyPages,
    TransportError,
    error_class,
)
from component.segment.policy import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_POLICY,
    FULL_PAGE,
    IDEMPOTENT_METHODS,
    MAX_CONCURRENCY_ENV,
    RetryPolicy,
)
from component.segment.urls import join

V1 = "application/vnd.segment.v1+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"
USER_AGENT = f"segment-component/{__version__}"

ResponseType = Literal["json", "text", "binary"]
Query = Sequence[tuple[str, str]]


async def _close_with_loop(
    pool: SessionPool, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession
) -> AsyncIterator[None]:
    """Suspended for the loop's lifetime; the loop's async-generator shutdown runs the finally."""
    try:
        yield
    finally:
        await session.close()
        pool._forget(loop, session)


class Limiter:
    """A counting semaphore for one connection in one loop, with a fast path: a free permit is
    taken without creating a coroutine (asyncio.Semaphore's `async with` makes two per request).
    A released permit goes straight to the longest waiter, so no newcomer jumps the queue."""

    __slots__ = ("_value", "_waiters")

    def __init__(self, permits: int) -> None:
        self._value = permits
        self._waiters: deque[asyncio.Future[None]] = deque()

    def try_acquire(self) -> bool:
        if self._value > 0 and not self._waiters:
            self._value -= 1
            return True
        return False

    async def acquire(self) -> None:
        if self.try_acquire():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted, then cancelled before it ran: hand the permit on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the permit passes to it directly
                return
        self._value += 1

    def locked(self) -> bool:
        return self._value == 0


@dataclass(eq=False, slots=True)
class _LoopResources:
    session: aiohttp.ClientSession
    keeper: AsyncIterator[None]
    limits: dict[tuple[str, str], Limiter] = field(default_factory=dict)

    def limiter(self, base_url: str, api_key: str, pool: SessionPool) -> Limiter:
        key = (base_url, api_key)
        limiter = self.limits.get(key)
        if limiter is None:  # the pool's limit is read (and checked) only for a new connection
            limiter = self.limits[key] = Limiter(pool.max_concurrency)
        return limiter


def _concurrency_from_env() -> int:
    text = os.environ.get(MAX_CONCURRENCY_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_CONCURRENCY
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    # A typo must not silently fall back to the default: the user asked for something else.
    raise InputError.single(f"${MAX_CONCURRENCY_ENV}", "must be a whole number, at least 1")


def _abandon(held: _LoopResources) -> None:
    """Free what a loop closed without shutting down its async generators left behind: its sockets
    (they can no longer be closed through the loop), the session and the keeper generator (so that
    neither warns, nor asks the dead loop to finalise it, when collected)."""
    connector = held.session.connector
    held.session.detach()  # the session counts as closed from here on
    if connector is not None:
        conns = getattr(connector, "_conns", {})
        for protocols in list(conns.values()):
            for protocol, *_ in protocols:
                transport = getattr(protocol, "transport", None)
                sock = getattr(transport, "_sock", None)
                if sock is not None:
                    sock.close()
                    transport._sock = None  # type: ignore[union-attr]
        conns.clear()
    closing = held.keeper.aclose()  # type: ignore[attr-defined]
    try:
        closing.send(None)  # the session is detached: its close() awaits nothing
    except StopIteration:
        pass
    else:  # pragma: no cover - aiohttp changed: leave the generator to the collector
        closing.close()


class SessionPool:
    """One aiohttp session (and per-connection concurrency limits) per running event loop.

    An entry lives as long as its loop: the loop's shutdown (as `asyncio.run` does it) closes the
    session and removes the entry, and the entries of loops closed without that shutdown are
    freed the next time a new loop asks for a session. So a process that runs thousands of loops
    one after another keeps only the live ones.
    """

    def __init__(self, max_concurrency: int | None = None) -> None:
        self._max_concurrency = max_concurrency
        # Keyed by the loop itself: the session refers to its loop, so weak keys would never die.
        self._by_loop: dict[asyncio.AbstractEventLoop, _LoopResources] = {}

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at once per connection and event loop; set it before the first call
        (or with $SEGMENT_MAX_CONCURRENCY) to change it. The variable is read at first use, so a bad
        value fails the call that needs it (as InputError) instead of the import."""
        if self._max_concurrency is None:
            self._max_concurrency = _concurrency_from_env()
        return self._max_concurrency

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self._max_concurrency = value

    def __len__(self) -> int:
        """Loops that hold an entry (a session and its limits)."""
        return len(self._by_loop)

    def _forget(self, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession) -> None:
        held = self._by_loop.get(loop)
        if held is not None and held.session is session:
            del self._by_loop[loop]

    def _discard_closed_loops(self) -> None:
        # list() copies the keys in one step: other threads (each with its own loop) may add theirs.
        for loop in list(self._by_loop):
            if loop.is_closed():
                held = self._by_loop.pop(loop, None)
                if held is not None:
                    _abandon(held)

    async def _resources(self) -> _LoopResources:
        loop = asyncio.get_running_loop()
        held = self._by_loop.get(loop)
        if held is None or held.session.closed:
            held = await self._open(loop)
        return held

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _LoopResources:
        held = self._by_loop.get(loop)
        if held is None or held.session.closed:
            self._discard_closed_loops()
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300),
                cookie_jar=aiohttp.DummyCookieJar(),  # no state may pass between connections
                headers={"User-Agent": USER_AGENT},
                raise_for_status=False,
            )
            # aiohttp silently sends a GET, PUT or DELETE a second time when a kept-alive connection
            # drops; the retry policy is the one place that decides tries (and the trace counts them),
            # so a read would otherwise be sent up to twice the budget and `maxRetries: 0` not hold.
            # There is no public switch; tests/reliability/test_faults.py fails if this stops working.
            session._retry_connection = False
            keeper = _close_with_loop(self, loop, session)
            await keeper.__anext__()  # registers it with the loop's async-generator shutdown
            held = _LoopResources(session, keeper)
            self._by_loop[loop] = held
        return held

    async def session(self) -> aiohttp.ClientSession:
        return (await self._resources()).session

    async def limit(self, base_url: str, api_key: str) -> Limiter:
        return (await self._resources()).limiter(base_url, api_key, self)

    async def aclose(self) -> None:
        """Close the running loop's session, if any."""
        held = self._by_loop.pop(asyncio.get_running_loop(), None)
        if held is not None:
            await held.session.close()
            await held.keeper.aclose()  # type: ignore[attr-defined]


pool = SessionPool()


async def pause(seconds: float) -> None:
    """The wait between tries. Tests replace it to record waits instead of sleeping."""
    await asyncio.sleep(seconds)


def _seconds_until(http_date: str) -> float | None:
    try:
        moment = parsedate_to_datetime(http_date)
        return max(0.0, moment.timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _seconds(value: Any, scale: float = 1.0) -> float | None:
    """A wait the API gave, in seconds; None when it is no number. A wait too large for a float is
    infinite (longer than any policy waits), never an OverflowError."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value) / scale
    except OverflowError:
        return math.inf
    except (TypeError, ValueError):
        return None
    return None if math.isnan(seconds) else max(0.0, seconds)


def _retry_after(headers: Mapping[str, str], error: Mapping[str, Any]) -> float | None:
    """The wait a 429 asks for: Retry-After, then msBeforeNext, then X-RateLimit-Reset."""
    header = headers.get("Retry-After")
    if header:
        waited = _seconds(header)
        if waited is None:
            waited = _seconds_until(header)
        if waited is not None:
            return waited
    data = error.get("data")
    if isinstance(data, Mapping):
        ms = data.get("msBeforeNext")
        if isinstance(ms, int | float):
            waited = _seconds(ms, 1000.0)
            if waited is not None:
                return waited
    reset = headers.get("X-RateLimit-Reset")
    return _seconds_until(reset) if reset else None


def _redacted(value: Any) -> Any:
    """`value` (parsed JSON) with every secret of the running invocations redacted from its text.

    Iterative: an answer nested as deep as the JSON parser allows must not overflow the stack here."""
    if not secrets:
        return value
    if isinstance(value, str):
        return secrets.redact(value)
    if not isinstance(value, list | dict):
        return value
    root: list[Any] = [value]
    stack: list[tuple[list[Any] | dict[str, Any], Any, Any]] = [(root, 0, value)]
    while stack:
        parent, slot, item = stack.pop()
        if isinstance(item, list):
            copy: Any = [None] * len(item)
            stack.extend((copy, index, child) for index, child in enumerate(item))
        elif isinstance(item, dict):
            copy = {}
            for key, child in item.items():
                redacted_key = secrets.redact(str(key))
                copy[redacted_key] = None
                stack.append((copy, redacted_key, child))
        else:
            copy = secrets.redact(item) if isinstance(item, str) else item
        parent[slot] = copy
    return root[0]


#: Bodies at least this large are parsed with the cyclic gc paused (see _loads).
_GC_PAUSE_BYTES = 64 * 1024


def _loads(raw: bytes) -> Any:
    """Parsed JSON; ValueError for anything that is not usable JSON (nesting too deep for the
    parser, numbers Python refuses to convert).

    A large page (1,000 items) makes tens of thousands of containers at once: the collector would
    run many times mid-parse, find them all alive, and promote them towards the oldest generation,
    whose full collections then walk every object the process holds (the choices gathered so far
    included). That made a picklist's cost per item grow with its size. Parsing makes no cycles,
    so pausing the collector for it loses nothing."""
    pause = len(raw) >= _GC_PAUSE_BYTES and gc.isenabled()
    if pause:
        gc.disable()
    try:
        try:
            # UTF-8, what the API sends: decoded here, json skips detecting the encoding.
            return json.loads(raw.decode())
        except ValueError:  # another encoding JSON allows (UTF-16, a BOM), or no JSON at all
            return json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    finally:
        if pause:
            gc.enable()


# RFC 9110: a header name is a token; a value has no control characters but tab.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_HEADER_VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def check_headers(headers: Mapping[str, str]) -> None:
    """Refuse, before anything is sent, a header HTTP cannot carry: aiohttp would raise a ValueError
    (or send a line the server refuses) instead of a typed error."""
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise InputError.single("headers", "a header name must be letters, digits and !#$%&'*+-.^_`|~ only")
        if not isinstance(value, str) or _HEADER_VALUE_FORBIDDEN.search(value):
            raise InputError.single("headers", "a header value must be text without control characters")


def _first_error(body: Any) -> Mapping[str, Any]:
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            return errors[0]
    return {}


def api_error(status: int, headers: Mapping[str, str], raw: bytes, method: str, route: str) -> ApiError:
    """Map an error answer to its class, with the API's own type, message and field."""
    try:
        body = _loads(raw) if raw else None
    except ValueError:
        body = None
    first = _first_error(body)
    message = first.get("message")
    if not isinstance(message, str) or not message:
        message = (
            "the API returned an error without a message"
            if body is not None
            else "the API returned a non-JSON error body"
        )
    # An API (or a proxy) that echoes the token must not put it in our errors: every part of the
    # answer that the error keeps is redacted, not only the message.
    message = secrets.redact(message)
    field_name, kind = first.get("field"), first.get("type")
    request_id = headers.get("X-Request-Id") or headers.get("X-Amzn-Requestid")
    kwargs: dict[str, Any] = {
        "method": method,
        "path": route,
        "type": secrets.redact(kind) if isinstance(kind, str) else None,
        "field": secrets.redact(field_name) if isinstance(field_name, str) else None,
        "request_id": secrets.redact(request_id) if request_id else None,
        "data": _redacted(first.get("data")),
    }
    cls = error_class(status)
    if cls is RateLimited:
        return RateLimited(status, message, retry_after=_retry_after(headers, first), **kwargs)
    return cls(status, message, **kwargs)


def should_retry(policy: RetryPolicy, method: str, exc: BaseException) -> bool:
    """The retry rule: 429 always (within the cap); 5xx and malformed answers for idempotent
    methods (every method with `retry_all_errors`); no answer at all (a timeout, a dropped
    connection) only for idempotent methods; other API errors only with `retry_all_errors`. A
    LimitExceeded is never retried: the same request would meet the same answer."""
    if isinstance(exc, RateLimited):
        return exc.retry_after is None or exc.retry_after <= policy.max_wait
    if isinstance(exc, TransportError):
        # No answer: a POST or PATCH may have been applied, so only idempotent methods are sent
        # again, even with `retry_all_errors` (which is about error answers).
        return method in IDEMPOTENT_METHODS
    if isinstance(exc, ServerError | MalformedResponse):
        return policy.may_retry(method, rate_limited=False)
    if isinstance(exc, ApiError):
        return policy.retry_all_errors
    return False


def retry_wait(policy: RetryPolicy, exc: BaseException | None, attempt: int) -> float:
    """Seconds to wait after failed try number `attempt`."""
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        # A little jitter so that many waiting callers do not come back in one burst.
        return exc.retry_after * (1 + random.uniform(0, 0.1))
    return policy.backoff(attempt)


def _wait_reason(exc: BaseException | None, method: str, route: str, next_try: int, attempts: int) -> str:
    """Why the client waits, for the progress reporter: what failed, and which try comes next."""
    if isinstance(exc, RateLimited):
        why = "rate limited (429)"
    elif isinstance(exc, ApiError):
        why = f"answered {exc.status}"
    elif isinstance(exc, TransportError):
        why = exc.reason
    else:
        why = "failed"
    return f"{method} {route} {why}; try {next_try} of {attempts} next"


def _connection_failure(exc: aiohttp.ClientError, url: str) -> str:
    """What went wrong with the connection, in words, naming the host it tried (not aiohttp's class)."""
    parts = urlsplit(url)
    host = parts.hostname or "the server"
    where = f"{host}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    os_error = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else None
    if isinstance(os_error, socket.gaierror):
        return f"DNS lookup failed: the host {host} was not found"
    if isinstance(os_error, ConnectionRefusedError):
        return f"connection refused by {where} (nothing is listening there)"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"could not connect to {where} ({exc.strerror or 'no route'})"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return f"{where} closed the connection without answering"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return f"the answer from {where} was cut off"
    if isinstance(exc, aiohttp.ClientOSError) and exc.strerror:
        return f"the connection to {where} failed ({exc.strerror})"
    return f"the connection to {where} failed"


def _describe_data(data: bytes | str | aiohttp.FormData | None) -> Any:
    """A non-JSON body as a dry run shows it: text as is, anything else by its kind."""
    if data is None or isinstance(data, str):
        return data
    if isinstance(data, bytes):
        return f"({len(data)} bytes)"
    return "(multipart form data)"


class Headers(Mapping[str, str]):
    """The headers of one request. Its repr and str name the headers but never show a value: the
    Authorization header is among them, and error trackers print every frame's locals with repr."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    # The dict's own views: aiohttp copies the headers into a CIMultiDict per request, and these
    # iterate in C where the Mapping defaults would call back into Python per header.
    def items(self) -> ItemsView[str, str]:
        return self._items.items()

    def keys(self) -> KeysView[str]:
        return self._items.keys()

    def __repr__(self) -> str:
        return f"Headers({', '.join(self._items)}; values hidden)"

    __str__ = __repr__


_HEADERS: dict[tuple[str, bool, str], Headers] = {}


def _request_headers(media_type: str, extra: Mapping[str, str] | None, content_type: bool, api_key: str) -> Headers:
    """Accept, the caller's headers, Content-Type, then the credentials, set last so that no
    caller-supplied header replaces them. Built here so that no caller's frame holds the token in
    a plain dict; without extra headers the (immutable) result is shared by every call."""
    if not extra:
        cached = _HEADERS.get((media_type, content_type, api_key))
        if cached is not None:
            return cached
    items = {"Accept": media_type}
    if extra:
        items.update(extra)
    if content_type:
        items["Content-Type"] = media_type
    items["Authorization"] = f"Bearer {api_key}"
    headers = Headers(items)
    if not extra:
        if len(_HEADERS) >= 256:  # many tokens in one process: keep the cache small
            _HEADERS.clear()
        _HEADERS[(media_type, content_type, api_key)] = headers
    return headers


async def _read_body(response: aiohttp.ClientResponse, limit: int, method: str, route: str) -> bytes:
    """The response body, at most `limit` bytes after decompression (aiohttp decompresses in
    bounded steps, so a gzip bomb never expands past the limit by more than one step)."""
    length = response.content_length
    if length is not None and length > limit:
        raise ResponseTooLarge(response.status, limit="max_response_bytes", value=limit, method=method, path=route)
    if length is not None and "Content-Encoding" not in response.headers:
        return await response.read()  # exactly Content-Length bytes: bounded already
    content = response.content
    chunks: list[bytes] = []
    size = 0
    while chunk := await content.readany():
        size += len(chunk)
        if size > limit:
            response.close()  # the rest is never read: the connection cannot be reused
            raise ResponseTooLarge(response.status, limit="max_response_bytes", value=limit, method=method, path=route)
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


@dataclass(eq=False, repr=False, slots=True)
class SegmentClient:
    """A client bound to one connection, region and invocation.

    The path from a handler to aiohttp is one coroutine frame, `_send` (one try): `request` checks
    and builds the request and hands back the first try's coroutine, `get`/`post`/... hand back
    that, and retries run in `_retry` only once a first try has failed.
    """

    base_url: str
    api_key: str
    trace: Trace
    policy: RetryPolicy = DEFAULT_POLICY
    sessions: SessionPool = pool
    #: A host's dry run: reads are sent, the first other request raises `WouldSend` unsent.
    dry_run: bool = False

    def __repr__(self) -> str:  # the token stays out of every repr
        return f"SegmentClient(base_url={self.base_url!r})"

    def request(
        self,
        method: str,
        route: str,
        query: Query = (),
        json_body: Any = None,
        *,
        data: bytes | str | aiohttp.FormData | None = None,
        headers: Mapping[str, str] | None = None,
        media_type: str = V1,
        response_type: ResponseType = "json",
        policy: RetryPolicy | None = None,
    ) -> Coroutine[Any, Any, Any]:
        """Send one logical request (with retries); awaited, the parsed body.

        `route` is an encoded path from `urls.path()` (or `urls.check_raw_path()`); `query`
        pairs are encoded here. Any 2xx is a success. Not a coroutine function: it checks and
        builds the request (a request it refuses raises here, unsent), then hands back the
        coroutine of the first try, so a handler awaits one frame of the client's, not two.
        """
        policy = policy or self.policy
        method = method.upper()
        if headers:
            check_headers(headers)
        body: bytes | str | aiohttp.FormData | None = data
        if json_body is not None:
            try:
                body = json.dumps(json_body, separators=(",", ":"), allow_nan=False).encode()
            except (TypeError, ValueError, RecursionError):
                body = None
            if body is None:  # raised outside the except clause: the error carries no chain
                raise InputError.single("(body)", "is not JSON data")
        if self.dry_run and method not in ("GET", "HEAD", "OPTIONS"):
            raise WouldSend(
                method,
                secrets.redact(route),
                [(k, secrets.redact(v)) for k, v in query],
                _redacted(json_body) if json_body is not None else _redacted(_describe_data(data)),
            )
        send_headers = _request_headers(media_type, headers, json_body is not None, self.api_key)
        url = join(self.base_url, route)
        # `started` (for the message of a call that fails after several tries) rides along.
        return self._send(method, url, route, query, body, send_headers, response_type, policy, 1, time.monotonic())

    async def _retry(
        self,
        method: str,
        url: str,
        route: str,
        query: Query,
        body: bytes | str | aiohttp.FormData | None,
        headers: Mapping[str, str],
        response_type: ResponseType,
        policy: RetryPolicy,
        first_failure: SegmentError,
        started: float,
    ) -> Any:
        """Tries 2 and on, after `first_failure`, as the policy says."""
        wait = retry_wait(policy, first_failure, 1)
        progress.waiting(wait, _wait_reason(first_failure, method, route, 2, policy.attempts))
        await pause(wait)
        # Imported here: most processes never retry, and tenacity costs ~20 ms to import.
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts - 1),
            wait=lambda state: retry_wait(
                policy, state.outcome.exception() if state.outcome else None, state.attempt_number + 1
            ),
            retry=retry_if_exception(lambda exc: should_retry(policy, method, exc)),
            reraise=True,
            before_sleep=lambda state: progress.waiting(
                state.next_action.sleep if state.next_action else 0.0,
                _wait_reason(
                    state.outcome.exception() if state.outcome else None,
                    method,
                    route,
                    state.attempt_number + 2,
                    policy.attempts,
                ),
            ),
            sleep=lambda seconds: pause(seconds),  # looked up per wait, so tests can replace it
        )
        tries = 1
        try:
            async for attempt in retrying:
                with attempt:
                    tries = attempt.retry_state.attempt_number + 1
                    return await self._send(
                        method, url, route, query, body, headers, response_type, policy, tries, started
                    )
        except TransportError as exc:
            last = exc
        else:  # pragma: no cover - tenacity reraises the last error
            raise AssertionError("unreachable: tenacity reraises the last error")
        # Say what the whole call cost, not only its last try (raised outside the except clause:
        # the error a caller gets carries no chain).
        raise TransportError(
            f"{last.reason} (the last of {tries} tries, {progress.duration(time.monotonic() - started)} in all)",
            method=method,
            path=route,
        )

    async def _send(
        self,
        method: str,
        url: str,
        route: str,
        query: Query,
        body: bytes | str | aiohttp.FormData | None,
        headers: Mapping[str, str],
        response_type: ResponseType,
        policy: RetryPolicy,
        attempt: int,
        started: float,
    ) -> Any:
        """Try number `attempt`, under the connection's concurrency limit. A first try that fails
        in a way the policy retries hands over to `_retry` (the tries after it come back here),
        so a call that succeeds at once runs no retry machinery at all.

        aiohttp's request context is entered by hand: `async with` would add a frame."""
        sessions = self.sessions
        held = sessions._by_loop.get(asyncio.get_running_loop())
        if held is None or held.session.closed:
            held = await sessions._resources()
        session = held.session
        limit = held.limiter(self.base_url, self.api_key, sessions)
        if not limit.try_acquire():
            await limit.acquire()
        trace = self.trace
        debug = trace.debug
        timed = time.perf_counter() if debug else 0.0  # no timings unless they are logged
        status: int | str = "error"
        size = 0
        # A failure of aiohttp's is turned into ours outside its except clause, so the error a
        # caller gets has no __context__: aiohttp's exceptions carry the request's headers.
        failure: Exception
        try:
            try:
                # Awaiting the request context (not entering it) gives the response with no frame
                # of aiohttp's context manager in between; it is released below.
                response = await session.request(
                    method,
                    url,
                    params=query or None,
                    data=body,
                    headers=headers,
                    timeout=_timeout(policy.timeout, policy.connect_timeout),
                    allow_redirects=False,  # a redirect could carry the token to another origin
                )
                try:
                    status = response.status
                    raw = await _read_body(response, policy.max_response_bytes, method, route)
                    size = len(raw)
                finally:
                    response.release()
                if not 200 <= status < 300:
                    error = api_error(status, response.headers, raw, method, route)
                    raw = b""  # an answer may echo the token: it stays out of this frame's locals
                    raise error
                return _parse(raw, response_type, status, method, route)
            except SegmentError as exc:
                failure = exc
            except TimeoutError:
                failure = TransportError(f"timed out after {policy.timeout:g} s", method=method, path=route)
            except aiohttp.ClientError as exc:
                failure = TransportError(_connection_failure(exc, url), method=method, path=route)
            except (ValueError, TypeError) as exc:  # UnicodeError too: aiohttp refused to build the request
                failure = InputError.single(
                    "(request)", f"could not be sent: HTTP cannot carry one of its values ({type(exc).__name__})"
                )
        finally:
            limit.release()
            if debug:
                trace.http_call(method, route, status, attempt, (time.perf_counter() - timed) * 1000, size)
            else:  # what http_call counts, without a call
                trace.calls += 1
                if attempt > 1:
                    trace.retries += 1
        if (
            attempt == 1
            and policy.attempts > 1
            and isinstance(failure, SegmentError)
            and should_retry(policy, method, failure)
        ):
            return await self._retry(method, url, route, query, body, headers, response_type, policy, failure, started)
        raise failure

    def get(self, route: str, query: Query = (), **options: Any) -> Coroutine[Any, Any, Any]:
        if options:
            return self.request("GET", route, query, **options)
        return self.request("GET", route, query)  # no keyword dict to build

    def post(self, route: str, body: Any = None, **options: Any) -> Coroutine[Any, Any, Any]:
        if options:
            return self.request("POST", route, (), body, **options)
        return self.request("POST", route, (), body)

    def patch(self, route: str, body: Any = None, **options: Any) -> Coroutine[Any, Any, Any]:
        if options:
            return self.request("PATCH", route, (), body, **options)
        return self.request("PATCH", route, (), body)

    def put(self, route: str, body: Any = None, **options: Any) -> Coroutine[Any, Any, Any]:
        if options:
            return self.request("PUT", route, (), body, **options)
        return self.request("PUT", route, (), body)

    def delete(self, route: str, query: Query = (), **options: Any) -> Coroutine[Any, Any, Any]:
        if options:
            return self.request("DELETE", route, query, **options)
        return self.request("DELETE", route, query)  # no keyword dict to build

    async def pages(
        self,
        route: str,
        *,
        count: int = FULL_PAGE,
        cursor: str | None = None,
        query: Query = (),
        collection: str | None = None,
        **options: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield the `data` object of each page, following `data.pagination.next` to the end.

        A walk is bounded: it stops once `totalEntries` items have arrived (with `collection`, the
        key of the items), and raises TooManyPages past the policy's `max_pages` or `max_items`,
        so a server that always hands out another `next` cannot keep it running forever.
        """
        policy: RetryPolicy = options.get("policy") or self.policy
        seen: set[str] = set()
        pages = items = 0
        while True:
            if pages >= policy.max_pages:
                raise TooManyPages(
                    limit="max_pages", value=policy.max_pages, pages=pages, items=items, method="GET", path=route
                )
            body = await self.get(route, [*query, *page_query(count, cursor)], **options)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                raise MalformedResponse(200, "the response has no data object", method="GET", path=route)
            pages += 1
            page = data.get(collection) if collection is not None else None
            if isinstance(page, list):
                items += len(page)
                if items > policy.max_items:
                    raise TooManyPages(
                        limit="max_items", value=policy.max_items, pages=pages, items=items, method="GET", path=route
                    )
            progress.paged(f"GET {route}", pages, items)
            yield data
            pagination = data.get("pagination")
            cursor = pagination.get("next") if isinstance(pagination, dict) else None
            if not cursor or not isinstance(cursor, str):
                return
            total = pagination.get("totalEntries") if isinstance(pagination, dict) else None
            if collection is not None and isinstance(total, int) and not isinstance(total, bool) and items >= total:
                return  # every item the API counted has arrived: a further `next` is not followed
            if cursor in seen:  # a server handing back a cursor twice would loop forever
                raise MalformedResponse(200, "the API repeated a pagination cursor", method="GET", path=route)
            seen.add(cursor)

    async def collect(self, route: str, collection: str, *, query: Query = (), **options: Any) -> list[Any]:
        """Every item of `data.<collection>` across all pages."""
        items: list[Any] = []
        async for data in self.pages(route, query=query, collection=collection, **options):
            page = data.get(collection)
            if isinstance(page, list):
                items.extend(page)
        return items


_TIMEOUTS: dict[tuple[float, float], aiohttp.ClientTimeout] = {}


def _timeout(total: float, connect: float) -> aiohttp.ClientTimeout:
    """One shared (immutable) ClientTimeout per policy's figures instead of one per call."""
    timeout = _TIMEOUTS.get((total, connect))
    if timeout is None:
        if len(_TIMEOUTS) > 64:  # raw requests choose their own: keep the cache small
            _TIMEOUTS.clear()
        timeout = _TIMEOUTS[(total, connect)] = aiohttp.ClientTimeout(total=total, sock_connect=connect)
    return timeout


def array_query(name: str, values: Iterable[str]) -> list[tuple[str, str]]:
    """An array query parameter in the Go SDK's form: `name.0=a&name.1=b`.

    The spec declares array query parameters `style: deepObject, explode: false`, which is
    ill-defined for arrays, and the official SDKs disagree (Go `userIds.0=a`, Python
    `userIds=a&userIds=b`, TypeScript `userIds[0]=a`), and no form is verified against the
    live API; the Go SDK's is the one the official tooling (the Terraform
    provider) exercises, so it is the one sent. This function is the only place that decides it.
    """
    return [(f"{name}.{index}", value) for index, value in enumerate(values)]


def page_query(count: int, cursor: str | None) -> list[tuple[str, str]]:
    """The API's pagination query, in its bracket form: pagination[count]=N&pagination[cursor]=C."""
    pairs = [("pagination[count]", str(count))]
    if cursor:
        pairs.append(("pagination[cursor]", cursor))
    return pairs


def _parse(raw: bytes, response_type: ResponseType, status: int, method: str, route: str) -> Any:
    if response_type == "binary":
        return base64.b64encode(raw).decode("ascii")
    if response_type == "text":
        return raw.decode("utf-8", errors="replace")
    if not raw or raw.isspace():  # (isspace stops at the first other byte; strip would copy)
        return None
    try:
        return _loads(raw)
    except ValueError:
        raise MalformedResponse(status, "the response body is not valid JSON", method=method, path=route) from None
