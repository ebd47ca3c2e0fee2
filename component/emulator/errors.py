"""Errors the emulator answers with, shaped as the API's ``RequestErrorEnvelope``.

Handlers raise :class:`ApiError`; the dispatcher turns it into ``{"errors": [...]}`` served as
``application/json`` (the API sends every error as plain JSON, whatever the ``Accept``).
"""

from __future__ import annotations

from typing import Any

# Type strings observed from the live API: they are not the OpenAPI spec's examples.
NOT_FOUND = "not-found"
BAD_REQUEST = "bad-request"
VALIDATION = "ValidationFailure"
UNAUTHORIZED = "unauthorized"
CONFLICT = "conflict"
RATE_LIMITED = "RequestError"

_TYPE_BY_STATUS: dict[int, str] = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: "forbidden",
    404: NOT_FOUND,
    405: "method-not-allowed",
    406: "not-acceptable",
    409: CONFLICT,
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: VALIDATION,
    429: RATE_LIMITED,
    500: "internal",
    502: "bad-gateway",
    503: "service-unavailable",
    504: "gateway-timeout",
}


def error_type_for(status: int) -> str:
    """The ``type`` string the emulator uses for an HTTP status (faults reuse it)."""
    if status in _TYPE_BY_STATUS:
        return _TYPE_BY_STATUS[status]
    return "internal" if status >= 500 else "bad-request"


def error_item(
    status: int,
    message: str,
    *,
    type_: str | None = None,
    field: str | None = None,
    data: Any = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {"type": type_ or error_type_for(status), "message": message}
    if field is not None:
        item["field"] = field
    if data is not None:
        item["data"] = data
    item["status"] = status
    return item


class ApiError(Exception):
    """An error response: a status, one or more ``RequestError`` items, and extra headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str | None = None,
        field: str | None = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        items: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.items = items if items else [error_item(status, message, type_=type_, field=field, data=data)]
        self.headers = headers or {}

    def envelope(self) -> dict[str, Any]:
        return {"errors": self.items}


def not_found(kind: str, id_: str, *, field: str | None = None) -> ApiError:
    # The live API names the resource and the id ("Transformation with id '…' not found").
    return ApiError(404, f"{kind} with id '{id_}' not found", type_=NOT_FOUND, field=field)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, message, type_=VALIDATION, field=field)


def bad_request(message: str, *, field: str | None = None) -> ApiError:
    return ApiError(400, message, type_=BAD_REQUEST, field=field)


class StateFileError(Exception):
    """The emulator's state file cannot be read or written (the message names it and says why)."""
