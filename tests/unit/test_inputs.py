"""Input validation and the lax reading of form values, before any request is sent."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from component import segment
from component.segment.errors import InputError
from tests.helpers import CONNECTION, US, only, sent

SOURCE_BODY = {"data": {"source": {"id": "abc"}}}


async def invalid(key: str, inputs: dict[str, Any], connection: dict[str, Any] | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        await segment.invoke(key, inputs, connection=CONNECTION if connection is None else connection)
    return caught.value


async def test_every_bad_field_is_named_without_a_request(mock: aioresponses) -> None:
    error = await invalid(
        "createSource",
        {"enabled": "maybe", "settings": "not json", "region": "mars", "colour": "red"},
        connection={"subdomain": ""},
    )
    reasons = {e.field: e.reason for e in error.errors}
    assert reasons == {
        "slug": "is required",
        "metadataId": "is required",
        "enabled": "must be true or false",
        "settings": "must be an object (JSON text is accepted)",
        "region": "must be one of: api, eu1.api (or eu, eu1, us)",
        "colour": "is not an input of this handler",
        "connection.apiKey": "is required",
        "connection.subdomain": "is required",
    }
    assert str(error).startswith("Invalid input for createSource: ")
    assert sent(mock) == []


async def test_range_errors_name_the_bound(mock: aioresponses) -> None:
    assert {e.field: e.reason for e in (await invalid("listSources", {"count": "0"})).errors} == {
        "count": "must be at least 1"
    }
    assert {e.field: e.reason for e in (await invalid("listSources", {"count": 1001})).errors} == {
        "count": "must be at most 1000"
    }
    assert {e.field: e.reason for e in (await invalid("listSources", {"count": "ten"})).errors} == {
        "count": "must be an integer"
    }
    assert sent(mock) == []


async def test_an_id_that_would_climb_is_refused_with_its_field(mock: aioresponses) -> None:
    error = await invalid("getSource", {"sourceId": ".."})
    assert error.fields == ("sourceId",)
    assert sent(mock) == []


async def test_reasons_never_quote_the_value(mock: aioresponses) -> None:
    error = await invalid("listSources", {"count": "secret-value-123", "cursor": {"x": "secret-value-456"}})
    assert "secret-value" not in str(error)
    assert sent(mock) == []


async def test_unknown_handler_is_an_input_error() -> None:
    error = await invalid("getSauce", {})
    assert error.fields == ("key",)


async def test_form_values_are_read_as_their_types(mock: aioresponses) -> None:
    mock.patch(f"{US}/sources/abc", payload=SOURCE_BODY)
    await segment.invoke(
        "updateSource",
        {"sourceId": "abc", "enabled": "false", "settings": '{"n": 5, "flag": true, "list": [1]}', "name": ""},
        connection=CONNECTION,
    )
    assert only(mock).body == {"enabled": False, "settings": {"n": 5, "flag": True, "list": [1]}}


async def test_integers_and_booleans_from_text(mock: aioresponses) -> None:
    mock.get(f"{US}/sources?pagination%5Bcount%5D=25", payload={"data": {"sources": [], "pagination": {}}})
    await segment.invoke("listSources", {"count": " 25 ", "fetchAll": "no"}, connection=CONNECTION)
    assert only(mock).query == [("pagination[count]", "25")]


async def test_empty_and_null_mean_not_given(mock: aioresponses) -> None:
    mock.patch(f"{US}/sources/abc", payload=SOURCE_BODY)
    await segment.invoke(
        "updateSource", {"sourceId": "abc", "name": None, "slug": "  ", "enabled": ""}, connection=CONNECTION
    )
    assert only(mock).body == {}


async def test_the_connection_may_come_among_the_inputs(mock: aioresponses) -> None:
    mock.get(f"{US}/sources/abc", payload=SOURCE_BODY)
    await segment.invoke("getSource", {"sourceId": "abc", "connectionInput": CONNECTION})
    assert only(mock).headers["Authorization"].startswith("Bearer ")


async def test_defaults_are_applied(mock: aioresponses) -> None:
    mock.get(f"{US}/sources?pagination%5Bcount%5D=50", payload={"data": {"sources": [], "pagination": {}}})
    await segment.invoke("listSources", {}, connection=CONNECTION)
    assert only(mock).query == [("pagination[count]", "50")]


def test_schemas_pass_the_draft_2020_12_meta_schema() -> None:
    from jsonschema import Draft202012Validator

    for handler in segment.component.all():
        Draft202012Validator.check_schema(handler.spec.schema)
    Draft202012Validator.check_schema(segment.component.connection.spec.schema)


def test_the_schema_carries_labels_choices_data_sources_and_secrets() -> None:
    create = segment.actions["createSource"].spec.schema["properties"]
    assert create["metadataId"]["title"] == "Metadata ID"
    assert create["metadataId"]["x-dataSource"] == "selectSourceMetadata"
    assert create["region"]["oneOf"] == [{"const": "api", "title": "US"}, {"const": "eu1.api", "title": "EU"}]
    assert create["region"]["default"] == "api"
    assert create["settings"]["type"] == "object"
    assert segment.actions["getSource"].spec.schema["properties"]["sourceId"]["x-dataSource"] == "sources"
    connection = segment.component.connection.spec.schema["properties"]
    assert connection["apiKey"]["writeOnly"] is True and connection["apiKey"]["x-secret"] is True


def test_json_text_is_read_for_a_nested_model_input() -> None:
    from pydantic import BaseModel

    from component.framework.inputs import Input, InputModel, InputSpec

    class Inner(BaseModel):
        algorithm: str

    class Outer(InputModel):
        config: Inner | None = Input("Config", "A nested object.", default=None)
        items: list[Inner] | None = Input("Items", "A list of objects.", default=None)

    spec = InputSpec(Outer)
    parsed = spec.parse(
        {"config": '{"algorithm": "MD5"}', "items": '[{"algorithm": "SHA"}]'}, handler="t", error_type=InputError
    )
    assert isinstance(parsed, Outer)
    assert parsed.config == Inner(algorithm="MD5")
    assert parsed.items == [Inner(algorithm="SHA")]
