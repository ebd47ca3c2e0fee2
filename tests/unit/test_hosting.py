"""The framework's host helpers: the status and JSON a host answers for each kind of error."""

from __future__ import annotations

from pathlib import Path

from component.framework.fixtures import read_example
from component.framework.hosting import error_body, error_status, secret_inputs, with_defaults
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


def test_an_exception_that_is_no_component_error_is_named_by_its_type_only() -> None:
    body = error_body(KeyError("sk-a-secret-the-text-could-hold"))
    assert body == {"error": "InternalError", "message": "the call failed unexpectedly (KeyError)"}


def test_secret_inputs_are_the_ones_a_schema_marks_secret() -> None:
    schema = {
        "properties": {
            "apiKey": {"type": "string", "writeOnly": True, "x-secret": True},
            "password": {"type": "string", "format": "password"},
            "subdomain": {"type": "string"},
        }
    }
    assert secret_inputs(schema) == {"apiKey", "password"}
    assert secret_inputs({}) == set()


def test_an_example_payload_is_read_only_from_inside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "data" / "fixtures").mkdir(parents=True)
    (tmp_path / "data" / "fixtures" / "a.json").write_text('{"data": 1}')
    (tmp_path / "data" / "fixtures" / "broken.json").write_text("{")
    (tmp_path / "outside.json").write_text('{"data": "not yours"}')
    data = tmp_path / "data"
    assert read_example(data, "fixtures/a.json") == {"data": 1}
    assert read_example(data, "../outside.json") is None
    assert read_example(data, str(tmp_path / "outside.json")) is None
    assert read_example(data, "fixtures/broken.json") is None
    assert read_example(data, "fixtures/missing.json") is None
    assert read_example(data, None) is None


def test_a_host_default_fills_only_a_declared_input_left_out_or_empty() -> None:
    schema = {"properties": {"region": {"type": "string"}, "sourceId": {"type": "string"}}}
    defaults = {"region": "eu1.api", "other": "x"}
    assert with_defaults({"sourceId": "s"}, defaults, schema) == {"sourceId": "s", "region": "eu1.api"}
    assert with_defaults({"region": ""}, defaults, schema) == {"region": "eu1.api"}
    assert with_defaults({"region": "api"}, defaults, schema) == {"region": "api"}
    assert with_defaults({}, defaults, {}) == {}
