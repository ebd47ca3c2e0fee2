"""The framework's error base classes; a component subclasses them into its own tree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ComponentError(Exception):
    """Root of every error a component raises on purpose."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad input: the field's key (dotted for nested values) and why it is bad.

    The reason never quotes the value: a bad value may be a secret.
    """

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class InputError(ComponentError, ValueError):
    """Invalid input, found before any request was sent. Names every bad field."""

    def __init__(self, errors: Iterable[FieldError], *, handler: str | None = None) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.handler = handler
        where = f" for {handler}" if handler else ""
        details = "; ".join(str(error) for error in self.errors)
        super().__init__(f"Invalid input{where}: {details}")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(error.field for error in self.errors)

    @classmethod
    def single(cls, field: str, reason: str, *, handler: str | None = None) -> InputError:
        return cls([FieldError(field, reason)], handler=handler)


class InternalError(ComponentError):
    """A handler failed in a way it should not (a bug): the message names the handler and the
    exception's type, never its text (which could quote a secret)."""
