"""The framework's input models: `given()` builds request bodies, `updating()` derives an update
model from a create model."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError
from pydantic.alias_generators import to_camel

from component.framework.inputs import Input, InputModel, InputSpec, updating


class Item(BaseModel):
    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, frozen=True)
    old_name: str
    note: str | None = None


class Create(InputModel):
    title: str = Input("Title", "The title.", example="T", min_length=1)
    when: str = Input("When", "The condition.", alias="whenInput", wire="when", min_length=1)
    items: list[Item] | None = Input("Items", "Some items.", default=None, example=[{"oldName": "a"}])
    settings: dict[str, object] | None = Input("Settings", "Free settings.", default=None)
    password: SecretStr | None = Input("Password", "A secret.", default=None, secret=True)
    kind: str = Input("Kind", "Fixed once created.", example="A")


class Ref(InputModel):
    thing_id: str = Input("Thing ID", "The id.", min_length=1)


@updating(Create, keep={"when": "condition", "items": "list"}, help={"title": "A new title."}, exclude=["kind"])
class Update(Ref):
    pass


def test_given_sends_nested_models_by_their_keys_and_inputs_under_their_wire_names() -> None:
    inputs = Create.model_validate(
        {
            "title": "T",
            "whenInput": "x = 1",
            "items": [{"oldName": "a"}, {"oldName": "b", "note": "n"}],
            "settings": {"keep": None, "nested": {"a": [1]}},
            "password": "s3cret",
            "kind": "A",
        }
    )
    assert inputs.given("title", "when", "items", "settings", "password") == {
        "title": "T",
        "when": "x = 1",
        "items": [{"oldName": "a"}, {"oldName": "b", "note": "n"}],
        "settings": {"keep": None, "nested": {"a": [1]}},  # a free object is sent as given, nulls too
        "password": "s3cret",
    }


def test_given_leaves_out_what_was_not_given() -> None:
    inputs = Create.model_validate({"title": "T", "whenInput": "x", "kind": "A"})
    assert inputs.given("title", "items", "settings", "password") == {"title": "T"}


def test_an_update_model_has_every_create_input_but_the_excluded_optional() -> None:
    assert list(Update.model_fields) == ["debug", "thing_id", "title", "when", "items", "settings", "password"]
    assert Update.__name__ == "Update" and Update.__module__ == __name__
    only_id = Update.model_validate({"thingId": "t1"})
    assert only_id.given("title", "when", "items", "settings", "password") == {}
    with pytest.raises(ValidationError):
        Update.model_validate({"thingId": "t1", "kind": "B"})


def test_an_update_model_keeps_labels_examples_constraints_and_wire_names() -> None:
    schema = InputSpec(Update).schema
    assert schema["required"] == ["thingId"]
    title, when, items = (schema["properties"][key] for key in ("title", "whenInput", "items"))
    assert title == {
        "type": "string",
        "title": "Title",
        "description": "A new title.",
        "examples": ["T"],
        "minLength": 1,
    }
    assert when["description"] == "The condition. Leave empty to keep the current condition."
    assert (
        items["description"] == "Some items. It replaces the current list; [] clears it. Leave empty to keep "
        "the current list."
    )
    assert schema["properties"]["password"]["x-secret"] is True
    changed = Update.model_validate({"thingId": "t1", "whenInput": "y"})
    assert changed.given("when") == {"when": "y"}
    with pytest.raises(ValidationError):
        Update.model_validate({"thingId": "t1", "title": ""})
