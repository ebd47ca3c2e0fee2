"""The exception tree. Everything the component raises on purpose is a `SegmentError`.

    SegmentError
      InputError            bad input, found before any request (names every field)
      ApiError              the API answered with an error (status, type, message, field, request id)
        Invalid             400, 422
        Unauthorized        401
        Forbidden           403
        NotFound            404
        Conflict            409
        RateLimited         429 (retry_after: seconds the API asked us to wait, when it said)
        ServerError         5xx
        MalformedResponse   a success whose body is not the JSON it should be
      TransportError        no answer: connection refused or dropped, timeout
      LimitExceeded         an answer past one of the client's limits (never retried)
        ResponseTooLarge    a body over `max_response_bytes` (decompressed, error statuses too)
        TooManyPages        a walk past `max_pages` or `max_items` (says what was fetched)
      InternalError         a handler failed unexpectedly (a bug): handler and exception type only

Messages name the method and path, never a header, a token or a request body.
"""

from __future__ import annotations

from typing import Any

from component.framework.errors import ComponentError
from component.framework.errors import InputError as _FrameworkInputError
from component.framework.errors import InternalError as _FrameworkInternalError


class SegmentError(ComponentError):
    """Root of the component's errors."""


class InputError(SegmentError, _FrameworkInputError):
    """Invalid input; `errors` lists each field and the reason. Raised before any request."""


class InternalError(SegmentError, _FrameworkInternalError):
    """A handler failed in a way it should not (a bug in the component); names the handler and the
    exception's type only."""


class ApiError(SegmentError):
    """The Segment API answered with an error status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        method: str,
        path: str,
        type: str | None = None,
        field: str | None = None,
        request_id: str | None = None,
        data: Any = None,
    ) -> None:
        self.status = status
        self.type = type
        self.message = message
        self.field = field
        self.request_id = request_id
        self.method = method
        self.path = path
        self.data = data
        detail = f"{status} {type}" if type else str(status)
        where = f" (field {field})" if field else ""
        rid = f" [request id {request_id}]" if request_id else ""
        super().__init__(f"Segment API error {detail} on {method} {path}: {message}{where}{rid}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, type={self.type!r}, "
            f"method={self.method!r}, path={self.path!r})"
        )


class Invalid(ApiError):
    """400 or 422: the API refused the request's content."""


class Unauthorized(ApiError):
    """401: the token is missing, wrong, or for another region."""


class Forbidden(ApiError):
    """403: the token may not do this (role, plan or feature)."""


class NotFound(ApiError):
    """404: no such resource (or it was deleted)."""


class Conflict(ApiError):
    """409: the resource is in a conflicting state (a slug already taken, say)."""


class RateLimited(ApiError):
    """429: too many requests. `retry_after` is the wait the API asked for, in seconds, if known."""

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ServerError(ApiError):
    """5xx: the API failed."""


class MalformedResponse(ApiError):
    """A success status whose body is not valid JSON (or not the envelope it should be)."""


class TransportError(SegmentError):
    """No usable answer: the connection failed or dropped, or the call timed out."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.reason = message
        """What happened, in words, without the method and path."""
        super().__init__(f"{method} {path}: {message}")


class LimitExceeded(SegmentError):
    """The API's answer went past one of the client's limits (`limit` names the RetryPolicy field).

    Repeating the request would meet the same answer, so it is never retried."""

    def __init__(self, message: str, *, limit: str, value: int, method: str, path: str) -> None:
        self.limit = limit
        self.value = value
        self.method = method
        self.path = path
        super().__init__(f"{method} {path}: {message}")


class ResponseTooLarge(LimitExceeded):
    """A response body (counted after decompression) over `max_response_bytes`; `status` is the
    answer's status."""

    def __init__(self, status: int, *, limit: str, value: int, method: str, path: str) -> None:
        self.status = status
        super().__init__(
            f"the response body (status {status}) is larger than the limit {limit}={value} bytes; "
            "it was not read further",
            limit=limit,
            value=value,
            method=method,
            path=path,
        )


class TooManyPages(LimitExceeded):
    """A walk over pages that went past `max_pages` or `max_items`; `pages` and `items` say what was
    fetched before it stopped."""

    def __init__(self, *, limit: str, value: int, pages: int, items: int, method: str, path: str) -> None:
        self.pages = pages
        self.items = items
        super().__init__(
            f"stopped after {pages} page{'' if pages == 1 else 's'} and {items} item{'' if items == 1 else 's'}: "
            f"the API kept returning a next page past the limit {limit}={value}",
            limit=limit,
            value=value,
            method=method,
            path=path,
        )


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: Invalid,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: Invalid,
    429: RateLimited,
}


def error_class(status: int) -> type[ApiError]:
    if status >= 500:
        return ServerError
    return STATUS_ERRORS.get(status, ApiError)
