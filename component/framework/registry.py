"""Declarations: a Component with its Connection, Actions and DataSources.

Handlers are declared with the decorators of a `Component`:

    @segment.action("getSource", label="Get Source", description="Returns a Source by its id.",
                    example={"sourceId": "..."})
    def get_source(ctx: SegmentContext, inputs: SourceRef) -> Awaitable[Any]: ...

A handler is any function that takes the context and the parsed inputs and returns an awaitable:
an `async def`, or, for a handler of one step, a plain `def` that hands back that step's
awaitable (the client's coroutine), so no coroutine frame of the handler's own sits on the call
path while it waits. The runtime calls and awaits either inside the same error boundary.

The input model is read from the handler's `inputs` annotation. Nothing is built at declaration
time beyond the record itself: schemas and validators are built on first use.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar, cast

from component.framework.errors import InputError
from component.framework.inputs import InputModel, InputSpec, PicklistInputModel

HandlerKind = Literal["action", "dataSource"]

#: What a handler receives as its first argument (for Segment: a client bound to the connection).
CtxT = TypeVar("CtxT")
#: A component's connection model.
ConnT = TypeVar("ConnT", bound=InputModel)
#: A handler's own input model.
InT = TypeVar("InT", bound=InputModel)
#: A picklist's own input model.
PickT = TypeVar("PickT", bound=PicklistInputModel)
#: What an action returns (the `data` of its result).
R = TypeVar("R")

#: An action: `async def handler(ctx: Context, inputs: Inputs) -> result`, or a plain `def`
#: returning an awaitable of the result.
ActionFunc = Callable[[CtxT, InT], Awaitable[R]]
#: A picklist: `async def handler(ctx: Context, inputs: Inputs) -> Iterable[Choice]`, or a plain
#: `def` returning an awaitable of them.
DataSourceFunc = Callable[[CtxT, PickT], Awaitable[Iterable["Choice"]]]
#: A declared handler as the runtime calls it, with the inputs the runtime parsed with its model.
BoundCall = Callable[[CtxT, InputModel], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a picklist."""

    key: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label}


@dataclass(eq=False)
class Handler(Generic[CtxT]):
    """One declared handler. `call` runs it with inputs parsed by `spec` (so of type `model`)."""

    kind: HandlerKind
    key: str
    label: str
    description: str
    call: BoundCall[CtxT]
    model: type[InputModel]
    example: Mapping[str, Any]
    connection_input: str
    module: str

    @cached_property
    def spec(self) -> InputSpec[InputModel]:
        return InputSpec(self.model)

    @property
    def fixture_path(self) -> str:
        folder = "actions" if self.kind == "action" else "dataSources"
        return f"fixtures/{folder}/{self.key}.json"

    def describe(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "description": self.description,
            "connectionInput": self.connection_input,
            "inputs": self.spec.schema,
            "exampleInput": dict(self.example),
            "examplePayload": self.fixture_path,
        }


@dataclass(eq=False)
class Connection(Generic[ConnT, CtxT]):
    """How a component authenticates: its inputs as a model, and an optional test of them, run
    in the component's context with the parsed connection."""

    key: str
    label: str
    description: str
    model: type[ConnT]
    test: Callable[[CtxT, ConnT], Awaitable[object]] | None = None

    @cached_property
    def spec(self) -> InputSpec[ConnT]:
        return InputSpec(self.model)

    def describe(self) -> dict[str, Any]:
        schema = dict(self.spec.schema)
        schema["properties"] = {k: v for k, v in schema["properties"].items() if k != "debug"}
        return {"key": self.key, "label": self.label, "description": self.description, "inputs": schema}


@dataclass(eq=False)
class ComponentInfo:
    key: str
    label: str
    description: str
    extra: Mapping[str, Any] = field(default_factory=dict)


def _input_model(func: Callable[..., object], base: type[InT]) -> type[InT]:
    """The model of the handler's `inputs` annotation: the runtime parses inputs with it."""
    hints = typing.get_type_hints(func)
    model = hints.get("inputs")
    if not (isinstance(model, type) and issubclass(model, base)):
        raise TypeError(f"{func.__qualname__}: annotate `inputs` with a subclass of {base.__name__}")
    return model


def _bind(func: Callable[[CtxT, InT], Awaitable[object]]) -> BoundCall[CtxT]:
    """`func` as the runtime calls it. The runtime only ever passes what the handler's own spec
    parsed, an instance of the model read from this very annotation; the static types cannot say
    that (the registry holds handlers of many input types), so it is stated here, once."""
    return cast(BoundCall[CtxT], func)  # the handler itself: no wrapper frame on every call


class Registry(Generic[CtxT]):
    """The handlers of one component, by kind and key. Every handler takes the same context type."""

    def __init__(self, input_error: type[InputError]) -> None:
        self.actions: dict[str, Handler[CtxT]] = {}
        self.data_sources: dict[str, Handler[CtxT]] = {}
        self.input_error = input_error

    def _add(self, handler: Handler[CtxT]) -> None:
        if handler.key in self.actions or handler.key in self.data_sources:
            raise ValueError(f"handler key {handler.key!r} is declared twice")
        (self.actions if handler.kind == "action" else self.data_sources)[handler.key] = handler

    def action(
        self,
        key: str,
        *,
        label: str,
        description: str,
        example: Mapping[str, Any],
        connection_input: str = "connectionInput",
    ) -> Callable[[ActionFunc[CtxT, InT, R]], ActionFunc[CtxT, InT, R]]:
        """Declare an action: it returns `{"data": <what the handler returns>}`."""

        def register(func: ActionFunc[CtxT, InT, R]) -> ActionFunc[CtxT, InT, R]:
            self._add(
                Handler(
                    "action",
                    key,
                    label,
                    description,
                    _bind(func),
                    _input_model(func, InputModel),
                    dict(example),
                    connection_input,
                    func.__module__,
                )
            )
            return func

        return register

    def data_source(
        self,
        key: str,
        *,
        label: str,
        description: str,
        example: Mapping[str, Any] | None = None,
        connection_input: str = "connection",
    ) -> Callable[[DataSourceFunc[CtxT, PickT]], DataSourceFunc[CtxT, PickT]]:
        """Declare a picklist: the handler returns Choices; the runtime filters and sorts them."""

        def register(func: DataSourceFunc[CtxT, PickT]) -> DataSourceFunc[CtxT, PickT]:
            self._add(
                Handler(
                    "dataSource",
                    key,
                    label,
                    description,
                    _bind(func),
                    _input_model(func, PicklistInputModel),
                    dict(example or {}),
                    connection_input,
                    func.__module__,
                )
            )
            return func

        return register

    def get(self, key: str) -> Handler[CtxT]:
        handler = self.actions.get(key) or self.data_sources.get(key)
        if handler is None:
            raise self.input_error.single("key", f"there is no action or data source named {key!r}")
        return handler

    def all(self) -> list[Handler[CtxT]]:
        return [*self.actions.values(), *self.data_sources.values()]
