"""The framework's host helpers: the status and JSON a host answers for each kind of error."""

from __future__ import annotations

from component.framework.hosting import error_body, error_status
from component.segment.errors import InputError, InternalError, NotFound, RateLimited, TransportError


def test_input_errors_are_422_with_every_field_and_reason() -> None:
    error = InputError.single("sourceId", "is required")
    assert error_status(error) == 422
    assert error_body(error) == {
        "error": "InputError",
        "message": str(error),
        "fields": [{"field": "sourceId", "reason": "is required"}],
    }


def test_api_errors_keep_the_upstream_status() -> None:
    error = NotFound(404, "no such source", method="GET", path="/sources/x", request_id="r1")
    assert error_status(error) == 404
    body = error_body(error)
    assert (body["error"], body["status"], body["request_id"]) == ("NotFound", 404, "r1")
    assert error_status(RateLimited(429, "slow down", method="GET", path="/sources")) == 429


def test_no_answer_is_502_and_a_bug_500() -> None:
    assert error_status(TransportError("connection refused", method="GET", path="/")) == 502
    assert error_status(InternalError("a bug")) == 500
    assert error_status(RuntimeError("boom")) == 500
