"""Hand-written request validation: cheap, and every error names its field.

No JSON Schema validation runs per request (it would dominate the request cost). A
:class:`Fields` reader collects every problem in a body and :meth:`Fields.check` raises one 422
listing them all, each ``RequestError`` carrying the dotted ``field`` path (``invites.0.email``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from .errors import VALIDATION, ApiError, error_item


class Missing(enum.Enum):
    """Marks an optional field that was absent (as opposed to given as ``null``)."""

    MISSING = 0


MISSING = Missing.MISSING


class Fields:
    """Reads typed fields out of one JSON object, recording errors instead of raising at once."""

    def __init__(self, body: dict[str, Any], prefix: str = "", errors: list[dict[str, Any]] | None = None):
        self.body = body
        self.prefix = prefix
        self.errors: list[dict[str, Any]] = errors if errors is not None else []

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, message: str) -> None:
        self.errors.append(error_item(422, message, type_=VALIDATION, field=self.name(key)))

    def child(self, key: str, value: dict[str, Any]) -> Fields:
        return Fields(value, f"{self.name(key)}.", self.errors)

    def _get(self, key: str, required: bool, nullable: bool) -> Any:
        if key not in self.body:
            if required:
                self.fail(key, f"{self.name(key)} is required")
            return MISSING
        value = self.body[key]
        if value is None:
            if required or not nullable:
                self.fail(key, f"{self.name(key)} must not be null")
            return MISSING if not nullable else None
        return value

    def str_(self, key: str, *, required: bool = False, nullable: bool = False, non_empty: bool = True) -> Any:
        value = self._get(key, required, nullable)
        if value is MISSING or value is None:
            return value
        if not isinstance(value, str):
            self.fail(key, f"{self.name(key)} must be a string")
            return MISSING
        if non_empty and not value.strip():
            self.fail(key, f"{self.name(key)} must not be empty")
            return MISSING
        return value

    def bool_(self, key: str, *, required: bool = False) -> Any:
        value = self._get(key, required, False)
        if value is MISSING:
            return value
        if not isinstance(value, bool):
            self.fail(key, f"{self.name(key)} must be a boolean")
            return MISSING
        return value

    def obj(self, key: str, *, required: bool = False, nullable: bool = False) -> Any:
        value = self._get(key, required, nullable)
        if value is MISSING or value is None:
            return value
        if not isinstance(value, dict):
            self.fail(key, f"{self.name(key)} must be an object")
            return MISSING
        return value

    def list_(self, key: str, *, required: bool = False, non_empty: bool = False) -> Any:
        value = self._get(key, required, False)
        if value is MISSING:
            return value
        if not isinstance(value, list):
            self.fail(key, f"{self.name(key)} must be an array")
            return MISSING
        if non_empty and not value:
            self.fail(key, f"{self.name(key)} must not be empty")
            return MISSING
        return value

    def enum_(self, key: str, allowed: Iterable[str], *, required: bool = False) -> Any:
        value = self.str_(key, required=required)
        if isinstance(value, str):
            choices = tuple(allowed)
            if value not in choices:
                self.fail(key, f"{self.name(key)} must be one of {', '.join(choices)}")
                return MISSING
        return value

    def str_list(self, key: str, *, required: bool = False, non_empty: bool = False) -> Any:
        items = self.list_(key, required=required, non_empty=non_empty)
        if items is MISSING:
            return items
        for i, item in enumerate(items):
            if not isinstance(item, str):
                self.fail(f"{key}.{i}", f"{self.name(key)}.{i} must be a string")
                return MISSING
        return items

    def objects(self, key: str, *, required: bool = False, non_empty: bool = False) -> list[Fields] | Missing:
        """Each element of an array of objects, as a child reader (``key.0.``, ``key.1.``)."""
        items = self.list_(key, required=required, non_empty=non_empty)
        if not isinstance(items, list):
            return Missing.MISSING
        readers: list[Fields] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.fail(f"{key}.{i}", f"{self.name(key)}.{i} must be an object")
                continue
            readers.append(self.child(f"{key}.{i}", item))
        return readers

    def check(self) -> None:
        if self.errors:
            first = self.errors[0]
            raise ApiError(422, str(first["message"]), items=list(self.errors))
