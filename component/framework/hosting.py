"""What a host (the CLI, the web configuration screen, the MCP server, workspace sync) needs of a
component, stated once so that a host depends on this and never on Segment.

A component's public face satisfies `HostedComponent`: `component.segment` (the module) does, and so
does any other component that offers the same four calls. Hosts take it as a parameter:

    app = build_app(segment)          # not `from component import segment` inside the host
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from component.framework.errors import ComponentError, InputError, InternalError

if TYPE_CHECKING:
    from component.framework.inputs import InputModel
    from component.framework.runtime import Component


class HostedComponent(Protocol):
    """The calls a host makes: describe every handler, run one, test a connection, clean up."""

    def manifest(self) -> dict[str, Any]:
        """The component's manifest: `actions`, `dataSources` and `connection`, each with inputs."""
        ...

    async def invoke(
        self,
        key: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        connection: Mapping[str, Any] | None = None,
        debug: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        """Run one action (`{"data": ...}`) or picklist (`{"result": [{"key", "label"}, ...]}`)."""
        ...

    async def test_connection(
        self, connection: Mapping[str, Any] | None, *, debug: bool = False, **options: Any
    ) -> Any:
        """Check that the connection works; raises the component's typed errors when it does not."""
        ...

    async def aclose(self) -> None:
        """Release what the component pooled for the running event loop (HTTP sessions)."""
        ...


if TYPE_CHECKING:

    def _every_component_is_hostable(component: Component[InputModel, object]) -> HostedComponent:
        return component  # mypy proves that a Component offers the calls a host makes


def error_status(error: BaseException) -> int:
    """The HTTP status a host answers for a component's error: 422 for bad input, the upstream
    API's own status when the error carries one (`status`), 500 for a bug (`InternalError` or an
    exception that is no component error), 502 for any other component error (no answer from
    upstream)."""
    if isinstance(error, InputError):
        return 422
    status = getattr(error, "status", None)
    if isinstance(status, int) and 400 <= status <= 599:
        return status
    if isinstance(error, InternalError) or not isinstance(error, ComponentError):
        return 500
    return 502


def error_body(error: BaseException) -> dict[str, Any]:
    """A component error as JSON a host can send: its class, its message, and for bad input every
    field with its reason. The message is the error's own `str()`, which never quotes a secret.
    An exception that is no component error (a bug in a host or a library) is named by its type
    only: its text could quote anything."""
    if not isinstance(error, ComponentError):
        return {"error": "InternalError", "message": f"the call failed unexpectedly ({type(error).__name__})"}
    body: dict[str, Any] = {"error": type(error).__name__, "message": str(error)}
    if isinstance(error, InputError):
        body["fields"] = [{"field": e.field, "reason": e.reason} for e in error.errors]
    for attribute in ("status", "type", "field", "request_id"):
        value = getattr(error, attribute, None)
        if value is not None and not isinstance(error, InputError):
            body[attribute] = value
    return body


def with_defaults(inputs: Mapping[str, Any], defaults: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """`inputs` completed with the host's `defaults` (the environment's region, say): each one the
    handler declares in its input schema `schema` and the caller left out or empty."""
    declared = schema.get("properties", {})
    completed = dict(inputs)
    for name, value in defaults.items():
        if name in declared and completed.get(name) in (None, ""):
            completed[name] = value
    return completed


def secret_inputs(schema: Mapping[str, Any]) -> set[str]:
    """The inputs of an input JSON Schema (a handler's or the connection's) that hold secrets: a
    host never shows, returns or logs their values."""
    properties = schema.get("properties", {})
    return {
        name
        for name, prop in properties.items()
        if isinstance(prop, Mapping)
        and (prop.get("x-secret") or prop.get("writeOnly") or prop.get("format") == "password")
    }


class WouldSend(ComponentError):
    """What a dry run stops at: a host that must not change anything passes `dry_run=True` to
    `invoke()`, and a component that supports it sends its reads (they change nothing) but raises
    this instead of sending the first request that could change something. It describes that
    request as the component would send it, without headers; values of the invocation's secrets
    are already masked."""

    def __init__(self, method: str, path: str, query: list[tuple[str, str]], body: Any) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        super().__init__(f"dry run: would send {method} {path}")

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": [list(pair) for pair in self.query],
            "body": self.body,
        }
