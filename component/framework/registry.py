"""Declarations: a Component with its Connection, Actions and DataSources.

Handlers are declared with the decorators of a `Component`:

    @segment.action("getSource", label="Get Source", description="Returns a Source by its id.",
                    example={"sourceId": "..."})
    async def get_source(ctx: SegmentContext, inputs: SourceRef) -> Any: ...

The input model is read from the handler's `inputs` annotation. Nothing is built at declaration
time beyond the record itself: schemas and validators are built on first use.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from component.framework.errors import InputError
from component.framework.inputs import InputModel, InputSpec, PicklistInputModel

HandlerKind = Literal["action", "dataSource"]
HandlerFunc = Callable[[Any, Any], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a picklist."""

    key: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label}


@dataclass(eq=False)
class Handler:
    kind: HandlerKind
    key: str
    label: str
    description: str
    func: HandlerFunc
    model: type[InputModel]
    example: Mapping[str, Any]
    connection_input: str

    @cached_property
    def spec(self) -> InputSpec:
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
class Connection:
    """How a component authenticates: its inputs as a model, and an optional test of them."""

    key: str
    label: str
    description: str
    model: type[InputModel]
    test: Callable[..., Awaitable[Any]] | None = None

    @cached_property
    def spec(self) -> InputSpec:
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


def _input_model(func: HandlerFunc, base: type[InputModel]) -> type[InputModel]:
    hints = typing.get_type_hints(func)
    model = hints.get("inputs")
    if not (isinstance(model, type) and issubclass(model, base)):
        raise TypeError(f"{func.__qualname__}: annotate `inputs` with a subclass of {base.__name__}")
    return model


class Registry:
    """The handlers of one component, by kind and key."""

    def __init__(self, input_error: type[InputError]) -> None:
        self.actions: dict[str, Handler] = {}
        self.data_sources: dict[str, Handler] = {}
        self.input_error = input_error

    def _declare(
        self,
        kind: HandlerKind,
        key: str,
        label: str,
        description: str,
        example: Mapping[str, Any],
        connection_input: str,
    ) -> Callable[[HandlerFunc], HandlerFunc]:
        table = self.actions if kind == "action" else self.data_sources
        base = InputModel if kind == "action" else PicklistInputModel

        def register(func: HandlerFunc) -> HandlerFunc:
            if key in self.actions or key in self.data_sources:
                raise ValueError(f"handler key {key!r} is declared twice")
            table[key] = Handler(kind, key, label, description, func, _input_model(func, base),
                                 dict(example), connection_input)
            return func

        return register

    def action(
        self, key: str, *, label: str, description: str, example: Mapping[str, Any],
        connection_input: str = "connectionInput",
    ) -> Callable[[HandlerFunc], HandlerFunc]:
        """Declare an action: it returns `{"data": <what the handler returns>}`."""
        return self._declare("action", key, label, description, example, connection_input)

    def data_source(
        self, key: str, *, label: str, description: str, example: Mapping[str, Any] | None = None,
        connection_input: str = "connection",
    ) -> Callable[[HandlerFunc], HandlerFunc]:
        """Declare a picklist: the handler returns Choices; the runtime filters and sorts them."""
        return self._declare("dataSource", key, label, description, example or {}, connection_input)

    def get(self, key: str) -> Handler:
        handler = self.actions.get(key) or self.data_sources.get(key)
        if handler is None:
            raise self.input_error.single("key", f"there is no action or data source named {key!r}")
        return handler

    def all(self) -> list[Handler]:
        return [*self.actions.values(), *self.data_sources.values()]
