"""The Component and its `invoke()`: validate, open the context, run the handler, summarise.

`invoke` is the only way a handler runs, from Python, from the CLI or from a host. Its order is
fixed: every input (and the connection) is validated before anything is opened or sent, so bad
input never costs a request; the handler runs inside a context the component provides (for
Segment: a client bound to the connection and region); the result is wrapped the way hosts
expect (`{"data": ...}` for an action, `{"result": [...]}` for a picklist).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, Concatenate, Generic, TypeVar

from pydantic import BaseModel, SecretStr

from component.framework.debug import HeldSecrets, Trace, secrets, sensitive_values
from component.framework.errors import ComponentError, FieldError, InputError, InternalError
from component.framework.inputs import InputModel
from component.framework.registry import Choice, ComponentInfo, Connection, ConnT, CtxT, Handler, Registry

#: Makes what a handler receives (for Segment: a client bound to connection, region and trace) from
#: the parsed connection, the handler's parsed inputs (None for the connection test) and the trace;
#: keyword options of `invoke` (for Segment: `retry`, `region`) follow.
ContextFactory = Callable[Concatenate[ConnT, InputModel | None, Trace, ...], CtxT]
_CONNECTIONS_KEPT = 32
_INPUTS_KEPT = 256
_KEYABLE = frozenset((str, int, bool, type(None)))
PreparedT = TypeVar("PreparedT")


def _inputs_key(handler: Handler[Any], raw: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """A key under which validated inputs may be reused, or None when they may not. Only flat
    inputs of short text, integers, booleans and nulls are keyed, each with its exact type (so
    `true` and `1` never share a key), and never a handler with secret inputs (they would outlive
    the call in the cache). Validated models are frozen, so sharing one is safe. Names need no
    check of their own: only inputs the model accepted are kept, and it accepts text names only."""
    if len(raw) > 8 or handler.spec.secret_attributes:
        return None
    kinds = tuple(map(type, raw.values()))
    if not _KEYABLE.issuperset(kinds):
        return None
    for value in raw.values():
        if type(value) is str and len(value) > 256:
            return None
    return (handler.key, tuple(raw.items()), kinds)


def _plain_text(inputs: dict[str, Any], connection: dict[str, Any]) -> bool:
    """Whether every value of both is exactly text or null: for such values, equal means equal
    input. Both in one call, and loops rather than all(...): each call, and a generator's frame,
    costs on every call of the hot path."""
    for value in inputs.values():
        if type(value) is not str and value is not None:
            return False
    for value in connection.values():  # noqa: SIM110
        if type(value) is not str and value is not None:
            return False
    return True


def _repeat_of(
    recent: tuple[dict[str, Any], dict[str, Any], PreparedT] | None, inputs: object, connection: object
) -> PreparedT | None:
    """What was prepared for `recent` (a handler's last call, kept by `Component.invoke`) when this
    call repeats it: the same plain dicts of inputs and connection, every value text or null.

    Hosts repeat the same call with the same connection. Comparing with the last call costs two
    dict comparisons, where a key into a dict of calls costs a tuple built and hashed every time.
    Plain dicts only (a mapping of another type may compare as it likes), and every value checked
    to be exactly text or null (an object may claim to equal any text); `recent` holds copies, so
    a caller that changes its dict afterwards changes nothing kept."""
    if (
        recent is not None
        and type(inputs) is dict
        and type(connection) is dict
        and recent[0] == inputs
        and recent[1] == connection
        and _plain_text(inputs, connection)
    ):
        return recent[2]
    return None


def _secret_values(model: InputModel, attributes: tuple[str, ...]) -> list[str]:
    values = []
    for name in attributes:
        value = getattr(model, name)
        values.append(value.get_secret_value() if isinstance(value, SecretStr) else str(value or ""))
    return values


def _container_fields(model: InputModel) -> tuple[str, ...]:
    """The fields of `model`'s class that may hold objects or lists (settings, a raw body): the
    values under sensitive keys inside them (password, sharedSecret, ...) are secrets for the call,
    since the API may echo them back in an error."""
    names = []
    for name, info in type(model).model_fields.items():
        text = repr(info.annotation)
        if any(word in text for word in ("dict", "list", "Mapping", "Sequence", "Any")) or (
            isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
        ):
            names.append(name)
    return tuple(names)


def _scrubbed(exc: BaseException) -> BaseException:
    """`exc` without the chain that led to it and without the frames below `invoke`: a caller (or
    an error tracker walking __context__/__cause__ or printing every frame's locals) must reach
    neither an inner exception (an HTTP library's carries the request's headers) nor a frame that
    holds the token or an answer echoing it. The error itself says what failed and where."""
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = True
    return exc.with_traceback(None)


def _picklist(choices: object, search: str | None) -> list[dict[str, str]]:
    """Tell apart choices that share a label (each gets its key added), filter by `search` (label
    or key, case-insensitive), and sort by label, then key."""
    if not isinstance(choices, Iterable):
        raise TypeError("a picklist handler must return Choices")
    items: list[Choice] = list(choices)
    shared = {label for label, count in Counter(c.label for c in items).items() if count > 1}
    if shared:
        items = [Choice(c.key, f"{c.label} [{c.key}]") if c.label in shared else c for c in items]
    if search:
        needle = search.casefold()
        items = [c for c in items if needle in c.label.casefold() or needle in c.key.casefold()]
    items.sort(key=lambda c: (c.label.casefold(), c.key))
    return [c.as_dict() for c in items]


def _wrapped(handler: Handler[Any], params: InputModel, result: object) -> dict[str, Any]:
    """What hosts get: `{"data": ...}` from an action, `{"result": [choices]}` from a picklist."""
    if handler.kind == "action":
        return {"data": result}
    return {"result": _picklist(result, getattr(params, "search", None))}


class Component(Registry[CtxT], Generic[ConnT, CtxT]):
    """A connector component: its declarations plus `invoke()`. Generic over its connection model
    and the context its handlers receive, so a handler declared with the wrong `ctx` type, or a
    context factory for another connection, is a type error."""

    def __init__(
        self,
        info: ComponentInfo,
        connection: Connection[ConnT, CtxT],
        *,
        make_context: ContextFactory[ConnT, CtxT],
        close: Callable[[], Awaitable[None]],
        input_error: type[InputError] = InputError,
        internal_error: type[InternalError] = InternalError,
    ) -> None:
        super().__init__(input_error)
        self.internal_error = internal_error
        self.info = info
        self.connection = connection
        self._make_context = make_context
        self._close = close
        # Parsed connections by their raw items, each with the secret values a call on it must
        # register (none once the registry has pinned them: see `_connection`).
        self._connections: dict[Hashable, tuple[ConnT, tuple[str, ...]]] = {}
        self._inputs: dict[tuple[Any, ...], InputModel] = {}
        # Per handler key, its last call (see `_repeat_of`): copies of its inputs and connection,
        # then the handler, its parsed inputs and connection. One entry per declared handler.
        self._recent: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[Handler[CtxT], InputModel, ConnT]]] = {}
        self._containers: dict[str, tuple[str, ...]] = {}

    def parse_connection(self, raw: Mapping[str, Any] | None) -> ConnT:
        """The validated connection (InputError naming `connection.<field>` when it is not)."""
        return self._connection(raw)[0]

    def _connection(self, raw: Mapping[str, Any] | None) -> tuple[ConnT, tuple[str, ...]]:
        """The validated connection and the secret values a call on it must register.

        A host passes the same connection on every call: the parsed model of the last few is kept,
        so only a new connection pays for validation. A kept connection's secrets are pinned in
        the redaction registry (they stay in the process with it anyway), so calls on it register
        nothing of their own; a connection that is not kept has its secrets registered per call."""
        # `type(raw) is dict` first: a plain dict, what hosts pass, skips the ABC check.
        if raw is not None and type(raw) is not dict and not isinstance(raw, Mapping):
            raise self.input_error.single("connection", "must be an object (apiKey, subdomain, ...)")
        try:
            # Each value with its exact type: `debug: 1` is not the connection `debug: true` is.
            key: Hashable | None = tuple(sorted((name, type(value), value) for name, value in (raw or {}).items()))
            cached = self._connections.get(key)
        except TypeError:  # an unhashable value or mixed key types: validate it (and refuse it) the long way
            key, cached = None, None
        if cached is not None:
            return cached
        try:
            parsed = self.connection.spec.parse(raw or {}, handler="connection", error_type=self.input_error)
        except InputError as exc:
            raise self.input_error(
                [FieldError(f"connection.{e.field}", e.reason) for e in exc.errors], handler=exc.handler
            ) from None
        values = tuple(_secret_values(parsed, self.connection.spec.secret_attributes))
        if key is None:
            return parsed, values
        entry = (parsed, () if secrets.pin(*values) else values)
        if len(self._connections) >= _CONNECTIONS_KEPT:
            self._connections.clear()
        self._connections[key] = entry
        return entry

    def _parse(
        self, handler: Handler[CtxT], inputs: Mapping[str, Any] | None, connection: Mapping[str, Any] | None
    ) -> tuple[InputModel, ConnT, tuple[str, ...]]:
        if inputs is not None and type(inputs) is not dict and not isinstance(inputs, Mapping):
            raise self.input_error.single("(inputs)", "must be an object of input keys and values", handler=handler.key)
        raw = dict(inputs) if inputs else {}
        # Hosts may pass the connection among the inputs, under the key the manifest names.
        if handler.connection_input in raw:
            embedded = raw.pop(handler.connection_input)
            if connection is None and isinstance(embedded, Mapping):
                connection = embedded
        errors: list[FieldError] = []
        key = _inputs_key(handler, raw)
        params = self._inputs.get(key) if key is not None else None
        if params is None:
            try:
                params = handler.spec.parse(raw, handler=handler.key, error_type=self.input_error)
            except InputError as exc:
                errors.extend(exc.errors)
            else:
                if key is not None:
                    if len(self._inputs) >= _INPUTS_KEPT:
                        self._inputs.clear()
                    self._inputs[key] = params
        try:
            conn, held = self._connection(connection)
        except InputError as exc:
            errors.extend(exc.errors)
        if errors or params is None:
            raise self.input_error(errors, handler=handler.key)
        return params, conn, held

    def _held_secrets(
        self, handler: Handler[CtxT], params: InputModel, connection_secrets: tuple[str, ...]
    ) -> HeldSecrets | None:
        """What a call must register for redaction, or None: the connection's secrets when they
        are not pinned, the call's secret inputs, and every value under a sensitive key (password,
        sharedSecret, ...) inside its objects and lists, since the API may echo them back in an
        error. Handed back wrapped, so no frame's locals show them."""
        containers = self._containers.get(handler.key)
        if containers is None:
            containers = self._containers[handler.key] = _container_fields(params)
        if not (connection_secrets or containers or handler.spec.secret_attributes):
            return None
        values = [*connection_secrets, *_secret_values(params, handler.spec.secret_attributes)]
        for name in containers:
            value = getattr(params, name)
            if value:
                values += sensitive_values(value)
        return HeldSecrets(values) if values else None

    async def invoke(
        self,
        key: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        connection: Mapping[str, Any] | None = None,
        debug: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        """Run one handler. Raises the component's InputError before any I/O on bad input.

        `options` go to the component's context (for Segment: `retry=RetryPolicy(...)`).
        """
        failure: BaseException | None = None
        held: HeldSecrets | None = None
        prepared = _repeat_of(self._recent.get(key) if type(key) is str else None, inputs, connection)
        if prepared is not None:
            handler, params, conn = prepared
        else:
            try:
                handler = self.get(key)
                params, conn, connection_secrets = self._parse(handler, inputs, connection)
            except InputError as exc:
                failure = exc
            else:
                held = self._held_secrets(handler, params, connection_secrets)
                # Kept only for a call with nothing to register (so reusing it registers nothing
                # either) whose inputs are flat and short (what `_inputs_key` keys).
                if (
                    held is None
                    and type(inputs) is dict
                    and type(connection) is dict
                    and _plain_text(inputs, connection)
                    and _inputs_key(handler, inputs) is not None
                ):
                    self._recent[handler.key] = (dict(inputs), dict(connection), (handler, params, conn))
        # The raw inputs and connection (the token among them) leave this frame before anything can
        # fail: error trackers print the locals of every frame of a traceback.
        inputs = connection = prepared = None
        if failure is not None:
            raise _scrubbed(failure)
        if held is not None:
            secrets.add(*held.values)
        trace = Trace(key, debug or params.debug)
        outcome = "failed"
        try:
            # Each object this frame holds while the call waits makes the collector run more often
            # when many calls wait: the context goes straight to the handler (a handler of one step
            # has let go of it by the time its coroutine waits), and the keyword dict (made on every
            # call, empty or not) is let go. Without options the context is made by a plain call.
            if options:
                call = handler.call(self._make_context(conn, params, trace, **options), params)
            else:
                call = handler.call(self._make_context(conn, params, trace), params)
            del options
            result = await call
            # An action's result wrapped here: the common case costs no call.
            wrapped = {"data": result} if handler.kind == "action" else _wrapped(handler, params, result)
            outcome = "ok"
        except ComponentError as exc:
            failure = exc
        except Exception as exc:  # only the component's own errors leave invoke()
            failure = self._unexpected(handler.key, exc, trace.calls)
        finally:
            if trace.debug:  # the summary is logged in debug only: no call otherwise
                trace.finish(outcome)
            if held is not None:
                secrets.discard(*held.values)
        if failure is not None:
            raise _scrubbed(failure)
        return wrapped

    async def invoke_within(self, ctx: CtxT, key: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Run handler `key` inside a running handler's context `ctx` (its connection, region,
        retries, trace and held secrets), for a handler built from others: its inputs are
        validated by its own model, and its result is wrapped as `invoke` wraps it."""
        handler = self.get(key)
        params = handler.spec.parse(dict(inputs), handler=key, error_type=self.input_error)
        return _wrapped(handler, params, await handler.call(ctx, params))

    def _unexpected(self, key: str, exc: Exception, calls: int) -> ComponentError:
        """The typed error for an exception a handler let through. A ValueError before any HTTP
        call means an input the model accepted could not be turned into a request; anything else
        is a bug. Neither quotes the exception's text: it could hold a secret."""
        kind = type(exc).__name__
        if calls == 0 and isinstance(exc, ValueError):
            return self.input_error.single(
                "(inputs)",
                f"could not be turned into a request ({kind}): check for line breaks or "
                "control characters in names, keys and file names",
                handler=key,
            )
        return self.internal_error(
            f"{key} failed unexpectedly ({kind}) after {calls} HTTP call"
            f"{'' if calls == 1 else 's'}; this is a bug in the component"
        )

    async def test_connection(
        self, connection: Mapping[str, Any] | None, *, debug: bool = False, **options: Any
    ) -> object:
        """Run the connection's test (for Segment: GET / and compare the workspace slug)."""
        if self.connection.test is None:
            raise NotImplementedError("this component's connection has no test")
        try:
            conn, connection_secrets = self._connection(connection)
        except InputError as exc:
            failure: BaseException | None = exc
        else:
            failure = None
        connection = None  # the token leaves this frame (see invoke)
        if failure is not None:
            raise _scrubbed(failure)
        held = HeldSecrets(list(connection_secrets))
        secrets.add(*held.values)
        trace = Trace("connection test", debug=debug)
        try:
            return await self.connection.test(self._make_context(conn, None, trace, **options), conn)
        except ComponentError as exc:
            failure = exc
        except Exception as exc:  # only the component's own errors leave the test
            failure = self._unexpected("connection test", exc, trace.calls)
        finally:
            trace.finish("done")
            secrets.discard(*held.values)
        raise _scrubbed(failure)

    async def aclose(self) -> None:
        """Close the pooled network resources of the running event loop."""
        await self._close()

    def manifest(self) -> dict[str, Any]:
        """The whole declaration as data: what `manifest.json` holds."""
        return {
            "component": {
                "key": self.info.key,
                "label": self.info.label,
                "description": self.info.description,
                **self.info.extra,
            },
            "connection": self.connection.describe(),
            "actions": {key: h.describe() for key, h in sorted(self.actions.items())},
            "dataSources": {key: h.describe() for key, h in sorted(self.data_sources.items())},
        }
