"""Hypothesis strategies built from each handler's own published input schema (draft 2020-12).

hypothesis-jsonschema 0.23 (its latest release) does not run on the hypothesis this project pins
(it calls a private API that hypothesis 6.1xx removed), so the schema is walked here: `$ref` into
`$defs`, `const`, `enum`, labelled `oneOf` choices (with their `x-aliases`), `anyOf`, the six JSON
types with `minLength`/`maxLength`/`pattern`, `minimum`/`maximum`, `minItems`/`maxItems`, required
and optional properties and `additionalProperties`. Strings are drawn from hostile material (path
separators, dot segments, percent signs, control characters, look-alike unicode) as well as from
hypothesis' own text, so a "valid" input is valid by the schema and still as nasty as it may be.

`invalid_inputs` takes a valid input and breaks it in one named way; the test then checks that the
InputError names the broken field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from component.framework.inputs import MAX_DEPTH, MAX_TEXT
from component.framework.registry import Handler
from component.segment.urls import MAX_SEGMENT, check_segment

#: Text that has broken URL builders before: separators, dot segments, encodings, controls, look-alikes.
HOSTILE_TEXT = [
    "..",
    ".",
    "a/b",
    "../x",
    "/../../x",
    "%2e%2e",
    "%2E%2E%2F",
    "a%2Fb",
    "a?b=c",
    "a#b",
    "100%",
    "%",
    " ",
    " a ",
    "a b",
    "é",
    "\u202egnp.exe",
    "\uff0f",
    "\u2025",
    "\x00",
    "a\r\nHost: evil.example",
    "\t",
    "\\..\\x",
    "//evil.example",
    "http://evil.example/",
    "@evil.example",
    "a;b",
    "..;",
    "~",
    "{x}",
    "$(id)",
    "' OR 1=1 --",
    "<script>",
    "\U0001f600",
    "\ud7ff",
    "null",
    "true",
    "0",
]


def text(min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    top = max_size if max_size is not None else 24
    hostile = [t for t in HOSTILE_TEXT if min_size <= len(t) <= top]
    plain = st.text(min_size=min_size, max_size=max(min_size, min(top, 24)))
    return st.one_of(plain, st.sampled_from(hostile)) if hostile else plain


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        text(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text(), inner, max_size=3)),
        max_leaves=max_leaves,
    )


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def types_of(schema: Mapping[str, Any], root: Mapping[str, Any]) -> set[str]:
    """The JSON types a (sub)schema allows."""
    if "$ref" in schema:
        return types_of(_resolve(root, schema["$ref"]), root)
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return set(kind)
    found: set[str] = set()
    for option in (*schema.get("anyOf", ()), *schema.get("oneOf", ())):
        found |= types_of(option, root)
    for value in (schema.get("const"), *schema.get("enum", ())):
        if isinstance(value, str):
            found.add("string")
    return found


def for_schema(schema: Mapping[str, Any], root: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values the (sub)schema accepts."""
    if "$ref" in schema:
        return for_schema(_resolve(root, schema["$ref"]), root)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "oneOf" in schema:
        options = schema["oneOf"]
        if all("const" in option for option in options):
            values = [option["const"] for option in options]
            aliases = list(schema.get("x-aliases", {}))
            return st.sampled_from(values + aliases)
        return st.one_of([for_schema(option, root) for option in options])
    if "anyOf" in schema:
        return st.one_of([for_schema(option, root) for option in schema["anyOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([for_schema({**schema, "type": k}, root) for k in kind])
    if kind == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if "pattern" in schema:
            pattern = st.from_regex(schema["pattern"], fullmatch=True)
            return pattern.filter(lambda s: low <= len(s) <= (high if high is not None else len(s)))
        return text(low, high)
    if kind == "integer":
        return st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        low = schema.get("minItems", 0)
        items = for_schema(schema.get("items", {}), root) if schema.get("items") else json_values(3)
        return st.lists(items, min_size=low, max_size=schema.get("maxItems", low + 3))
    if kind == "object":
        return _object(schema, root)
    return json_values()


def _object(schema: Mapping[str, Any], root: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fixed = {key: for_schema(prop, root) for key, prop in properties.items() if key in required}
    optional = {key: for_schema(prop, root) for key, prop in properties.items() if key not in required}
    extra = schema.get("additionalProperties", True)
    if extra is False:
        more: st.SearchStrategy[dict[str, Any]] = st.just({})
    else:
        values = json_values(4) if extra is True else for_schema(extra, root)
        more = st.dictionaries(text().filter(lambda k: k not in properties), values, max_size=3)
    return st.tuples(st.fixed_dictionaries(fixed, optional=optional), more).map(lambda t: {**t[1], **t[0]})


def _as_form_text(value: Any, types: set[str]) -> st.SearchStrategy[Any]:
    """The same value as a form host sends it: text. The runtime must read it back as its type."""
    forms: list[Any] = [value]
    if isinstance(value, bool) and "boolean" in types and "string" not in types:
        forms += ["true" if value else "false", "yes" if value else "no", " TRUE " if value else "Off"]
    elif isinstance(value, int) and not isinstance(value, bool) and "integer" in types and "string" not in types:
        forms.append(str(value))
    elif isinstance(value, dict | list) and types & {"object", "array"} and value:
        forms.append(json.dumps(value))
    return st.sampled_from(forms)


#: Inputs every handler has that change only logging: left out so that examples stay fast.
SKIPPED = frozenset({"debug", "debugRequest"})


def valid_inputs(handler: Handler[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs the handler's schema accepts (values sometimes in their form-host text form)."""
    schema = handler.spec.schema
    properties = {k: v for k, v in schema["properties"].items() if k not in SKIPPED}
    required = set(schema.get("required", ()))

    def field(key: str, prop: Mapping[str, Any]) -> st.SearchStrategy[Any]:
        types = types_of(prop, schema)
        return for_schema(prop, schema).flatmap(lambda v: _as_form_text(v, types))

    fixed = {k: field(k, p) for k, p in properties.items() if k in required}
    optional = {k: field(k, p) for k, p in properties.items() if k not in required}
    return st.fixed_dictionaries(fixed, optional=optional)


@dataclass(frozen=True)
class Broken:
    """An input broken in one way, and the field the InputError must name."""

    inputs: dict[str, Any]
    field: str
    how: str


def path_ids(handler: Handler[Any]) -> list[str]:
    """The attribute names of the handler's inputs that fill a path segment (declared `PathId`)."""
    return [
        name
        for name, info in handler.model.model_fields.items()
        if any(getattr(meta, "func", None) is check_segment for meta in info.metadata)
    ]


def _wrong_values(types: set[str]) -> list[Any]:
    """Values of none of `types`, that no lax reading turns into one of them."""
    out: list[Any] = []
    if not types & {"object"}:
        out.append({"nested": {"junk": [1, {"x": None}]}})
    if not types & {"array"}:
        out.append([[{"junk": True}], 2])
    if not types & {"integer", "number"} and "string" not in types:
        out.append(12.5)
    if not types & {"string", "integer", "number", "boolean"}:
        out.append(7)
    if "string" not in types and "array" not in types:  # a list input reads "a, b" text as words
        out.append("\u00e9t\u00e9 \x00 not a valid value")
    return out


def _constraint_breakers(prop: Mapping[str, Any], root: Mapping[str, Any]) -> list[tuple[Any, str]]:
    if "$ref" in prop:
        prop = _resolve(root, prop["$ref"])
    out: list[tuple[Any, str]] = []
    if "minimum" in prop:
        out.append((prop["minimum"] - 1, "below its minimum"))
    if "maximum" in prop:
        out.append((prop["maximum"] + 1, "above its maximum"))
    if prop.get("minItems", 0) >= 1:
        out.append(([], "an empty list"))
    if prop.get("minLength", 0) >= 2:
        out.append(("x", "too short"))
    if "oneOf" in prop and all("const" in option for option in prop["oneOf"]):
        out.append(("NOT-ONE-OF-THE-CHOICES \u2603", "not one of the choices"))
    if "enum" in prop:
        out.append(("NOT-ONE-OF-THE-CHOICES \u2603", "not one of the choices"))
    return out


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"a": [value]}
    return value


HUGE = "x" * (MAX_TEXT + 1)


def invalid_inputs(handler: Handler[Any]) -> st.SearchStrategy[Broken]:
    """A valid input with one thing wrong: a wrong type, a missing required field, an unknown key, a
    broken constraint, a string past the size limit, a structure nested past the depth limit, or a
    value that is not JSON data at all."""
    schema = handler.spec.schema
    properties: Mapping[str, Any] = schema["properties"]
    required = [k for k in schema.get("required", ()) if k in properties]
    fields = handler.model.model_fields
    ids = [info.alias or name for name, info in fields.items() if name in path_ids(handler)]
    free_objects = [k for k, p in properties.items() if "object" in types_of(p, schema)]
    strings = [k for k, p in properties.items() if "string" in types_of(p, schema)]

    def breakages(valid: dict[str, Any]) -> st.SearchStrategy[Broken]:
        options: list[Broken] = []
        for key, prop in properties.items():
            if key in SKIPPED:
                continue
            for wrong in _wrong_values(types_of(prop, schema)):
                options.append(Broken({**valid, key: wrong}, key, f"wrong type {type(wrong).__name__}"))
            for value, how in _constraint_breakers(prop, schema):
                options.append(Broken({**valid, key: value}, key, how))
        for key in required:
            options.append(Broken({k: v for k, v in valid.items() if k != key}, key, "missing"))
        unknown = "unknownInput\u00e9"
        options.append(Broken({**valid, unknown: 1}, unknown, "unknown key"))
        for key in strings:
            options.append(Broken({**valid, key: HUGE}, key, "huge string"))
        for key in ids:
            options.append(Broken({**valid, key: "i" * (MAX_SEGMENT + 1)}, key, "id too long for a path"))
        for key in free_objects:
            options.append(Broken({**valid, key: {"k": _deep(MAX_DEPTH + 2)}}, key, "nested too deep"))
            options.append(Broken({**valid, key: {"k": {1, 2}}}, key, "not JSON (a set)"))
            options.append(Broken({**valid, key: {"k": float("nan")}}, key, "not JSON (NaN)"))
            options.append(Broken({**valid, key: {"k": b"bytes"}}, key, "not JSON (bytes)"))
        return st.sampled_from(options)

    return valid_inputs(handler).flatmap(breakages)


def names(field: str, fields: tuple[str, ...]) -> bool:
    """Whether an InputError's fields name `field` (itself, or a path inside it)."""
    return any(f == field or f.startswith(field + ".") for f in fields)


#: A path segment the client produced: unreserved characters and upper-case %XX escapes only.
ENCODED_SEGMENT = re.compile(r"^(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*$")
