"""The HTTP face of the emulator: one catch-all aiohttp handler and a precomputed route trie.

Per request, in this order:

1. record the request (``Emulator.requests``);
2. an injected fault, if one matches, takes over (see :mod:`.faults`);
3. ``Authorization: Bearer <token>`` must name an accepted key (401);
4. the route is resolved on the raw path, each segment percent-decoded on its own, so an
   encoded ``/`` stays inside its id (404 for unknown paths and methods);
5. media types: a request body must be JSON or a Segment vendor type (415); ``Accept`` must allow
   a type the operation serves (406): Destination Subscription operations serve only
   ``application/vnd.segment.v1alpha+json`` and ``application/json``;
6. the rate limit of (token, operation) is counted (429);
7. the operation runs against the in-memory :class:`~.state.Workspace`.

Success bodies are ``{"data": ...}`` with the vendor media type the client asked for (``v1``
by default, ``v1alpha`` for subscriptions); errors are ``{"errors": [...]}`` as
``application/json``. Nothing is logged per request.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from . import events
from .errors import ApiError, bad_request, error_item, invalid, not_found
from .faults import Fault, FaultInjector
from .ratelimit import RateLimiter
from .state import FUNCTION_TYPES, Record, Workspace
from .validate import MISSING, Fields

log = logging.getLogger(__name__)

V1 = "application/vnd.segment.v1+json"
V1BETA = "application/vnd.segment.v1beta+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"
JSON = "application/json"
_SERVED = frozenset({V1, JSON, V1BETA, V1ALPHA})
_SERVED_ALPHA = frozenset({V1ALPHA, JSON})
_WILDCARDS = frozenset({"*/*", "application/*"})

DEFAULT_PAGE_COUNT = 200
MAX_PAGE_COUNT = 1000
_DIGITS = re.compile(r"^[0-9]+$")
_ARRAY_KEY = re.compile(r"^([A-Za-z]+)(?:\.([0-9]+)|\[([0-9]*)\])?$")
_SUCCESS = {"data": {"status": "SUCCESS"}}


class Headers(dict[str, str]):
    """A plain dict of request headers whose lookups ignore case (keys kept as received)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(items)
        self._lower = {k.lower(): k for k in self}

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(self._lower.get(key.lower(), key))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._lower

    def get(self, key: str, default: Any = None) -> Any:
        real = self._lower.get(key.lower())
        return default if real is None else super().__getitem__(real)


@dataclass
class RecordedRequest:
    """One request as received.

    ``path`` is percent-decoded (``raw_path`` is not: it shows whether an id's ``/`` was encoded);
    ``query`` is decoded, in order, repeated keys kept; ``json`` is the parsed body, or ``None``
    when there is no body or it is not JSON.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Headers
    body: bytes = b""
    json: Any = None
    raw_path: str = ""


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def cursor_for(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def _cursor_offset(raw: str) -> int:
    try:
        text = base64.b64decode(raw, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("pagination.cursor", f"Invalid pagination cursor '{raw}'") from None
    if not _DIGITS.match(text):
        raise invalid("pagination.cursor", f"Invalid pagination cursor '{raw}'")
    return int(text)


def query_arrays(query: Mapping[str, str] | Any, name: str) -> list[str] | None:
    """An array query parameter in any SDK's encoding.

    ``name.0=a&name.1=b`` (Go), ``name[0]=a``/``name[]=a`` (TypeScript) and ``name=a&name=b``
    (Python) all give ``["a", "b"]``; indexed forms are ordered by index. ``None`` when absent.
    """
    found: list[tuple[int, int, str]] = []
    for pos, (key, value) in enumerate(query.items()):
        if not key.startswith(name):
            continue
        m = _ARRAY_KEY.match(key)
        if m is None or m.group(1) != name:
            continue
        index = m.group(2) if m.group(2) is not None else m.group(3)
        found.append((int(index) if index else pos, pos, value))
    if not found:
        return None
    found.sort()
    return [v for _, _, v in found]


class Call:
    """What a handler sees: path params, the query, the raw body."""

    __slots__ = ("body", "params", "query")

    def __init__(self, params: dict[str, str], query: Any, body: bytes) -> None:
        self.params = params
        self.query = query
        self.body = body

    def json_object(self) -> dict[str, Any]:
        if not self.body.strip():
            raise bad_request("The request body must be a JSON object")
        try:
            value = json.loads(self.body)
        except ValueError as exc:
            raise bad_request(f"The request body is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise bad_request("The request body must be a JSON object")
        return value

    def pagination(self) -> tuple[int, int]:
        """(count, offset) from ``pagination[count]``/``pagination.count`` and the cursor."""
        q = self.query
        count_raw = q.get("pagination[count]")
        if count_raw is None:
            count_raw = q.get("pagination.count")
        cursor_raw = q.get("pagination[cursor]")
        if cursor_raw is None:
            cursor_raw = q.get("pagination.cursor")
        whole = q.get("pagination")
        if whole is not None and count_raw is None and cursor_raw is None:
            # The 73.2.0 Python SDK sends pagination=<JSON>.
            try:
                parsed = json.loads(whole)
            except ValueError:
                raise invalid("pagination", "pagination must be an object") from None
            if not isinstance(parsed, dict):
                raise invalid("pagination", "pagination must be an object")
            if parsed.get("count") is not None:
                count_raw = str(parsed["count"])
            if parsed.get("cursor") is not None:
                cursor_raw = str(parsed["cursor"])
        if count_raw is None:
            count = DEFAULT_PAGE_COUNT
        else:
            count_raw = count_raw.strip()
            if not _DIGITS.match(count_raw) or not 1 <= int(count_raw) <= MAX_PAGE_COUNT:
                raise invalid(
                    "pagination.count",
                    f"pagination.count must be an integer between 1 and {MAX_PAGE_COUNT}, got '{count_raw}'",
                )
            count = int(count_raw)
        offset = _cursor_offset(cursor_raw.strip()) if cursor_raw else 0
        return count, offset

    def page(
        self,
        items: list[Any],
        key: str,
        render: Callable[[Any], Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        count, offset = self.pagination()
        total = len(items)
        chunk = items[offset : offset + count]
        pagination: dict[str, Any] = {"current": cursor_for(offset)}
        if offset + count < total:
            pagination["next"] = cursor_for(offset + count)
        if offset > 0:
            pagination["previous"] = cursor_for(max(0, offset - count))
        pagination["totalEntries"] = total
        data: dict[str, Any] = dict(extra) if extra else {}
        data[key] = [render(x) for x in chunk] if render is not None else chunk
        data["pagination"] = pagination
        return {"data": data}


Handler = Callable[[Call], tuple[int, dict[str, Any]]]


@dataclass(slots=True)
class Route:
    operation_id: str
    handler: Handler
    alpha: bool = False
    has_body: bool = False


@dataclass(slots=True)
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    routes: dict[str, Route] = field(default_factory=dict)


class Router:
    """A trie over path segments; a literal segment wins over a parameter."""

    def __init__(self) -> None:
        self.root = _Node()
        self.templates: list[tuple[str, str, str]] = []

    def add(self, method: str, template: str, route: Route) -> None:
        node = self.root
        for seg in [s for s in template.split("/") if s]:
            if seg.startswith("{"):
                if node.param is None:
                    node.param = (seg[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.literal.setdefault(seg, _Node())
        node.routes[method] = route
        self.templates.append((method, template, route.operation_id))

    def resolve(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]]:
        node: _Node | None = self.root
        params: dict[str, str] = {}
        for seg in raw_path.split("/"):
            if not seg:
                continue
            if "%" in seg:
                seg = unquote(seg)
            assert node is not None
            nxt = node.literal.get(seg)
            if nxt is None and node.param is not None:
                params[node.param[0]] = seg
                nxt = node.param[1]
            node = nxt
            if node is None:
                break
        route = node.routes.get(method) if node is not None else None
        if route is None:
            raise ApiError(404, f"No operation for {method} {unquote(raw_path)}")
        return route, params


def _negotiate_accept(accept: str, alpha: bool) -> str | None:
    served = _SERVED_ALPHA if alpha else _SERVED
    default = V1ALPHA if alpha else V1
    ranked: list[tuple[float, int, str]] = []
    listed = False
    for pos, part in enumerate(accept.split(",")):
        pieces = part.split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        listed = True
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, pos, media))
    if not listed:
        return default
    for _, _, media in sorted(ranked):
        if media in _WILDCARDS:
            return default
        if media in served:
            return media
    return None


class Api:
    """The request dispatcher and every operation, bound to one workspace."""

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
        self._accept_cache: dict[tuple[str, bool], str | None] = {}
        self._closing = asyncio.Event()
        self._register()

    # --------------------------------------------------------------------------- plumbing
    def app(self) -> web.Application:
        application = web.Application(client_max_size=16 * 1024 * 1024)
        application.router.add_route("*", "/{tail:.*}", self.handle)
        return application

    def closing(self) -> None:
        """Wake delayed (fault) requests so a shutdown never waits for them."""
        self._closing.set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        method = request.method
        body = await request.read() if request.body_exists else b""
        path = request.path
        if self.record_requests:
            self.requests.append(
                RecordedRequest(
                    method,
                    path,
                    list(request.query.items()),
                    Headers(request.headers.items()),
                    body,
                    _parse_json(body),
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
        try:
            token = self._authenticate(request)
            route, params = self.router.resolve(method, request.rel_url.raw_path)
            content_type = self._negotiate(request, route, body)
            limit_headers = self.rate_limits.consume(token, route.operation_id, method, path)
            status, payload = route.handler(Call(params, request.query, body))
        except ApiError as exc:
            return self._error(exc, limit_headers)
        except Exception:
            log.exception("emulator: unhandled error for %s %s", method, path)
            return self._error(ApiError(500, "Internal error in the emulator", type_="internal"), limit_headers)
        headers = {"Content-Type": content_type}
        if limit_headers:
            headers.update(limit_headers)
        return web.Response(
            body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
            status=status,
            headers=headers,
        )

    @staticmethod
    def _error(exc: ApiError, extra: dict[str, str] | None) -> web.Response:
        headers = {"Content-Type": JSON}
        if extra:
            headers.update(extra)
        headers.update(exc.headers)
        return web.Response(
            body=json.dumps(exc.envelope(), separators=(",", ":")).encode(), status=exc.status, headers=headers
        )

    def _authenticate(self, request: web.Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or token not in self.api_keys:
            raise ApiError(401, "Unauthorized: missing or invalid token", type_="unauthorized")
        return token

    def _negotiate(self, request: web.Request, route: Route, body: bytes) -> str:
        if route.has_body and body:
            media = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            allowed = _SERVED_ALPHA if route.alpha else _SERVED
            if media not in allowed:
                raise ApiError(
                    415,
                    f"Unsupported Content-Type '{media or '(none)'}' for {route.operation_id}; "
                    f"use one of {', '.join(sorted(allowed))}",
                )
        accept = request.headers.get("Accept")
        if not accept:
            return V1ALPHA if route.alpha else V1
        key = (accept, route.alpha)
        try:
            chosen = self._accept_cache[key]
        except KeyError:
            if len(self._accept_cache) > 1024:
                self._accept_cache.clear()
            chosen = self._accept_cache[key] = _negotiate_accept(accept, route.alpha)
        if chosen is None:
            served = _SERVED_ALPHA if route.alpha else _SERVED
            raise ApiError(
                406,
                f"{route.operation_id} cannot answer with '{accept}'; it serves {', '.join(sorted(served))}",
            )
        return chosen

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
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
                item = error_item(
                    429,
                    "Too many requests",
                    data={"remainingPoints": 0, "msBeforeNext": 1000, "consumedPoints": 0},
                )
                body = json.dumps({"errors": [item]}, separators=(",", ":")).encode()
            elif status >= 400:
                body = json.dumps({"errors": [error_item(status, _reason(status))]}, separators=(",", ":")).encode()
            else:
                body = b'{"data":{}}'
        headers = {"Content-Type": JSON}
        headers.update(fault.headers)
        return web.Response(body=body, status=status, headers=headers)

    # ------------------------------------------------------------------------- the routes
    def _register(self) -> None:
        r = self.router
        table: list[tuple[str, str, str, Handler, bool, bool]] = [
            # (method, path, operationId, handler, alpha, has_body)
            ("GET", "/", "getWorkspace", self.get_workspace, False, False),
            ("GET", "/sources", "listSources", self.list_sources, False, False),
            ("POST", "/sources", "createSource", self.create_source, False, True),
            ("GET", "/sources/{sourceId}", "getSource", self.get_source, False, False),
            ("PATCH", "/sources/{sourceId}", "updateSource", self.update_source, False, True),
            ("DELETE", "/sources/{sourceId}", "deleteSource", self.delete_source, False, False),
            ("GET", "/destinations", "listDestinations", self.list_destinations, False, False),
            ("POST", "/destinations", "createDestination", self.create_destination, False, True),
            ("GET", "/destinations/{destinationId}", "getDestination", self.get_destination, False, False),
            ("PATCH", "/destinations/{destinationId}", "updateDestination", self.update_destination, False, True),
            ("DELETE", "/destinations/{destinationId}", "deleteDestination", self.delete_destination, False, False),
            (
                "GET",
                "/destinations/{destinationId}/subscriptions",
                "listSubscriptionsFromDestination",
                self.list_subscriptions,
                True,
                False,
            ),
            (
                "POST",
                "/destinations/{destinationId}/subscriptions",
                "createDestinationSubscription",
                self.create_subscription,
                True,
                True,
            ),
            (
                "GET",
                "/destinations/{destinationId}/subscriptions/{id}",
                "getSubscriptionFromDestination",
                self.get_subscription,
                True,
                False,
            ),
            (
                "PATCH",
                "/destinations/{destinationId}/subscriptions/{id}",
                "updateSubscriptionForDestination",
                self.update_subscription,
                True,
                True,
            ),
            (
                "DELETE",
                "/destinations/{destinationId}/subscriptions/{id}",
                "removeSubscriptionFromDestination",
                self.delete_subscription,
                True,
                False,
            ),
            ("GET", "/warehouses", "listWarehouses", self.list_warehouses, False, False),
            ("POST", "/warehouses", "createWarehouse", self.create_warehouse, False, True),
            ("GET", "/warehouses/{warehouseId}", "getWarehouse", self.get_warehouse, False, False),
            ("PATCH", "/warehouses/{warehouseId}", "updateWarehouse", self.update_warehouse, False, True),
            ("DELETE", "/warehouses/{warehouseId}", "deleteWarehouse", self.delete_warehouse, False, False),
            (
                "GET",
                "/warehouses/{warehouseId}/connected-sources",
                "listConnectedSourcesFromWarehouse",
                self.list_connected_sources,
                False,
                False,
            ),
            (
                "POST",
                "/warehouses/{warehouseId}/connected-sources/{sourceId}",
                "addConnectionFromSourceToWarehouse",
                self.add_connection,
                False,
                False,
            ),
            (
                "DELETE",
                "/warehouses/{warehouseId}/connected-sources/{sourceId}",
                "removeSourceConnectionFromWarehouse",
                self.remove_connection,
                False,
                False,
            ),
            ("GET", "/functions", "listFunctions", self.list_functions, False, False),
            ("POST", "/functions", "createFunction", self.create_function, False, True),
            ("GET", "/functions/{functionId}", "getFunction", self.get_function, False, False),
            ("PATCH", "/functions/{functionId}", "updateFunction", self.update_function, False, True),
            ("DELETE", "/functions/{functionId}", "deleteFunction", self.delete_function, False, False),
            ("GET", "/transformations", "listTransformations", self.list_transformations, False, False),
            ("POST", "/transformations", "createTransformation", self.create_transformation, False, True),
            (
                "GET",
                "/transformations/{transformationId}",
                "getTransformation",
                self.get_transformation,
                False,
                False,
            ),
            (
                "PATCH",
                "/transformations/{transformationId}",
                "updateTransformation",
                self.update_transformation,
                False,
                True,
            ),
            (
                "DELETE",
                "/transformations/{transformationId}",
                "deleteTransformation",
                self.delete_transformation,
                False,
                False,
            ),
            ("GET", "/users", "listUsers", self.list_users, False, False),
            ("DELETE", "/users", "deleteUsers", self.delete_users, False, False),
            ("GET", "/users/{userId}", "getUser", self.get_user, False, False),
            ("POST", "/invites", "createInvites", self.create_invites, False, True),
            ("GET", "/roles", "listRoles", self.list_roles, False, False),
            ("GET", "/catalog/sources", "getSourcesCatalog", self.list_source_catalog, False, False),
            (
                "GET",
                "/catalog/sources/{sourceMetadataId}",
                "getSourceMetadata",
                self.get_source_metadata,
                False,
                False,
            ),
            ("GET", "/catalog/destinations", "getDestinationsCatalog", self.list_destination_catalog, False, False),
            (
                "GET",
                "/catalog/destinations/{destinationMetadataId}",
                "getDestinationMetadata",
                self.get_destination_metadata,
                False,
                False,
            ),
            ("GET", "/catalog/warehouses", "getWarehousesCatalog", self.list_warehouse_catalog, False, False),
            (
                "GET",
                "/catalog/warehouses/{warehouseMetadataId}",
                "getWarehouseMetadata",
                self.get_warehouse_metadata,
                False,
                False,
            ),
            ("GET", "/events/volume", "getEventsVolumeFromWorkspace", self.get_events_volume, False, False),
        ]
        for method, path, op, handler, alpha, has_body in table:
            r.add(method, path, Route(op, handler, alpha, has_body))

    # -------------------------------------------------------------------------- workspace
    def get_workspace(self, c: Call) -> tuple[int, dict[str, Any]]:
        ws = self.state
        return 200, {"data": {"workspace": {"id": ws.id, "slug": ws.slug, "name": ws.name}}}

    # ---------------------------------------------------------------------------- sources
    def list_sources(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.sources.values()), "sources", self.state.render)

    def get_source(self, c: Call) -> tuple[int, dict[str, Any]]:
        record = self.state.get_source(c.params["sourceId"])
        return 200, {"data": {"source": self.state.render(record), "trackingPlanId": None}}

    def create_source(self, c: Call) -> tuple[int, dict[str, Any]]:
        f = Fields(c.json_object())
        slug = f.str_("slug", required=True)
        enabled = f.bool_("enabled", required=True)
        metadata_id = f.str_("metadataId", required=True)
        name = f.str_("name")
        settings = f.obj("settings", nullable=True)
        disconnect = f.bool_("disconnectAllWarehouses")
        f.check()
        record = self.state.create_source(
            slug=slug,
            enabled=enabled,
            metadata_id=metadata_id,
            name=None if name is MISSING else name,
            settings=settings if isinstance(settings, dict) else None,
            connect_warehouses=disconnect is not True,
        )
        return 201, {"data": {"source": self.state.render(record)}}

    def update_source(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.get_source(c.params["sourceId"])
        f = Fields(c.json_object())
        changes = _given(
            name=f.str_("name"), enabled=f.bool_("enabled"), slug=f.str_("slug"), settings=f.obj("settings")
        )
        f.check()
        record = self.state.update_source(c.params["sourceId"], changes)
        return 200, {"data": {"source": self.state.render(record)}}

    def delete_source(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.delete_source(c.params["sourceId"])
        return 200, _SUCCESS

    # ----------------------------------------------------------------------- destinations
    def list_destinations(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.destinations.values()), "destinations", self.state.render)

    def get_destination(self, c: Call) -> tuple[int, dict[str, Any]]:
        record = self.state.get_destination(c.params["destinationId"])
        return 200, {"data": {"destination": self.state.render(record)}}

    def create_destination(self, c: Call) -> tuple[int, dict[str, Any]]:
        f = Fields(c.json_object())
        source_id = f.str_("sourceId", required=True)
        metadata_id = f.str_("metadataId", required=True)
        settings = f.obj("settings", required=True)
        enabled = f.bool_("enabled")
        name = f.str_("name")
        f.check()
        record = self.state.create_destination(
            source_id=source_id,
            metadata_id=metadata_id,
            settings=settings,
            name=None if name is MISSING else name,
            enabled=False if enabled is MISSING else enabled,
        )
        return 200, {"data": {"destination": self.state.render(record)}}

    def update_destination(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.get_destination(c.params["destinationId"])
        f = Fields(c.json_object())
        name = f.str_("name", nullable=True)
        changes = _given(enabled=f.bool_("enabled"), settings=f.obj("settings"))
        if isinstance(name, str):
            changes["name"] = name
        f.check()
        record = self.state.update_destination(c.params["destinationId"], changes)
        return 200, {"data": {"destination": self.state.render(record)}}

    def delete_destination(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.delete_destination(c.params["destinationId"])
        return 200, _SUCCESS

    # ---------------------------------------------------------------------- subscriptions
    def list_subscriptions(self, c: Call) -> tuple[int, dict[str, Any]]:
        destination_id = c.params["destinationId"]
        self.state.get_destination(destination_id)
        return 200, c.page(self.state.subscriptions_of(destination_id), "subscriptions")

    def get_subscription(self, c: Call) -> tuple[int, dict[str, Any]]:
        record = self.state.get_subscription(c.params["destinationId"], c.params["id"])
        return 200, {"data": {"subscription": record}}

    def create_subscription(self, c: Call) -> tuple[int, dict[str, Any]]:
        destination_id = c.params["destinationId"]
        self.state.get_destination(destination_id)
        f = Fields(c.json_object())
        name = f.str_("name", required=True)
        action_id = f.str_("actionId", required=True)
        trigger = f.str_("trigger", required=True)
        enabled = f.bool_("enabled", required=True)
        settings = f.obj("settings", nullable=True)
        model_id = f.str_("modelId", nullable=True)
        f.check()
        record = self.state.create_subscription(
            destination_id,
            name=name,
            action_id=action_id,
            trigger=trigger,
            enabled=enabled,
            settings=settings if isinstance(settings, dict) else None,
            model_id=model_id if isinstance(model_id, str) else None,
        )
        return 200, {"data": {"destinationSubscription": record}}

    def update_subscription(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.get_subscription(c.params["destinationId"], c.params["id"])
        outer = Fields(c.json_object())
        wrapper = outer.obj("input", required=True)
        outer.check()
        f = outer.child("input", wrapper)
        changes = _given(
            name=f.str_("name"),
            trigger=f.str_("trigger"),
            enabled=f.bool_("enabled"),
            settings=f.obj("settings"),
            reverseETLModelId=f.str_("reverseETLModelId"),
        )
        schedule = f.obj("reverseETLSchedule")
        if isinstance(schedule, dict):
            Fields(schedule, "input.reverseETLSchedule.", f.errors).str_("strategy", required=True)
            changes["reverseETLSchedule"] = schedule
        f.check()
        record = self.state.update_subscription(c.params["destinationId"], c.params["id"], changes)
        return 200, {"data": {"subscription": record}}

    def delete_subscription(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.delete_subscription(c.params["destinationId"], c.params["id"])
        return 200, _SUCCESS

    # ------------------------------------------------------------------------- warehouses
    def list_warehouses(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.warehouses.values()), "warehouses", self.state.render)

    def get_warehouse(self, c: Call) -> tuple[int, dict[str, Any]]:
        record = self.state.get_warehouse(c.params["warehouseId"])
        return 200, {"data": {"warehouse": self.state.render(record)}}

    def create_warehouse(self, c: Call) -> tuple[int, dict[str, Any]]:
        f = Fields(c.json_object())
        metadata_id = f.str_("metadataId", required=True)
        settings = f.obj("settings", required=True)
        name = f.str_("name", nullable=True)
        enabled = f.bool_("enabled")
        disconnect = f.bool_("disconnectAllSources")
        f.check()
        record = self.state.create_warehouse(
            metadata_id=metadata_id,
            settings=settings,
            name=name if isinstance(name, str) else None,
            enabled=True if enabled is MISSING else enabled,
            connect_sources=disconnect is not True,
        )
        return 200, {"data": {"warehouse": self.state.render(record)}}

    def update_warehouse(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.get_warehouse(c.params["warehouseId"])
        f = Fields(c.json_object())
        name = f.str_("name", nullable=True)
        # 73.2.0's UpdateWarehouseV1Input requires settings (32.0.5 did not).
        changes = _given(enabled=f.bool_("enabled"), settings=f.obj("settings", required=True))
        if name is not MISSING:
            changes["name"] = name
        f.check()
        record = self.state.update_warehouse(c.params["warehouseId"], changes)
        return 200, {"data": {"warehouse": self.state.render(record)}}

    def delete_warehouse(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.delete_warehouse(c.params["warehouseId"])
        return 200, _SUCCESS

    def list_connected_sources(self, c: Call) -> tuple[int, dict[str, Any]]:
        sources = self.state.connected_sources(c.params["warehouseId"])
        return 200, c.page(sources, "sources", self.state.render)

    def add_connection(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.connect(c.params["warehouseId"], c.params["sourceId"])
        return 201, {"data": {"status": "CONNECTED"}}

    def remove_connection(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.disconnect(c.params["warehouseId"], c.params["sourceId"])
        return 200, _SUCCESS

    # -------------------------------------------------------------------------- functions
    def list_functions(self, c: Call) -> tuple[int, dict[str, Any]]:
        resource_type = c.query.get("resourceType")
        if resource_type is None or not resource_type.strip():
            raise invalid("resourceType", "resourceType is required")
        if resource_type not in FUNCTION_TYPES:
            raise invalid("resourceType", f"resourceType must be one of {', '.join(FUNCTION_TYPES)}")
        items = [r for r in self.state.functions.values() if r["resourceType"] == resource_type]
        return 200, c.page(items, "functions", _function_item)

    def get_function(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, {"data": {"function": self.state.get_function(c.params["functionId"])}}

    @staticmethod
    def _function_settings(f: Fields) -> Any:
        readers = f.objects("settings")
        if readers is MISSING:
            return MISSING
        out = []
        for s in readers:
            out.append(
                {
                    "name": s.str_("name", required=True),
                    "label": s.str_("label", required=True),
                    "description": s.str_("description", required=True, non_empty=False),
                    "type": s.enum_("type", ("ARRAY", "BOOLEAN", "STRING", "TEXT_MAP"), required=True),
                    "required": s.bool_("required", required=True),
                    "sensitive": s.bool_("sensitive", required=True),
                }
            )
        return out

    def create_function(self, c: Call) -> tuple[int, dict[str, Any]]:
        f = Fields(c.json_object())
        code = f.str_("code", required=True)
        display_name = f.str_("displayName", required=True)
        resource_type = f.enum_("resourceType", FUNCTION_TYPES, required=True)
        settings = self._function_settings(f)
        logo_url = f.str_("logoUrl", non_empty=False)
        description = f.str_("description", non_empty=False)
        f.check()
        record = self.state.create_function(
            resource_type=resource_type,
            code=code,
            display_name=display_name,
            settings=None if settings is MISSING else settings,
            description=None if description is MISSING else description,
            logo_url=None if logo_url is MISSING else logo_url,
        )
        return 200, {"data": {"function": record}}

    def update_function(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.get_function(c.params["functionId"])
        f = Fields(c.json_object())
        changes = _given(
            code=f.str_("code"),
            settings=self._function_settings(f),
            displayName=f.str_("displayName"),
            logoUrl=f.str_("logoUrl", non_empty=False),
            description=f.str_("description", non_empty=False),
        )
        f.check()
        return 200, {"data": {"function": self.state.update_function(c.params["functionId"], changes)}}

    def delete_function(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.delete_function(c.params["functionId"])
        return 200, _SUCCESS

    # -------------------------------------------------------------------- transformations
    def list_transformations(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.transformations.values()), "transformations")

    def get_transformation(self, c: Call) -> tuple[int, dict[str, Any]]:
        record = self.state.get_transformation(c.params["transformationId"])
        return 200, {"data": {"transformation": record}}

    @staticmethod
    def _transformation_fields(f: Fields, create: bool) -> dict[str, Any]:
        fields = _given(
            name=f.str_("name", required=create),
            sourceId=f.str_("sourceId", required=create),
            enabled=f.bool_("enabled", required=create),
            destinationMetadataId=f.str_("destinationMetadataId", nullable=not create),
            newEventName=f.str_("newEventName", nullable=True),
            drop=f.bool_("drop"),
            allowProperties=f.str_list("allowProperties"),
        )
        fql = f.str_("if", required=create)
        if fql is not MISSING:
            fields["if"] = fql
        renames = f.objects("propertyRenames")
        if renames is not MISSING:
            fields["propertyRenames"] = [
                {"oldName": r.str_("oldName", required=True), "newName": r.str_("newName", required=True)}
                for r in renames
            ]
        values = f.objects("propertyValueTransformations")
        if values is not MISSING:
            fields["propertyValueTransformations"] = [
                {
                    "propertyPaths": v.str_list("propertyPaths", required=True, non_empty=True),
                    "propertyValue": v.str_("propertyValue", required=True, non_empty=False),
                }
                for v in values
            ]
        defined = f.objects("fqlDefinedProperties")
        if defined is not MISSING:
            fields["fqlDefinedProperties"] = [
                {"fql": d.str_("fql", required=True), "propertyName": d.str_("propertyName", required=True)}
                for d in defined
            ]
        hashing = f.obj("hashPropertiesConfiguration", nullable=True)
        if isinstance(hashing, dict):
            h = f.child("hashPropertiesConfiguration", hashing)
            config = {
                "algorithm": h.str_("algorithm", required=True),
                "paths": h.str_list("paths", required=True, non_empty=True),
            }
            config.update(_given(key=h.str_("key"), encoding=h.str_("encoding")))
            fields["hashPropertiesConfiguration"] = config
        elif hashing is None:
            fields["hashPropertiesConfiguration"] = None
        return fields

    def create_transformation(self, c: Call) -> tuple[int, dict[str, Any]]:
        f = Fields(c.json_object())
        fields = self._transformation_fields(f, create=True)
        f.check()
        record = self.state.create_transformation(fields)
        return 200, {"data": {"transformation": record}}

    def update_transformation(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.get_transformation(c.params["transformationId"])
        f = Fields(c.json_object())
        fields = self._transformation_fields(f, create=False)
        f.check()
        record = self.state.update_transformation(c.params["transformationId"], fields)
        return 200, {"data": {"transformation": record}}

    def delete_transformation(self, c: Call) -> tuple[int, dict[str, Any]]:
        self.state.delete_transformation(c.params["transformationId"])
        return 200, _SUCCESS

    # ------------------------------------------------------------------------ users & IAM
    def list_users(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.users.values()), "users")

    def get_user(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, {"data": {"user": self.state.get_user(c.params["userId"])}}

    def delete_users(self, c: Call) -> tuple[int, dict[str, Any]]:
        ids = query_arrays(c.query, "userIds")
        if ids is not None:
            ids = [i for i in ids if i.strip()]
        if not ids:
            raise invalid("userIds", "userIds is required (one or more user ids)")
        self.state.delete_users(ids)
        return 200, _SUCCESS

    def list_roles(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.roles.values()), "roles")

    def create_invites(self, c: Call) -> tuple[int, dict[str, Any]]:
        f = Fields(c.json_object())
        invites = f.objects("invites", required=True, non_empty=True)
        parsed: list[tuple[str, list[Record]]] = []
        if invites is not MISSING:
            for inv in invites:
                email = inv.str_("email", required=True)
                if isinstance(email, str) and "@" not in email:
                    inv.fail("email", f"{inv.name('email')} must be an email address")
                permissions: list[Record] = []
                perms = inv.objects("permissions")
                for p in [] if perms is MISSING else perms:
                    role_id = p.str_("roleId", required=True)
                    if isinstance(role_id, str) and role_id not in self.state.roles:
                        p.fail("roleId", f"Role with id '{role_id}' not found")
                    resources = []
                    res = p.objects("resources")
                    for rr in [] if res is MISSING else res:
                        resources.append(
                            {
                                "id": rr.str_("id", required=True),
                                "type": rr.enum_(
                                    "type", ("FUNCTION", "SOURCE", "SPACE", "WAREHOUSE", "WORKSPACE"), required=True
                                ),
                            }
                        )
                    labels = []
                    lab = p.objects("labels")
                    for lr in [] if lab is MISSING else lab:
                        label = {"key": lr.str_("key", required=True), "value": lr.str_("value", required=True)}
                        label.update(_given(description=lr.str_("description", non_empty=False)))
                        labels.append(label)
                    permission: Record = {"roleId": role_id, "resources": resources}
                    if isinstance(role_id, str) and role_id in self.state.roles:
                        permission["roleName"] = self.state.roles[role_id]["name"]
                    if labels:
                        permission["labels"] = labels
                    permissions.append(permission)
                if isinstance(email, str):
                    parsed.append((email, permissions))
        f.check()
        for email, permissions in parsed:
            self.state.invite(email, permissions)
        return 201, {"data": {"emails": [email for email, _ in parsed]}}

    # ---------------------------------------------------------------------------- catalog
    def list_source_catalog(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.source_catalog.values()), "sourcesCatalog")

    def get_source_metadata(self, c: Call) -> tuple[int, dict[str, Any]]:
        entry = self.state.source_catalog.get(c.params["sourceMetadataId"])
        if entry is None:
            raise not_found("Source metadata", c.params["sourceMetadataId"])
        return 200, {"data": {"sourceMetadata": entry}}

    def list_destination_catalog(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.destination_catalog.values()), "destinationsCatalog")

    def get_destination_metadata(self, c: Call) -> tuple[int, dict[str, Any]]:
        entry = self.state.destination_catalog.get(c.params["destinationMetadataId"])
        if entry is None:
            raise not_found("Destination metadata", c.params["destinationMetadataId"])
        return 200, {"data": {"destinationMetadata": entry}}

    def list_warehouse_catalog(self, c: Call) -> tuple[int, dict[str, Any]]:
        return 200, c.page(list(self.state.warehouse_catalog.values()), "warehousesCatalog")

    def get_warehouse_metadata(self, c: Call) -> tuple[int, dict[str, Any]]:
        entry = self.state.warehouse_catalog.get(c.params["warehouseMetadataId"])
        if entry is None:
            raise not_found("Warehouse metadata", c.params["warehouseMetadataId"])
        return 200, {"data": {"warehouseMetadata": entry}}

    # ----------------------------------------------------------------------------- events
    def get_events_volume(self, c: Call) -> tuple[int, dict[str, Any]]:
        q = c.query
        granularity = q.get("granularity")
        if granularity is None or not granularity.strip():
            raise invalid("granularity", "granularity is required")
        if granularity not in events.GRANULARITY_SECONDS:
            raise invalid("granularity", "granularity must be one of DAY, HOUR, MINUTE")
        start = events.parse_time("startTime", q.get("startTime"))
        end = events.parse_time("endTime", q.get("endTime"))
        group_by: list[str] = []
        for raw in query_arrays(q, "groupBy") or []:
            # The spec calls groupBy "a comma-delimited list": accept both shapes.
            group_by.extend(g.strip() for g in raw.split(",") if g.strip())
        for g in group_by:
            if g not in events.GROUP_BY_OPTIONS:
                raise invalid("groupBy", f"groupBy values must be among {', '.join(events.GROUP_BY_OPTIONS)}")
        volume = events.VolumeQuery(
            granularity=granularity,
            start=start,
            end=end,
            group_by=list(dict.fromkeys(group_by)),
            source_ids=query_arrays(q, "sourceId") or [],
            event_names=query_arrays(q, "eventName") or [],
            event_types=query_arrays(q, "eventType") or [],
            app_versions=query_arrays(q, "appVersion") or [],
        )
        volume.check_window()
        echo: dict[str, Any] = {"granularity": granularity, "startTime": q["startTime"], "endTime": q["endTime"]}
        for key, values in (
            ("groupBy", volume.group_by),
            ("sourceId", volume.source_ids),
            ("eventName", volume.event_names),
            ("eventType", volume.event_types),
            ("appVersion", volume.app_versions),
        ):
            if values:
                echo[key] = values
        items = events.groups(self.state, volume)
        return 200, c.page(
            items,
            "result",
            lambda item: events.fill(dict(item), volume),
            extra={"path": "/events/volume", "query": echo},
        )


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not MISSING}


def _function_item(record: Record) -> Record:
    return {
        k: record[k]
        for k in ("id", "resourceType", "createdAt", "createdBy", "displayName", "description", "logoUrl", "catalogId")
        if k in record
    }


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
