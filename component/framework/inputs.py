"""Handler inputs: pydantic models in, JSON Schema out, and the validation hosts rely on.

A handler declares its inputs as a pydantic model whose fields are made with `Input(...)`. From
that model this module derives, once per handler and on first use:

* the JSON Schema (draft 2020-12) that a host renders as a form: labels (`title`), help texts,
  defaults, examples, labelled choices (`oneOf` of `const`/`title`), `x-dataSource` for inputs a
  picklist can fill, and `writeOnly`/`x-secret` for secrets;
* a compiled jsonschema validator for that schema, so what is enforced is what is published;
* the lax reading of form values (`InputSpec.coerce`): form-based hosts send every value as text,
  so "50" is read as 50, "true" as true and JSON text as an object or a list; an empty string or
  null counts as "not given".

Errors are worded here, once: every bad field is named with a reason, and no reason ever quotes
the value (it may be a secret).
"""

from __future__ import annotations

import json
import math
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, create_model
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticUndefined, core_schema

from component.framework.errors import FieldError, InputError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def Input(
    label: str,
    description: str,
    *,
    default: Any = PydanticUndefined,
    example: Any = None,
    alias: str | None = None,
    data_source: str | None = None,
    depends_on: Iterable[str] = (),
    secret: bool = False,
    choices: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    wire: str | None = None,
    **constraints: Any,
) -> Any:
    """Declare one handler input.

    `label` and `description` are what a host shows; `example` feeds the docs and the example
    payload; `data_source` names the picklist that fills it (with `depends_on` the inputs that
    picklist needs); `secret` hides it in forms and logs; `choices` maps each allowed value to its
    label; `aliases` maps extra accepted spellings to an allowed value; `wire` is the name the
    value is sent under when it differs from the input key (`InputModel.given` uses it).
    """
    extra: dict[str, Any] = {}
    if data_source:
        extra["x-dataSource"] = data_source
        if depends_on:
            extra["x-dataSourceDependsOn"] = list(depends_on)
    if secret:
        extra["writeOnly"] = True
        extra["x-secret"] = True
    if choices:
        extra["x-choices"] = dict(choices)
    if aliases:
        extra["x-aliases"] = dict(aliases)
    return Field(
        default,
        alias=alias,
        serialization_alias=wire,
        title=label,
        description=description,
        examples=[example] if example is not None else None,
        json_schema_extra=extra or None,
        **constraints,
    )


class InputModel(BaseModel):
    """Base of every handler's inputs. Every handler also accepts `debug`."""

    # Input keys are camelCase (sourceId); Python attributes snake_case (source_id).
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, defer_build=True, alias_generator=to_camel
    )

    debug: bool = Input(
        "Debug",
        "Log each HTTP call and a closing summary (timings, calls, retries, memory) on the "
        "`component` logger. Secrets are never logged.",
        default=False,
    )

    def given(self, *names: str) -> dict[str, Any]:
        """The named inputs that were given, as a request body holds them: under their wire name
        (the input key unless the input says otherwise), nested models as plain objects under
        their own keys, and nothing for an input left empty. What a create or a partial update
        sends; no handler builds a body by hand."""
        fields = type(self).model_fields
        out: dict[str, Any] = {}
        for name in names:
            value = getattr(self, name)
            if value is not None:
                info = fields[name]
                out[info.serialization_alias or info.alias or name] = _wire(value)
        return out


def _wire(value: Any) -> Any:
    """A value as JSON data: models by their keys with empty fields left out, secrets revealed
    (a body is the one place a secret input goes)."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, list | tuple):
        return [_wire(item) for item in value]
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value


ModelT = TypeVar("ModelT", bound=InputModel)
BaseT = TypeVar("BaseT", bound=InputModel)


def _is_list(annotation: Any) -> bool:
    return any(typing.get_origin(option) is list for option in (annotation, *typing.get_args(annotation)))


def updating(
    create: type[InputModel],
    *,
    keep: Mapping[str, str] | None = None,
    help: Mapping[str, str] | None = None,
    fields: Mapping[str, Any] | None = None,
    exclude: Iterable[str] = (),
) -> Callable[[type[BaseT]], type[BaseT]]:
    """Derive an update model from a create model: decorate the update model's class (which
    declares what identifies the record, such as its id) and it gains every input of `create`
    (its own base's inputs and `exclude` aside), each optional, so that only what is given is sent.

    Each derived input keeps its label, example, constraints and picklist. Its help is `help[name]`
    when given, else the create help followed by "Leave empty to keep the current <keep[name]>."
    (and, for a list, that the list given replaces the current one). `fields[name]` replaces an
    input's whole declaration (an `Input(...)` with `default=None`).
    """
    keep, help, fields = keep or {}, help or {}, fields or {}

    def derive(cls: type[BaseT]) -> type[BaseT]:
        skip = set(cls.model_fields) | set(exclude)
        derived: dict[str, Any] = {}
        for name, info in create.model_fields.items():
            if name in skip:
                continue
            annotation = info.annotation if info.annotation is not None else Any
            if name in fields:
                derived[name] = (annotation | None, fields[name])
                continue
            text = help.get(name)
            if text is None:
                replaces = " It replaces the current list; [] clears it." if _is_list(annotation) else ""
                text = f"{info.description or ''}{replaces} Leave empty to keep the current {keep.get(name, 'value')}."
            optional = FieldInfo.merge_field_infos(info, default=None, description=text)
            derived[name] = (annotation | None, optional)
        model = create_model(cls.__name__, __base__=cls, __module__=cls.__module__, __doc__=cls.__doc__, **derived)
        model.__qualname__ = cls.__qualname__
        return model

    return derive


class PicklistInputModel(InputModel):
    """Base of every picklist's inputs: an optional filter on the choices."""

    search: str | None = Input(
        "Search",
        "Only return choices whose label or key contains this text (case-insensitive).",
        default=None,
    )


class _InputSchemaGenerator(GenerateJsonSchema):
    """Pydantic's generator, adjusted to what form hosts expect.

    An optional input is "absent or of its type", never null, so `X | None` is published as X; a
    field with `x-choices` becomes a labelled `oneOf` of consts.
    """

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", 0) is None:
            del json_schema["default"]
        return json_schema

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _finish_property(prop: dict[str, Any]) -> None:
    choices = prop.pop("x-choices", None)
    if choices:
        prop.pop("enum", None)
        prop["oneOf"] = [{"const": value, "title": label} for value, label in choices.items()]


def build_schema(model: type[InputModel]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, schema_generator=_InputSchemaGenerator)
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        _finish_property(prop)
    schema["additionalProperties"] = False
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


# ASCII digits only: `\d` (and int()) would read Arabic-Indic or full-width digits as numbers.
_INTEGER = re.compile(r"^[+-]?[0-9]{1,19}$")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _schema_types(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> frozenset[str]:
    """The JSON types a property allows, following `$ref`s into `$defs` (a nested model)."""
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _schema_types(defs.get(ref.removeprefix("#/$defs/"), {}), defs)
    kind = prop.get("type")
    if isinstance(kind, str):
        return frozenset({kind})
    if isinstance(kind, list):
        return frozenset(kind)
    types: frozenset[str] = frozenset()
    for option in (*prop.get("anyOf", ()), *prop.get("oneOf", ())):
        types |= _schema_types(option, defs)
    if not types and "const" in prop:
        return frozenset({"string"} if isinstance(prop["const"], str) else ())
    return types


def _coerce_value(value: Any, types: frozenset[str], aliases: Mapping[str, str] | None) -> Any:
    """Read one form value as its declared type; leave it as is when it cannot be read."""
    if aliases and isinstance(value, str):
        value = aliases.get(value.strip().lower(), value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if "integer" in types and _INTEGER.match(text):
        return int(text)
    if "number" in types and text.isascii():
        try:
            return float(text)
        except ValueError:
            pass
    if "boolean" in types and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if types & {"object", "array"} and text[:1] in "{[":
        try:
            return json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's stack
            return value
    if "array" in types and "string" not in types:
        # A list of plain words typed into a text box: "a, b" or one per line.
        return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]
    return value


#: Limits on what one input may hold, whatever its schema says: beyond them a value is refused as
#: input instead of failing later (a recursion error while encoding, a request line no server reads).
MAX_DEPTH = 32
"""Levels of objects and lists inside one input."""
MAX_TEXT = 1_048_576
"""Characters in one string (or object key) of an input."""
MAX_INTEGER = 2**63
"""Integers beyond this (either sign) are refused: no API field holds them, and beyond 4,300 digits
Python refuses to even encode them."""


def json_problem(value: Any) -> tuple[tuple[Any, ...], str] | None:
    """Where and why `value` is not plain JSON data within the limits, or None when it is.

    Hosts send JSON; a Python caller can pass anything (a set, bytes, an object, NaN, a structure
    nested 10,000 deep). Those would otherwise escape later as TypeError, ValueError or
    RecursionError while the request body is encoded. The walk is iterative, so depth costs no stack.
    """
    stack: list[tuple[tuple[Any, ...], Any, int]] = [((), value, 0)]
    while stack:
        where, item, depth = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            if len(item) > MAX_TEXT:
                return where, f"must be at most {MAX_TEXT} characters long"
        elif isinstance(item, int):
            if not -MAX_INTEGER <= item <= MAX_INTEGER:
                return where, "is too large a number"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return where, "must be a finite number"
        elif isinstance(item, Mapping | list | tuple):
            if depth >= MAX_DEPTH:
                return where, f"must not be nested more than {MAX_DEPTH} levels deep"
            if isinstance(item, Mapping):
                for key, child in item.items():
                    if not isinstance(key, str):
                        return where, "must have text keys only"
                    if len(key) > MAX_TEXT:
                        return where, f"must have keys of at most {MAX_TEXT} characters"
                    stack.append(((*where, key), child, depth + 1))
            else:
                stack.extend(((*where, index), child, depth + 1) for index, child in enumerate(item))
        else:
            return where, "must be JSON data (text, numbers, true/false, lists and objects)"
    return None


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object (JSON text is accepted)",
    "array": "a list (JSON text is accepted)",
    "null": "empty",
}


def _reason(error: Any) -> str:
    """Word a jsonschema error without quoting the value."""
    keyword, expected = error.validator, error.validator_value
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        return "must be " + " or ".join(_TYPE_WORDS.get(kind, kind) for kind in kinds)
    if keyword in ("enum", "const", "oneOf") and isinstance(error.schema, Mapping):
        allowed = error.schema.get("enum") or [
            option.get("const") for option in error.schema.get("oneOf", ()) if isinstance(option, Mapping)
        ]
        if allowed:
            aliases = error.schema.get("x-aliases")
            also = f" (or {', '.join(aliases)})" if isinstance(aliases, Mapping) and aliases else ""
            return "must be one of: " + ", ".join(str(value) for value in allowed) + also
        return "is not an allowed value"
    simple = {
        "minimum": f"must be at least {expected}",
        "maximum": f"must be at most {expected}",
        "exclusiveMinimum": f"must be greater than {expected}",
        "exclusiveMaximum": f"must be less than {expected}",
        "minLength": "must not be empty" if expected == 1 else f"must be at least {expected} characters long",
        "maxLength": f"must be at most {expected} characters long",
        "minItems": f"must have at least {expected} item{'s' if expected != 1 else ''}",
        "maxItems": f"must have at most {expected} items",
        "pattern": "has an invalid format",
        "format": f"must be a valid {expected}",
        "uniqueItems": "must not repeat items",
    }
    return simple.get(keyword, f"is invalid ({keyword})")


def _json_path(parts: Iterable[Any]) -> str:
    return ".".join(str(part) for part in parts)


class InputSpec(Generic[ModelT]):
    """Everything derived from one input model, each built once on first use."""

    def __init__(self, model: type[ModelT]) -> None:
        self.model = model

    @cached_property
    def schema(self) -> dict[str, Any]:
        return build_schema(self.model)

    @cached_property
    def _properties(self) -> dict[str, dict[str, Any]]:
        return dict(self.schema.get("properties", {}))

    @cached_property
    def _readers(self) -> dict[str, tuple[frozenset[str], Mapping[str, str] | None]]:
        """Per input key: the JSON types it allows and its accepted aliases, for `coerce`."""
        defs = self.schema.get("$defs", {})
        return {key: (_schema_types(prop, defs), prop.get("x-aliases")) for key, prop in self._properties.items()}

    @cached_property
    def _required(self) -> frozenset[str]:
        return frozenset(self.schema.get("required", ()))

    @cached_property
    def secret_attributes(self) -> tuple[str, ...]:
        """The model's attribute names of the secret inputs (what the runtime must keep out of logs)."""
        return tuple(name for name, info in self.model.model_fields.items() if (info.alias or name) in self.secret_keys)

    @cached_property
    def secret_keys(self) -> frozenset[str]:
        return frozenset(key for key, prop in self._properties.items() if prop.get("x-secret"))

    @cached_property
    def _validator(self) -> Validator:
        # jsonschema costs ~80 ms to import: only pay it when a handler is first invoked.
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema)

    def coerce(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Apply the lax rules of form hosts; "" and null mean "not given"."""
        out: dict[str, Any] = {}
        readers = self._readers
        for key, value in raw.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            reader = readers.get(key)
            out[key] = _coerce_value(value, *reader) if reader is not None else value
        return out

    def _booleans_for_numbers(self, values: Mapping[str, Any]) -> dict[str, FieldError]:
        """true/false given for a number input: pydantic would read it as 1 or 0."""
        errors: dict[str, FieldError] = {}
        readers = self._readers
        for key, value in values.items():
            reader = readers.get(key) if isinstance(value, bool) else None
            if reader is not None and reader[0] & {"integer", "number"} and "boolean" not in reader[0]:
                kind = "an integer" if "integer" in reader[0] else "a number"
                errors[key] = FieldError(key, f"must be {kind}, not true or false")
        return errors

    def field_errors(self, values: Mapping[str, Any]) -> list[FieldError]:
        errors: list[FieldError] = []
        for error in self._validator.iter_errors(values):
            instance: Any = error.instance
            schema: Any = error.schema
            expected: Any = error.validator_value
            if error.validator == "required":
                missing = [name for name in expected if name not in instance]
                prefix = _json_path(error.absolute_path)
                errors.extend(FieldError(f"{prefix}.{name}" if prefix else name, "is required") for name in missing)
            elif error.validator == "additionalProperties":
                allowed = set(schema.get("properties", {}))
                prefix = _json_path(error.absolute_path)
                errors.extend(
                    FieldError(f"{prefix}.{name}" if prefix else name, "is not an input of this handler")
                    for name in instance
                    if name not in allowed
                )
            else:
                errors.append(FieldError(_json_path(error.absolute_path) or "(inputs)", _reason(error)))
        # One line per field and reason, in a stable order.
        unique = {(error.field, error.reason): error for error in errors}
        return sorted(unique.values(), key=lambda error: error.field)

    def parse(self, raw: Mapping[str, Any], *, handler: str, error_type: type[InputError]) -> ModelT:
        """Coerce, validate and build the model, or raise `error_type` naming every bad field.

        The compiled pydantic model is the fast path (a few microseconds). Only when it refuses
        does the jsonschema validator of the published schema run, to word every problem in the
        schema's terms; the model's own validators (path safety, cross-field rules) add theirs.
        """
        values = self.coerce(raw)
        not_json = _not_json(values)
        not_json.update(self._booleans_for_numbers(values))
        if not_json:
            # Name the other bad fields too; the refused values are left out of that check.
            clean = {key: value for key, value in values.items() if key not in not_json}
            others = [error for error in self.field_errors(clean) if error.field not in not_json]
            raise error_type(sorted([*not_json.values(), *others], key=lambda e: e.field), handler=handler)
        try:
            return self.model.model_validate(values)
        except ValidationError as exc:
            model_errors = exc.errors(include_url=False, include_input=False)
        errors = self.field_errors(values)
        named = {error.field for error in errors}
        custom = [e for e in _pydantic_errors(model_errors, only_custom=True) if e.field not in named]
        errors += custom
        if not errors:  # refused for a reason the schema cannot express: say it in pydantic's words
            errors = _pydantic_errors(model_errors, only_custom=False)
        raise error_type(errors, handler=handler)


def _not_json(values: Mapping[Any, Any]) -> dict[Any, FieldError]:
    """By input key, the error of each input that is not plain JSON data within the limits."""
    errors: dict[Any, FieldError] = {}
    for key, value in values.items():
        if not isinstance(key, str):
            errors[key] = FieldError(f"({type(key).__name__} key)", "is not an input of this handler: keys are text")
            continue
        problem = json_problem(value)
        if problem is not None:
            where, reason = problem
            errors[key] = FieldError(_json_path((key, *where)), reason)
    return errors


def _pydantic_errors(errors: Iterable[Any], *, only_custom: bool) -> list[FieldError]:
    """Field errors from pydantic's; a custom validator's message is ours and never quotes values."""
    out = []
    for error in errors:
        if only_custom and error.get("type") not in ("value_error", "assertion_error"):
            continue
        message = str(error.get("msg", "is invalid"))
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        out.append(FieldError(_json_path(error.get("loc", ())) or "(inputs)", message))
    return out
