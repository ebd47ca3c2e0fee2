"""The configuration screen's server: any `HostedComponent` over HTTP, with a JSON API and a page.

    GET  /                         the page (static files under /static/)
    GET  /api/manifest             the component's manifest
    GET  /api/examples/{kind}/{key} a handler's example input and example payload
    POST /api/actions/{key}        body: the inputs; answer: what `invoke` returns
    POST /api/dataSources/{key}    the same for a picklist
    GET|PUT|DELETE /api/connection what connection is set (never its secrets), set one, go back
    POST /api/connection/test      the connection's test

With `?trace=1` an invocation runs in debug and answers `{"output", "calls", "elapsedMs"}`: the
component's debug records of that call alone (its logger redacts secrets) and the time it took.
With `?progress=1` the answer is streamed as NDJSON (`application/x-ndjson`), so that a long call
shows how far it is: one line `{"progress": {kind, message, seconds, pages, items}}` for each
report of the framework's progress reporter (a page of a page walk, a wait with its reason), then
one last line `{"status": N, "body": ...}` holding what the plain answer would have been (its HTTP
status is 200, since it is sent before the call ends). Closing the connection cancels the call.

A local server that holds a token is a target for every web page open in the same browser, so:
every request must name an allowed `Host` (a rebound DNS name cannot read the page); every API
call must carry the page's per-server random token (a header another site cannot set without
reading the page first) and, when the browser sends an `Origin`, it must be this server's; bodies
are size-limited; the page may run only its own scripts and may not be framed. The token of the
connection is never sent back, never read from a URL and never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from component.framework import progress
from component.framework.errors import FieldError, InputError
from component.framework.fixtures import read_example
from component.framework.hosting import HostedComponent, error_body, error_status, secret_inputs, with_defaults

TOKEN_HEADER = "X-Page-Token"
#: The largest request body accepted: an input may be a string of up to 1 MiB, plus its JSON.
MAX_BODY = 2 * 1024 * 1024
KINDS = ("actions", "dataSources")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".png": "image/png"}

# The debug records of the invocation the current task serves; None outside one.
_call_log: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("web_call_log", default=None)


class _CallLogHandler(logging.Handler):
    """Keeps each record for the invocation that logged it. The context variable is per task, so
    concurrent invocations never see each other's calls."""

    def emit(self, record: logging.LogRecord) -> None:
        records = _call_log.get()
        if records is not None:
            records.append(record.getMessage())


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) only ever means this machine."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_value(host: str, port: int) -> str:
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"{host}:{port}".lower()


class WebHost:
    """The state of one server: the component, the connection it holds, the page's token, and
    which `Host` values name it.

    `connection` is what invocations run with (None: none yet, the page asks for one);
    `emulator_url` and `note` say that it is a built-in emulator. `examples_dir` is where the
    manifest's `examplePayload` paths lead. `default_inputs` are given to a handler that declares
    them when the page leaves them out (the environment's region, for example).
    """

    def __init__(
        self,
        component: HostedComponent,
        *,
        connection: Mapping[str, Any] | None = None,
        emulator_url: str | None = None,
        note: str | None = None,
        examples_dir: Path | None = None,
        default_inputs: Mapping[str, Any] | None = None,
    ) -> None:
        self.component = component
        self.page_token = secrets.token_urlsafe(32)
        self.examples_dir = examples_dir
        self.default_inputs = dict(default_inputs or {})
        self.allowed_hosts: set[str] = set()
        self._initial = (dict(connection) if connection else None, emulator_url, note)
        self._connection, self._emulator_url, self._note = self._initial
        self._source = "emulator" if emulator_url else ("environment" if connection else None)
        self._manifest: dict[str, Any] | None = None
        self._log_handler = _CallLogHandler(logging.DEBUG)
        self._saved_level = logging.NOTSET

    def __repr__(self) -> str:  # the connection holds the token
        return f"WebHost(allowed_hosts={sorted(self.allowed_hosts)!r})"

    # ----------------------------------------------------------------------------- setup
    def allow(self, host: str, port: int) -> None:
        """Accept requests naming this server as `host:port`: a loopback bind also answers to
        every loopback name; a wildcard bind answers to this machine's name and addresses."""
        names = {host}
        if is_loopback(host):
            names |= {"127.0.0.1", "localhost", "::1"}
        if host in ("0.0.0.0", "::", ""):
            names = {"127.0.0.1", "localhost", "::1", socket.gethostname()}
            with contextlib.suppress(OSError):  # and its addresses: a browser on the network uses one
                names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
        self.allowed_hosts |= {_host_value(name, port) for name in names}

    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            self._manifest = self.component.manifest()
        return self._manifest

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._guard])
        app.router.add_get("/", self._page)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/api/manifest", self._get_manifest)
        app.router.add_get("/api/examples/{kind}/{key}", self._get_example)
        app.router.add_post("/api/{kind}/{key}", self._invoke)
        app.router.add_get("/api/connection", self._get_connection)
        app.router.add_put("/api/connection", self._put_connection)
        app.router.add_delete("/api/connection", self._delete_connection)
        app.router.add_post("/api/connection/test", self._test_connection)
        app.on_startup.append(self._start_logging)
        app.on_cleanup.append(self._stop_logging)
        return app

    async def _start_logging(self, _: web.Application) -> None:
        logger = logging.getLogger("component")
        self._saved_level = logger.level
        if logger.getEffectiveLevel() > logging.DEBUG:
            logger.setLevel(logging.DEBUG)  # records exist only in debug invocations
        logger.addHandler(self._log_handler)

    async def _stop_logging(self, _: web.Application) -> None:
        logger = logging.getLogger("component")
        logger.removeHandler(self._log_handler)
        logger.setLevel(self._saved_level)

    # ---------------------------------------------------------------------------- guard
    def _refusal(self, request: web.Request) -> str | None:
        """Why a request does not come from the page of this server, or None when it does."""
        host = (request.headers.get("Host") or "").lower()
        if host not in self.allowed_hosts:
            return "the Host header does not name this server"
        if not request.path.startswith("/api/"):
            return None
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in {f"http://{name}" for name in self.allowed_hosts}:
            return "the request comes from another origin"
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            return "the request comes from another site"
        token = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(token.encode(), self.page_token.encode()):
            return f"the {TOKEN_HEADER} header is missing or wrong (reload the page)"
        return None

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        reason = self._refusal(request)
        if reason is not None:
            response: web.StreamResponse = web.json_response({"error": "Forbidden", "message": reason}, status=403)
        else:
            try:
                response = await handler(request)
            except _BadBody as exc:
                response = _input_error([("(body)", exc.reason)])
            except web.HTTPException as exc:
                response = web.json_response(
                    {"error": exc.reason, "message": exc.text or exc.reason}, status=exc.status
                )
        if not response.prepared:  # a streamed answer sent its headers already (the same ones)
            response.headers.update(SECURITY_HEADERS)
            if request.path.startswith("/api/") or request.path == "/":
                response.headers["Cache-Control"] = "no-store"
        return response

    # ----------------------------------------------------------------------------- page
    async def _page(self, _: web.Request) -> web.Response:
        html = _read_static("index.html").decode()
        # The token lives in the page only: a meta tag the page's script reads at load.
        html = html.replace("{{PAGE_TOKEN}}", self.page_token)
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        suffix = Path(name).suffix
        if name == "index.html" or suffix not in STATIC_TYPES or "/" in name or name.startswith("."):
            raise web.HTTPNotFound(text="no such file")
        try:
            body = _read_static(name)
        except (FileNotFoundError, IsADirectoryError):
            raise web.HTTPNotFound(text="no such file") from None
        return web.Response(body=body, content_type=STATIC_TYPES[suffix])

    # -------------------------------------------------------------------------- manifest
    async def _get_manifest(self, _: web.Request) -> web.Response:
        return web.json_response(self.manifest())

    def _handler(self, kind: str, key: str) -> dict[str, Any]:
        handlers = self.manifest().get(kind) if kind in KINDS else None
        if not isinstance(handlers, dict) or key not in handlers:
            raise web.HTTPNotFound(text=f"no {kind} handler named {key!r}"[:200])
        handler: dict[str, Any] = handlers[key]
        return handler

    async def _get_example(self, request: web.Request) -> web.Response:
        handler = self._handler(request.match_info["kind"], request.match_info["key"])
        return web.json_response(
            {"exampleInput": handler.get("exampleInput"), "examplePayload": self._example_payload(handler)}
        )

    def _example_payload(self, handler: Mapping[str, Any]) -> Any:
        if self.examples_dir is None:
            return None
        return read_example(self.examples_dir, handler.get("examplePayload"))

    # ------------------------------------------------------------------------ invocation
    async def _invoke(self, request: web.Request) -> web.StreamResponse:
        kind, key = request.match_info["kind"], request.match_info["key"]
        handler = self._handler(kind, key)
        inputs = with_defaults(await _json_object(request), self.default_inputs, handler.get("inputs", {}))
        connection = self._connection

        async def call(debug: bool) -> Any:
            return await self.component.invoke(key, inputs, connection=connection, debug=debug)

        return await self._run(request, call)

    async def _run(self, request: web.Request, call: Callable[[bool], Awaitable[Any]]) -> web.StreamResponse:
        """Run `call`, answering its result or its typed error; with `?trace=1` wrap either with
        the debug records of this call and its duration; with `?progress=1` stream its progress
        before the answer."""
        trace = request.query.get("trace") in ("1", "true")
        if request.query.get("progress") in ("1", "true"):
            return await self._run_streaming(request, call, trace)
        status, body = await self._outcome(call, trace)
        return web.json_response(body, status=status)

    async def _outcome(self, call: Callable[[bool], Awaitable[Any]], trace: bool) -> tuple[int, Any]:
        """The status and body that answer `call`: its output, or its error as `error_body`."""
        if self._connection is None:
            return 409, {"error": "NoConnection", "message": "no connection is set: enter one first"}
        records: list[str] = []
        token = _call_log.set(records if trace else None)
        started = time.perf_counter()
        try:
            output = await call(trace)
        except asyncio.CancelledError:
            raise  # the page went away (a cancelled call): nothing to answer
        except Exception as exc:  # a bug's text is never quoted: error_body names its type only
            body, status = error_body(exc), error_status(exc)
            if trace:
                body |= {"calls": records, "elapsedMs": _ms_since(started)}
            return status, body
        finally:
            _call_log.reset(token)
        if trace:
            return 200, {"output": output, "calls": records, "elapsedMs": _ms_since(started)}
        return 200, output

    async def _run_streaming(
        self, request: web.Request, call: Callable[[bool], Awaitable[Any]], trace: bool
    ) -> web.StreamResponse:
        """The answer as NDJSON: the progress reports as they come, then the outcome.

        The framework's reporter is called synchronously inside the component, so it only queues
        the report; this handler writes them in order. The call runs as a task of its own, started
        with the reporter set (a task copies the context), so concurrent calls never mix reports."""
        events: asyncio.Queue[progress.Progress | None] = asyncio.Queue()
        with progress.reporting(events.put_nowait):
            task = asyncio.ensure_future(self._outcome(call, trace))
        task.add_done_callback(lambda _: events.put_nowait(None))
        # Headers go out with the first line, before the guard could add its own.
        response = web.StreamResponse(
            headers={**SECURITY_HEADERS, "Cache-Control": "no-store", "Content-Type": "application/x-ndjson"}
        )
        try:
            await response.prepare(request)
            while (event := await events.get()) is not None:
                report = {
                    "kind": event.kind,
                    "message": event.message,
                    "seconds": event.seconds,
                    "pages": event.pages,
                    "items": event.items,
                }
                await response.write(_ndjson({"progress": report}))
            status, body = task.result()
            await response.write(_ndjson({"status": status, "body": body}))
            await response.write_eof()
        finally:
            if not task.done():  # the page went away: stop the call it no longer waits for
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        return response

    # ------------------------------------------------------------------------ connection
    def _connection_view(self) -> dict[str, Any]:
        """What the page may know of the connection: whether one is set and its plain fields."""
        secret = _secret_fields(self.manifest())
        fields = {
            name: value
            for name, value in (self._connection or {}).items()
            if name not in secret and isinstance(value, str | int | bool)
        }
        return {
            "set": self._connection is not None,
            "source": self._source,
            "emulator": self._emulator_url is not None,
            "emulatorUrl": self._emulator_url,
            "note": self._note,
            "fields": fields,
            "secretsSet": sorted(name for name in secret if (self._connection or {}).get(name)),
            "canReset": self._initial[0] is not None and self._source == "page",
            # Inputs the server gives a handler that declares them (the form shows them as defaults).
            "defaults": self.default_inputs,
        }

    async def _get_connection(self, _: web.Request) -> web.Response:
        return web.json_response(self._connection_view())

    async def _put_connection(self, request: web.Request) -> web.Response:
        given = await _json_object(request)
        spec = self.manifest().get("connection", {}).get("inputs", {})
        declared = spec.get("properties", {})
        secret = _secret_fields(self.manifest())
        connection: dict[str, Any] = {}
        for name, value in given.items():
            if name not in declared:
                return _input_error([(name, "is not a connection field")])
            if value not in (None, ""):
                connection[name] = value
        # A secret left empty keeps the one already held (the page never has it to send back), but
        # only for the same other fields: a new base URL must not receive the held token.
        held = self._connection or {}
        same_place = all(connection.get(name) == held.get(name) for name in declared if name not in secret)
        for name in secret:
            if name not in connection and held.get(name) and same_place:
                connection[name] = held[name]
        missing = [
            (name, "is required" if same_place or name not in secret else "is required when the other fields change")
            for name in spec.get("required", [])
            if name not in connection
        ]
        if missing:
            return _input_error(missing)
        self._connection, self._emulator_url, self._note, self._source = connection, None, None, "page"
        return web.json_response(self._connection_view())

    async def _delete_connection(self, _: web.Request) -> web.Response:
        """Back to the connection the server started with (the environment's or the emulator)."""
        self._connection, self._emulator_url, self._note = self._initial
        self._source = "emulator" if self._emulator_url else ("environment" if self._connection else None)
        return web.json_response(self._connection_view())

    async def _test_connection(self, request: web.Request) -> web.StreamResponse:
        options = {name: value for name, value in self.default_inputs.items()}
        connection = self._connection

        async def call(debug: bool) -> Any:
            return await self.component.test_connection(connection, debug=debug, **options)

        return await self._run(request, call)


def _secret_fields(manifest: Mapping[str, Any]) -> set[str]:
    return secret_inputs(manifest.get("connection", {}).get("inputs", {}))


def _read_static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _ndjson(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str).encode() + b"\n"


def _error_response(body: Mapping[str, Any], status: int) -> web.Response:
    return web.json_response(dict(body), status=status)


def _input_error(fields: Iterable[tuple[str, str]]) -> web.Response:
    """Bad input the host finds itself (the body, a connection field), answered as the
    component's own `InputError` would be."""
    error = InputError([FieldError(field, reason) for field, reason in fields])
    return _error_response(error_body(error), error_status(error))


async def _json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object (an empty body is `{}`); 422 naming `(body)` otherwise."""
    text = await request.text()
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise _BadBody("is not valid JSON") from None
    if not isinstance(value, dict):
        raise _BadBody("must be a JSON object of inputs")
    return value


class _BadBody(Exception):
    """A request body that is no JSON object of inputs: answered as bad input (422) naming it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------------- serving
@asynccontextmanager
async def running(host: WebHost, bind: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve `host` on `bind:port` (0: a free port) for as long as the block lasts; yields its URL."""
    # handler_cancellation: a page that cancels a call (or goes away) cancels the invocation too.
    runner = web.AppRunner(host.app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, bind, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        actual = sockets[0].getsockname()[1] if sockets else port
        host.allow(bind, actual)
        name = "127.0.0.1" if bind in ("0.0.0.0", "") else ("[::1]" if bind == "::" else bind)
        yield f"http://{_host_value(name, actual)}"
    finally:
        await runner.cleanup()


async def serve(
    component: HostedComponent,
    *,
    bind: str,
    port: int,
    connection: Mapping[str, Any] | None,
    emulator_url: str | None = None,
    note: str | None = None,
    examples_dir: Path | None = None,
    default_inputs: Mapping[str, Any] | None = None,
) -> None:
    """Serve until interrupted, saying where on stderr."""
    host = WebHost(
        component,
        connection=connection,
        emulator_url=emulator_url,
        note=note,
        examples_dir=examples_dir,
        default_inputs=default_inputs,
    )
    async with running(host, bind, port) as url:
        sys.stderr.write(f"configuration screen listening on {url}/ (Ctrl-C to stop)\n")
        await asyncio.Event().wait()
