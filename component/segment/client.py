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
import json
import os
import random
import re
import socket
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
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
    SegmentError,
    ServerError,
    TransportError,
    error_class,
)
from component.segment.policy import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_POLICY,
    FULL_PAGE,
    MAX_CONCURRENCY_ENV,
    RetryPolicy,
)
from component.segment.urls import join

V1 = "application/vnd.segment.v1+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"
USER_AGENT = f"segment-component/{__version__}"

ResponseType = Literal["json", "text", "binary"]
Query = Sequence[tuple[str, str]]


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    """Suspended for the loop's lifetime; the loop's async-generator shutdown runs the finally."""
    try:
        yield
    finally:
        await session.close()


@dataclass(eq=False)
class _LoopResources:
    session: aiohttp.ClientSession
    keeper: AsyncIterator[None]
    limits: dict[tuple[str, str], asyncio.Semaphore] = field(default_factory=dict)


def _concurrency_from_env() -> int:
    text = os.environ.get(MAX_CONCURRENCY_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_CONCURRENCY
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    # A typo must not silently fall back to the default: the user asked for something else.
    raise InputError.single(f"${MAX_CONCURRENCY_ENV}", "must be a whole number, at least 1")


class SessionPool:
    """One aiohttp session (and per-connection concurrency limits) per running event loop."""

    def __init__(self, max_concurrency: int | None = None) -> None:
        self._max_concurrency = max_concurrency
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopResources] = (
            weakref.WeakKeyDictionary()
        )

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

    async def _resources(self) -> _LoopResources:
        loop = asyncio.get_running_loop()
        held = self._by_loop.get(loop)
        if held is None or held.session.closed:
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
            keeper = _close_with_loop(session)
            await keeper.__anext__()  # registers it with the loop's async-generator shutdown
            held = _LoopResources(session, keeper)
            self._by_loop[loop] = held
        return held

    async def session(self) -> aiohttp.ClientSession:
        return (await self._resources()).session

    async def limit(self, base_url: str, api_key: str) -> asyncio.Semaphore:
        limits = (await self._resources()).limits
        key = (base_url, api_key)
        semaphore = limits.get(key)
        if semaphore is None:
            semaphore = limits[key] = asyncio.Semaphore(self.max_concurrency)
        return semaphore

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
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _retry_after(headers: Mapping[str, str], error: Mapping[str, Any]) -> float | None:
    """The wait a 429 asks for: Retry-After, then msBeforeNext, then X-RateLimit-Reset."""
    header = headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            waited = _seconds_until(header)
            if waited is not None:
                return waited
    data = error.get("data")
    if isinstance(data, Mapping):
        ms = data.get("msBeforeNext")
        if isinstance(ms, int | float) and not isinstance(ms, bool):
            return max(0.0, ms / 1000)
    reset = headers.get("X-RateLimit-Reset")
    return _seconds_until(reset) if reset else None


def _redacted(value: Any) -> Any:
    """`value` (parsed JSON) with every secret of the running invocations redacted from its text."""
    if not secrets:
        return value
    if isinstance(value, str):
        return secrets.redact(value)
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    if isinstance(value, dict):
        return {secrets.redact(str(key)): _redacted(item) for key, item in value.items()}
    return value


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
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    first = _first_error(body)
    message = first.get("message")
    if not isinstance(message, str) or not message:
        message = "the API returned an error without a message" if body is not None else (
            "the API returned a non-JSON error body"
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
    """The retry rule of DESIGN.md: 429 always (within the cap), 5xx and transport failures only
    for idempotent methods, other API errors only with `retry_all_errors`."""
    if isinstance(exc, RateLimited):
        return exc.retry_after is None or exc.retry_after <= policy.max_wait
    if isinstance(exc, ServerError | TransportError | MalformedResponse):
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


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


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


@dataclass(eq=False, repr=False)
class SegmentClient:
    """A client bound to one connection, region and invocation."""

    base_url: str
    api_key: str
    trace: Trace
    policy: RetryPolicy = DEFAULT_POLICY
    sessions: SessionPool = pool
    #: A host's dry run: reads are sent, the first other request raises `WouldSend` unsent.
    dry_run: bool = False

    def __repr__(self) -> str:  # the token stays out of every repr
        return f"SegmentClient(base_url={self.base_url!r})"

    async def request(
        self,
        method: str,
        route: str,
        *,
        query: Query = (),
        json_body: Any = None,
        data: bytes | str | aiohttp.FormData | None = None,
        headers: Mapping[str, str] | None = None,
        media_type: str = V1,
        response_type: ResponseType = "json",
        policy: RetryPolicy | None = None,
    ) -> Any:
        """Send one logical request (with retries) and return the parsed body.

        `route` is an encoded path from `urls.path()` (or `urls.check_raw_path()`); `query`
        pairs are encoded here. Any 2xx is a success.
        """
        policy = policy or self.policy
        method = method.upper()
        if headers:
            check_headers(headers)
        send_headers = {"Accept": media_type, **(headers or {})}
        body: bytes | str | aiohttp.FormData | None = data
        if json_body is not None:
            try:
                body = json.dumps(json_body, separators=(",", ":"), allow_nan=False).encode()
            except (TypeError, ValueError, RecursionError):
                raise InputError.single("(body)", "is not JSON data") from None
            send_headers["Content-Type"] = media_type
        if self.dry_run and method not in ("GET", "HEAD", "OPTIONS"):
            raise WouldSend(
                method, secrets.redact(route), [(k, secrets.redact(v)) for k, v in query],
                _redacted(json_body) if json_body is not None else _redacted(_describe_data(data)),
            )
        # Set last: no caller-supplied header may replace the credentials.
        send_headers["Authorization"] = f"Bearer {self.api_key}"
        url = join(self.base_url, route)
        limit = await self.sessions.limit(self.base_url, self.api_key)
        started = time.monotonic()
        tries = 0

        async def send(attempt: int) -> Any:
            nonlocal tries
            tries = attempt
            async with limit:
                return await self._send(
                    method, url, route, query, body, send_headers, response_type, policy, attempt
                )

        try:
            return await self._with_retries(send, policy, method, route)
        except TransportError as exc:
            if tries <= 1:
                raise
            # Say what the whole call cost, not only its last try.
            raise TransportError(
                f"{exc.reason} (the last of {tries} tries, {_duration(time.monotonic() - started)} in all)",
                method=method, path=route,
            ) from None

    async def _with_retries(
        self, send: Callable[[int], Awaitable[Any]], policy: RetryPolicy, method: str, route: str
    ) -> Any:
        # The first try runs outside tenacity: most calls succeed, and building a retry loop for
        # each would cost more than the rest of the client's per-call work.
        try:
            return await send(1)
        except SegmentError as exc:
            if policy.attempts <= 1 or not should_retry(policy, method, exc):
                raise
            first_failure = exc
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
                _wait_reason(state.outcome.exception() if state.outcome else None, method, route,
                             state.attempt_number + 2, policy.attempts),
            ),
            sleep=lambda seconds: pause(seconds),  # looked up per wait, so tests can replace it
        )
        async for attempt in retrying:
            with attempt:
                return await send(attempt.retry_state.attempt_number + 1)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

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
    ) -> Any:
        session = await self.sessions.session()
        timeout = aiohttp.ClientTimeout(total=policy.timeout, sock_connect=policy.connect_timeout)
        started = time.perf_counter()
        status: int | str = "error"
        size = 0
        try:
            async with session.request(
                method, url, params=query or None, data=body, headers=headers, timeout=timeout,
                allow_redirects=False,  # a redirect could carry the token to another origin
            ) as response:
                status = response.status
                raw = await response.read()
                size = len(raw)
                if not 200 <= status < 300:
                    raise api_error(status, response.headers, raw, method, route)
                return _parse(raw, response_type, status, method, route)
        except SegmentError:
            raise
        except TimeoutError:
            raise TransportError(f"timed out after {policy.timeout:g} s", method=method, path=route) from None
        except aiohttp.ClientError as exc:
            raise TransportError(_connection_failure(exc, url), method=method, path=route) from None
        except (ValueError, TypeError) as exc:  # UnicodeError too: aiohttp refused to build the request
            raise InputError.single(
                "(request)", f"could not be sent: HTTP cannot carry one of its values ({type(exc).__name__})"
            ) from None
        finally:
            self.trace.http_call(method, route, status, attempt, (time.perf_counter() - started) * 1000, size)

    async def get(self, route: str, query: Query = (), **options: Any) -> Any:
        return await self.request("GET", route, query=query, **options)

    async def post(self, route: str, body: Any = None, **options: Any) -> Any:
        return await self.request("POST", route, json_body=body, **options)

    async def patch(self, route: str, body: Any = None, **options: Any) -> Any:
        return await self.request("PATCH", route, json_body=body, **options)

    async def put(self, route: str, body: Any = None, **options: Any) -> Any:
        return await self.request("PUT", route, json_body=body, **options)

    async def delete(self, route: str, query: Query = (), **options: Any) -> Any:
        return await self.request("DELETE", route, query=query, **options)

    async def pages(
        self, route: str, *, count: int = FULL_PAGE, cursor: str | None = None, query: Query = (),
        **options: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield the `data` object of each page, following `data.pagination.next` to the end."""
        seen: set[str] = set()
        while True:
            body = await self.get(route, [*query, *page_query(count, cursor)], **options)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                raise MalformedResponse(200, "the response has no data object", method="GET", path=route)
            yield data
            pagination = data.get("pagination")
            cursor = pagination.get("next") if isinstance(pagination, dict) else None
            if not cursor or not isinstance(cursor, str):
                return
            if cursor in seen:  # a server handing back a cursor twice would loop forever
                raise MalformedResponse(200, "the API repeated a pagination cursor", method="GET", path=route)
            seen.add(cursor)

    async def collect(self, route: str, collection: str, *, query: Query = (), **options: Any) -> list[Any]:
        """Every item of `data.<collection>` across all pages."""
        items: list[Any] = []
        async for data in self.pages(route, query=query, **options):
            page = data.get(collection)
            if isinstance(page, list):
                items.extend(page)
        return items


def array_query(name: str, values: Iterable[str]) -> list[tuple[str, str]]:
    """An array query parameter in the Go SDK's form: `name.0=a&name.1=b`.

    The spec declares array query parameters `style: deepObject, explode: false`, which is
    ill-defined for arrays, and the official SDKs disagree (Go `userIds.0=a`, Python
    `userIds=a&userIds=b`, TypeScript `userIds[0]=a`). ENDPOINTS.md §1 calls every form
    unverified against the live API; the Go SDK's is the one the official tooling (the Terraform
    provider) exercises, so it is the one sent. This function is the only place that decides it.
    """
    return [(f"{name}.{index}", value) for index, value in enumerate(values)]


def page_query(count: int, cursor: str | None) -> list[tuple[str, str]]:
    """The API's pagination query, in its bracket form: pagination[count]=N&pagination[cursor]=C."""
    pairs = [("pagination[count]", str(count))]
    if cursor:
        pairs.append(("pagination[cursor]", cursor))
    return pairs


def _describe_data(data: bytes | str | aiohttp.FormData | None) -> Any:
    """A non-JSON body as a dry run shows it: text as is, anything else by its kind."""
    if data is None or isinstance(data, str):
        return data
    if isinstance(data, bytes):
        return f"({len(data)} bytes)"
    return "(multipart form data)"


def _parse(raw: bytes, response_type: ResponseType, status: int, method: str, route: str) -> Any:
    if response_type == "binary":
        return base64.b64encode(raw).decode("ascii")
    if response_type == "text":
        return raw.decode("utf-8", errors="replace")
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise MalformedResponse(
            status, "the response body is not valid JSON", method=method, path=route
        ) from None
