"""An MCP server over a component's registry: one tool per handler, safe by default.

A host of the framework, not of any one API: it takes the component (`HostedComponent`) and the
connection as parameters, reads every handler from `component.manifest()` and runs each call
through `component.invoke()`, so validation, retries, error types and secret handling stay where
they are owned. What it adds is what an agent needs:

* **Tools**: one per action and one per picklist, named by the handler's key, titled by its label,
  with its input JSON Schema as `inputSchema` and, for actions with an example payload, a loose
  `outputSchema` of that payload's shape. Picklists are tools rather than resources because an
  agent must be able to *call* them to find the ids other tools take (`x-dataSource` in an input's
  schema names the picklist that fills it); resources are read by the client application, and a
  picklist with inputs (a Destination's subscriptions) would need a URI template per input.
* **Annotations from the HTTP method** the host is given for each action (`methods`): GET is
  read-only and idempotent; POST creates (not idempotent, not destructive); PUT and PATCH overwrite
  what they name (destructive, idempotent); DELETE is destructive and idempotent; an action whose
  method is an input is destructive and not idempotent. Picklists only read. Every tool reaches an
  outside system (`openWorldHint`). `destructiveHint` is set on every tool, since the protocol's
  default is true.
* **Modes**: `read_only` lists only reads. Without `allow_writes`, a write runs as a dry run
  (`invoke(..., dry_run=True)`: the component sends its reads and raises `WouldSend` instead of
  the first request that could change something) and the tool answers with that request (method,
  path, query, body; secrets masked). This seam is the component's own client, so the preview is
  exactly what would be sent, for every handler, with no copy of any request-building logic here.
  A DELETE, in every mode, needs `confirm` repeating the exact id of what it deletes (the last
  required input), or for an action whose method is an input, the path it would delete.
* **Errors** are tool errors (`isError`) carrying `error_body()`: the `InputError` fields and
  reasons, or the API's status, type and message; never a traceback, never a secret.
* **Progress**: when the client gave a progress token, a call reports through the protocol's
  progress notifications: a start, then what the framework's reporter hears while it runs (each
  page of a page walk with its page and item counts, each wait with its reason: a rate limit, a
  retry), then an end. `progress` counts the notifications (it must only grow, and a page walk's
  length is not known in advance), and only the end carries a `total`. With no token the SDK
  sends nothing.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server

from component.framework import progress as reporting
from component.framework.debug import SENSITIVE_KEY, secrets
from component.framework.errors import InputError
from component.framework.fixtures import read_example
from component.framework.hosting import HostedComponent, WouldSend, error_body, secret_inputs, with_defaults

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MASK = "[masked]"

Kind = Literal["action", "dataSource"]
#: Sends one progress notification: the count so far, the total (None while unknown), a message.
Progress = Callable[[float, float | None, str], Awaitable[None]]


@dataclass(frozen=True)
class ToolSpec:
    """One handler as a tool: what it is, how it is called, and what it may change."""

    key: str
    kind: Kind
    method: str | None  # the HTTP method it sends; None when an input decides it
    tool: types.Tool
    confirm_of: str | None = None  # for a declared DELETE: the input `confirm` must repeat
    connection_input: str = ""  # the input under which the runtime would take a connection

    @property
    def reads_only(self) -> bool:
        return self.kind == "dataSource" or self.method in READ_METHODS

    @property
    def takes_confirm(self) -> bool:
        return self.method == "DELETE" or (self.method is None and self.kind == "action")


def tool_annotations(kind: Kind, method: str | None, title: str) -> types.ToolAnnotations:
    """True hints for a handler of this kind sending this method (see the module's docstring)."""
    if kind == "dataSource" or method in READ_METHODS:
        read_only, destructive, idempotent = True, False, True
    elif method == "POST":
        read_only, destructive, idempotent = False, False, False
    elif method in ("PUT", "PATCH", "DELETE"):
        read_only, destructive, idempotent = False, True, True
    else:  # the method is an input: it may delete
        read_only, destructive, idempotent = False, True, False
    return types.ToolAnnotations(
        title=title,
        read_only_hint=read_only,
        destructive_hint=destructive,
        idempotent_hint=idempotent,
        open_world_hint=True,
    )


def shape_schema(value: Any, depth: int = 0) -> dict[str, Any]:
    """A loose JSON Schema of an example's shape: objects by their properties, arrays by their
    first item, and no `type`, `required` or leaf constraint, so any real answer validates (a field
    left out, a null, a text body from a raw request) while the agent learns where the data is.
    (`properties` and `items` apply only to an object and an array.)"""
    if depth >= 6:
        return {}
    if isinstance(value, dict):
        return {"properties": {str(k): shape_schema(v, depth + 1) for k, v in value.items()}}
    if isinstance(value, list) and value:
        return {"items": shape_schema(value[0], depth + 1)}
    return {}


def output_schema(example_payload: Any) -> dict[str, Any] | None:
    if not isinstance(example_payload, dict):
        return None
    schema = shape_schema(example_payload)
    schema["type"] = "object"  # a tool's structured result is always an object
    return schema


PICKLIST_OUTPUT = {
    "type": "object",
    "properties": {
        "result": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "label": {"type": "string"}},
                "required": ["key", "label"],
            },
        }
    },
}


def mask_secrets(value: Any) -> Any:
    """`value` with the values of secret-looking keys masked, at any depth. Settings objects hold
    database passwords and destination API keys that no schema declares secret; the keys are the
    ones the runtime treats as secret inside such objects (`SENSITIVE_KEY`)."""
    if isinstance(value, dict):
        return {
            k: MASK if SENSITIVE_KEY.search(str(k)) and v not in (None, "") else mask_secrets(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    return value


def _same(confirm: Any, value: Any) -> bool:
    """Whether `confirm` repeats `value` exactly: the same text, or the same list of ids (given as
    a list or as the text `a, b` the runtime also accepts for a list)."""

    def ids(item: Any) -> list[str] | None:
        if isinstance(item, list) and all(isinstance(x, str) for x in item):
            return [x.strip() for x in item]
        if isinstance(item, str):
            return [x.strip() for x in re.split(r"[,\n]", item) if x.strip()]
        return None

    if isinstance(confirm, str) and isinstance(value, str):
        return confirm.strip() == value.strip() and bool(value.strip())
    left, right = ids(confirm), ids(value)
    return left is not None and right is not None and bool(right) and left == right


@dataclass
class McpHost:
    """Serves `component` over MCP with one connection; see the module's docstring."""

    component: HostedComponent
    connection: Mapping[str, Any]
    methods: Mapping[str, str | None] = field(default_factory=dict)
    read_only: bool = False
    allow_writes: bool = False
    note: str | None = None
    #: Inputs every call gets unless it names them, where the handler takes them (a region).
    default_inputs: Mapping[str, Any] = field(default_factory=dict)
    #: Where the manifest's `examplePayload` paths lead, for `outputSchema` (None: no output schemas).
    examples_dir: Path | None = None
    specs: dict[str, ToolSpec] = field(init=False)
    _secret_values: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.read_only and self.allow_writes:
            raise ValueError("read_only and allow_writes exclude each other")
        manifest = self.component.manifest()
        self.info: dict[str, Any] = dict(manifest.get("component", {}))
        connection_schema = manifest.get("connection", {}).get("inputs", {})
        self._secret_values = [
            str(self.connection[name]) for name in sorted(secret_inputs(connection_schema)) if self.connection.get(name)
        ]
        self.specs = {}
        sections: tuple[tuple[Kind, str], ...] = (("action", "actions"), ("dataSource", "dataSources"))
        for kind, section in sections:
            for key, described in manifest.get(section, {}).items():
                spec = self._spec(kind, key, described)
                if not (self.read_only and not spec.reads_only):
                    self.specs[key] = spec

    # --- tools ------------------------------------------------------------------------------------

    def _spec(self, kind: Kind, key: str, described: Mapping[str, Any]) -> ToolSpec:
        if kind == "action" and key not in self.methods:
            # An action the host knows nothing about is treated as the riskiest kind.
            method: str | None = None
        else:
            method = "GET" if kind == "dataSource" else self.methods[key]
        schema = copy.deepcopy(dict(described.get("inputs", {"type": "object"})))
        schema.pop("$schema", None)  # MCP schemas are 2020-12 already; some clients refuse the key
        properties = schema.setdefault("properties", {})
        # The host supplies the connection: an agent never sees or sends the token.
        properties.pop(described.get("connectionInput", ""), None)
        description = str(described.get("description", ""))
        confirm_of = None
        if method == "DELETE":
            required = [name for name in schema.get("required", []) if name in properties]
            confirm_of = required[-1] if required else None
            target = properties.get(confirm_of, {}) if confirm_of else {"type": "string"}
            what = f"`{confirm_of}`" if confirm_of else "the path it deletes (as a preview shows it)"
            properties["confirm"] = {
                **{k: v for k, v in target.items() if k in ("type", "items", "minItems", "minLength")},
                "title": "Confirm",
                "description": f"Repeat {what} exactly: a deletion runs only when it matches.",
            }
            schema["required"] = [*schema.get("required", []), "confirm"]
            description += f" Needs `confirm` repeating {what}."
        elif method is None and kind == "action":
            properties["confirm"] = {
                "type": "string",
                "title": "Confirm",
                "description": "For a DELETE only: repeat the path it deletes (as a preview shows it).",
            }
        if not self._reads(kind, method) and not self.allow_writes:
            description += (
                " Preview only: this server runs without --allow-writes, so the tool answers "
                "with the request it would send (method, path, body) and sends nothing."
            )
        label = str(described.get("label", key))
        if kind == "dataSource":
            out: dict[str, Any] | None = PICKLIST_OUTPUT
            description = f"Picklist: {description} Answers [{{key, label}}]; the keys are ids other tools take."
        else:
            example = read_example(self.examples_dir, described.get("examplePayload")) if self.examples_dir else None
            out = output_schema(example)
        tool = types.Tool(
            name=key,
            title=label,
            description=description.strip(),
            input_schema=schema,
            output_schema=out,
            annotations=tool_annotations(kind, method, label),
        )
        return ToolSpec(key, kind, method, tool, confirm_of, str(described.get("connectionInput", "")))

    @staticmethod
    def _reads(kind: Kind, method: str | None) -> bool:
        return kind == "dataSource" or method in READ_METHODS

    def tools(self) -> list[types.Tool]:
        return [spec.tool for spec in self.specs.values()]

    def instructions(self) -> str:
        name = self.info.get("label") or self.info.get("key") or "this component"
        if self.read_only:
            mode = "Read-only mode: only tools that read are offered."
        elif self.allow_writes:
            mode = "Writes are enabled: create, update and delete tools change the workspace."
        else:
            mode = (
                "Preview mode: reads run; create, update and delete tools answer with the request "
                "they would send and send nothing (start with --allow-writes to send them)."
            )
        parts = [
            f"Tools for {name}: one per action and per picklist of the component. Picklist tools "
            "answer [{key, label}]; use them to find the ids other tools take (an input's "
            "x-dataSource names its picklist).",
            mode,
            "A delete needs `confirm` repeating the exact id it deletes.",
        ]
        if self.note:
            parts.append(f"Connection: {self.note}.")
        return " ".join(parts)

    # --- calls ------------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        """The last net under the component's own rule that errors never quote a secret."""
        for secret in self._secret_values:
            text = text.replace(secret, MASK)
        return secrets.redact(text)

    def _scrub_value(self, value: Any) -> Any:
        """`value` (JSON data) with `_scrub` applied to every text in it, keys included."""
        if isinstance(value, str):
            return self._scrub(value)
        if isinstance(value, dict):
            return {self._scrub(str(k)): self._scrub_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._scrub_value(item) for item in value]
        return value

    def _result(self, payload: dict[str, Any], *, error: bool = False) -> types.CallToolResult:
        clean: dict[str, Any] = self._scrub_value(payload)
        text = json.dumps(clean, ensure_ascii=False, default=str)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content=clean,
            is_error=error,
        )

    def _error(self, error: BaseException) -> types.CallToolResult:
        # A bug here or in the SDK is named by its type only (error_body): its text could quote anything.
        return self._result(error_body(error), error=True)

    async def _invoke(self, spec: ToolSpec, inputs: Mapping[str, Any], **options: Any) -> dict[str, Any]:
        return await self.component.invoke(spec.key, inputs, connection=self.connection, **options)

    async def call(
        self, name: str, arguments: Mapping[str, Any] | None, progress: Progress | None = None
    ) -> types.CallToolResult:
        """Run the tool `name`; every failure is a tool error, never an exception."""
        try:
            spec = self.specs.get(name)
            if spec is None:
                reason = (
                    "is a tool that changes something, and this server is read-only"
                    if name in self.methods
                    else "is not a tool of this server"
                )
                raise InputError.single("name", reason)
            if arguments is not None and not isinstance(arguments, Mapping):
                raise InputError.single("(arguments)", "must be an object", handler=name)
            if spec.connection_input and spec.connection_input in (arguments or {}):
                # The runtime would take a connection from the inputs; here the server's is the only one.
                raise InputError.single(
                    spec.connection_input, "is not an input here: the server supplies the connection", handler=name
                )
            inputs = with_defaults(arguments or {}, self.default_inputs, spec.tool.input_schema)
            confirm = inputs.pop("confirm", None) if spec.takes_confirm else None
            if progress is None:
                result = await self._run(spec, inputs, confirm)
            else:
                result = await self._run_reporting(spec, inputs, confirm, progress)
            return self._result(result)
        except Exception as exc:  # every failure is an answer: the session goes on
            return self._error(exc)

    async def _run_reporting(
        self, spec: ToolSpec, inputs: dict[str, Any], confirm: Any, progress: Progress
    ) -> dict[str, Any]:
        """`_run` with the framework's progress reports sent as notifications, in order.

        The framework's reporter is called synchronously inside the component (it cannot await a
        send), so each report goes into an unbounded stream that one task drains in order; the
        end is sent only after every report before it, so `progress` only grows."""
        sent = 0

        async def send(message: str, total: float | None = None) -> None:
            nonlocal sent
            sent += 1
            await progress(sent, total, self._scrub(message))

        reports, queued = anyio.create_memory_object_stream[str](max_buffer_size=math.inf)

        async def forward() -> None:
            async with queued:
                async for message in queued:
                    # A client that stopped listening must not fail the call it asked about.
                    with contextlib.suppress(Exception):
                        await send(message)

        failure: Exception | None = None
        await send(f"{spec.key}: started")
        async with anyio.create_task_group() as group:
            group.start_soon(forward)
            try:
                with reporting.reporting(lambda event: reports.send_nowait(event.message)):
                    result = await self._run(spec, inputs, confirm)
            except Exception as exc:  # kept until the reports before it are sent, then raised as is
                failure = exc
            finally:
                reports.close()
        if failure is not None:
            raise failure
        await send(f"{spec.key}: done", total=sent + 1)
        return result

    async def _run(self, spec: ToolSpec, inputs: dict[str, Any], confirm: Any) -> dict[str, Any]:
        if spec.reads_only:
            return await self._invoke(spec, inputs)
        # A write: a dry run first. It validates the inputs, and tells what would be sent.
        try:
            answer = await self._invoke(spec, inputs, dry_run=True)
        except WouldSend as would:
            planned = would
        else:
            return answer  # it sent only reads (an action whose method is an input, used to read)
        if planned.method == "DELETE":
            self._check_confirm(spec, inputs, confirm, planned)
        if not self.allow_writes:
            return {
                "dryRun": True,
                "wouldSend": mask_secrets(planned.describe()),
                "note": "Nothing was sent: this server runs without --allow-writes.",
            }
        return await self._invoke(spec, inputs)

    def _check_confirm(self, spec: ToolSpec, inputs: Mapping[str, Any], confirm: Any, planned: WouldSend) -> None:
        if spec.confirm_of is not None:
            target, what = inputs.get(spec.confirm_of), f"`{spec.confirm_of}`"
        else:
            target, what = planned.path, f"the path it deletes ({planned.path})"
        if confirm in (None, "", []):
            raise InputError.single("confirm", f"is required for a deletion: repeat {what} exactly", handler=spec.key)
        if not _same(confirm, target):
            raise InputError.single("confirm", f"does not repeat {what}: nothing was deleted", handler=spec.key)

    # --- the server -------------------------------------------------------------------------------

    def server(self) -> Server[Any]:
        async def list_tools(
            ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
        ) -> types.ListToolsResult:
            return types.ListToolsResult(tools=self.tools())

        async def call_tool(
            ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
        ) -> types.CallToolResult:
            async def progress(done: float, total: float | None, message: str) -> None:
                await ctx.session.report_progress(done, total, message)

            # Always given: the SDK sends nothing when the client asked for no progress, and not
            # every transport tells the handler whether it did.
            return await self.call(params.name, params.arguments, progress)

        return Server(
            str(self.info.get("key") or "component"),
            title=str(self.info.get("label") or "") or None,
            description=str(self.info.get("description") or "") or None,
            instructions=self.instructions(),
            on_list_tools=list_tools,
            on_call_tool=call_tool,
        )


async def serve_stdio(host: McpHost) -> None:
    """Serve `host` over this process's stdin and stdout until the client closes them."""
    from mcp.server.stdio import stdio_server

    server = host.server()
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


async def serve_http(host: McpHost, port: int) -> None:
    """Serve `host` over the streamable HTTP transport at http://127.0.0.1:PORT/mcp until stopped.

    Loopback only: the transport has no authentication of its own, and every tool acts with the
    server's token, so it is never offered to other machines. The SDK also refuses requests whose
    Host or Origin is not loopback (DNS rebinding)."""
    import uvicorn

    app = host.server().streamable_http_app(host="127.0.0.1")
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    await uvicorn.Server(config).serve()
