"""Exact requests: Destinations and Destination Subscriptions, and the replaced component's defects they mend."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aioresponses import aioresponses

from component import segment
from tests.helpers import CONNECTION, only
from tests.request_cases import V1ALPHA, Case, check_exact_request

SOURCE = "kjU72LCJexvrqL7G4TMHHN"
DESTINATION = "fP7qoQw2HTWt9WdMr718gn"
SUBSCRIPTION = "iUyx2UdPSvp4uJtYAhjTup"
ACTION = "jiMz7MfHNeHmUckzRnUGkU"
METADATA = "54521fd525e721e32a72ee91"
DEST = f"/destinations/{DESTINATION}"
SUBS = f"{DEST}/subscriptions"
SUB = f"{SUBS}/{SUBSCRIPTION}"
SUB_REF = {"destinationId": DESTINATION, "subscriptionId": SUBSCRIPTION}
# Every JSON type a setting can have: each must reach the API as given (not as text).
TYPED_SETTINGS = {
    "apiKey": "k",
    "port": 5432,
    "ratio": 0.5,
    "debug": False,
    "tags": ["a", 1],
    "nested": {"deep": {"on": True}},
    "none": None,
}
NEW_SUB = {"destinationId": DESTINATION, "name": "Track", "actionId": ACTION, "trigger": 'type = "track"'}

CASES = [
    # Destinations
    Case("getDestination", {"destinationId": DESTINATION}, "GET", DEST),
    Case("getDestination", {"destinationId": "a/b"}, "GET", "/destinations/a%2Fb"),
    Case("listDestinations", {}, "GET", "/destinations", [("pagination[count]", "50")]),
    Case(
        "listDestinations",
        {"count": "5", "cursor": "NQ=="},
        "GET",
        "/destinations",
        [("pagination[count]", "5"), ("pagination[cursor]", "NQ==")],
    ),
    Case(
        "createDestination",
        {"sourceId": SOURCE, "metadataId": METADATA},
        "POST",
        "/destinations",
        body={"sourceId": SOURCE, "metadataId": METADATA, "settings": {}},
    ),
    Case(
        "createDestination",
        {"sourceId": SOURCE, "metadataId": METADATA, "name": "Hook", "enabled": "false", "settings": TYPED_SETTINGS},
        "POST",
        "/destinations",
        body={"sourceId": SOURCE, "metadataId": METADATA, "name": "Hook", "enabled": False, "settings": TYPED_SETTINGS},
    ),
    Case(
        "createDestination",
        {"sourceId": SOURCE, "metadataId": METADATA, "enabled": True, "settings": '{"port": 5432, "ssl": true}'},
        "POST",
        "/destinations",
        body={"sourceId": SOURCE, "metadataId": METADATA, "enabled": True, "settings": {"port": 5432, "ssl": True}},
    ),
    Case("updateDestination", {"destinationId": DESTINATION, "name": "Hook"}, "PATCH", DEST, body={"name": "Hook"}),
    Case("updateDestination", {"destinationId": DESTINATION, "enabled": "true"}, "PATCH", DEST, body={"enabled": True}),
    Case(
        "updateDestination",
        {"destinationId": DESTINATION, "name": "", "enabled": False, "settings": TYPED_SETTINGS},
        "PATCH",
        DEST,
        body={"enabled": False, "settings": TYPED_SETTINGS},
    ),
    Case("updateDestination", {"destinationId": DESTINATION, "settings": {}}, "PATCH", DEST, body={"settings": {}}),
    Case("deleteDestination", {"destinationId": DESTINATION}, "DELETE", DEST),
    # Destination Subscriptions: alpha only, on every operation
    Case("getDestinationSubscription", SUB_REF, "GET", SUB, media_type=V1ALPHA),
    Case(
        "listDestinationSubscriptions",
        {"destinationId": DESTINATION},
        "GET",
        SUBS,
        [("pagination[count]", "50")],
        media_type=V1ALPHA,
    ),
    Case(
        "listDestinationSubscriptions",
        {"destinationId": DESTINATION, "count": 2, "cursor": "Mg=="},
        "GET",
        SUBS,
        [("pagination[count]", "2"), ("pagination[cursor]", "Mg==")],
        media_type=V1ALPHA,
    ),
    Case(
        "createDestinationSubscription",
        {**NEW_SUB, "enabled": "true"},
        "POST",
        SUBS,
        body={"name": "Track", "actionId": ACTION, "trigger": 'type = "track"', "enabled": True},
        media_type=V1ALPHA,
    ),
    Case(
        "createDestinationSubscription",
        {**NEW_SUB, "enabled": False, "settings": TYPED_SETTINGS, "modelId": "model-1"},
        "POST",
        SUBS,
        body={
            "name": "Track",
            "actionId": ACTION,
            "trigger": 'type = "track"',
            "enabled": False,
            "settings": TYPED_SETTINGS,
            "modelId": "model-1",
        },
        media_type=V1ALPHA,
    ),
    Case(
        "updateDestinationSubscription",
        {**SUB_REF, "enabled": "false"},
        "PATCH",
        SUB,
        body={"input": {"enabled": False}},
        media_type=V1ALPHA,
    ),
    Case(
        "updateDestinationSubscription",
        {
            **SUB_REF,
            "name": "N",
            "trigger": 'type = "page"',
            "enabled": True,
            "settings": TYPED_SETTINGS,
            "reverseETLModelId": "m",
            "reverseETLSchedule": {"strategy": "MANUAL"},
        },
        "PATCH",
        SUB,
        body={
            "input": {
                "name": "N",
                "trigger": 'type = "page"',
                "enabled": True,
                "settings": TYPED_SETTINGS,
                "reverseETLModelId": "m",
                "reverseETLSchedule": {"strategy": "MANUAL"},
            }
        },
        media_type=V1ALPHA,
    ),
    Case("updateDestinationSubscription", SUB_REF, "PATCH", SUB, body={"input": {}}, media_type=V1ALPHA),
    Case("deleteDestinationSubscription", SUB_REF, "DELETE", SUB, media_type=V1ALPHA),
]


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_exact_request(case: Case) -> None:
    await check_exact_request(case)


async def _body(key: str, inputs: dict[str, Any]) -> Any:
    with aioresponses() as mock:
        mock.add(re.compile(r".*"), method="POST" if key.startswith("create") else "PATCH", payload={"data": {}})
        await segment.invoke(key, inputs, connection=CONNECTION)
        return only(mock).body


def _schema(key: str) -> dict[str, Any]:
    schema: dict[str, Any] = segment.actions[key].spec.schema
    return schema


async def test_action_id_is_sent_on_create_subscription() -> None:
    body = await _body("createDestinationSubscription", {**NEW_SUB, "enabled": True})
    assert body["actionId"] == ACTION
    assert "actionId" in _schema("createDestinationSubscription")["required"]


@pytest.mark.parametrize("text,value", [("true", True), ("false", False), (True, True), (False, False)])
async def test_enabled_is_a_json_boolean_on_subscription_writes(text: Any, value: bool) -> None:
    created = await _body("createDestinationSubscription", {**NEW_SUB, "enabled": text})
    updated = await _body("updateDestinationSubscription", {**SUB_REF, "enabled": text})
    assert created["enabled"] is value
    assert updated["input"]["enabled"] is value
    for key in ("createDestinationSubscription", "updateDestinationSubscription"):
        assert _schema(key)["properties"]["enabled"]["type"] == "boolean"


async def test_subscription_update_is_wrapped_in_input_with_only_the_given_fields() -> None:
    body = await _body("updateDestinationSubscription", {**SUB_REF, "name": "Renamed"})
    assert body == {"input": {"name": "Renamed"}}


@pytest.mark.parametrize(
    "key,inputs,settings_of",
    [
        ("createDestination", {"sourceId": SOURCE, "metadataId": METADATA}, lambda b: b["settings"]),
        ("updateDestination", {"destinationId": DESTINATION}, lambda b: b["settings"]),
        ("createDestinationSubscription", {**NEW_SUB, "enabled": True}, lambda b: b["settings"]),
        ("updateDestinationSubscription", SUB_REF, lambda b: b["input"]["settings"]),
    ],
)
async def test_settings_keep_their_json_types(key: str, inputs: dict[str, Any], settings_of: Any) -> None:
    assert _schema(key)["properties"]["settings"]["type"] == "object"
    assert settings_of(await _body(key, {**inputs, "settings": TYPED_SETTINGS})) == TYPED_SETTINGS
    # Form hosts send JSON text: it is read as the object, numbers and booleans included.
    as_text = '{"port": 5432, "ssl": true, "nested": {"ids": [1, 2]}}'
    assert settings_of(await _body(key, {**inputs, "settings": as_text})) == {
        "port": 5432,
        "ssl": True,
        "nested": {"ids": [1, 2]},
    }


@pytest.mark.parametrize(
    "key,inputs",
    [
        ("updateDestination", {"destinationId": DESTINATION, "name": "N"}),
        ("createDestinationSubscription", {**NEW_SUB, "enabled": True}),
    ],
)
async def test_settings_are_omitted_when_not_given(key: str, inputs: dict[str, Any]) -> None:
    assert "settings" not in await _body(key, inputs)
    assert "settings" not in await _body(key, {**inputs, "settings": ""})


async def test_subscription_update_omits_settings_when_not_given() -> None:
    assert await _body("updateDestinationSubscription", {**SUB_REF, "settings": ""}) == {"input": {}}


async def test_create_destination_sends_an_empty_object_when_no_settings_are_given() -> None:
    # The API requires `settings` on create; the help text says what is sent instead.
    assert (await _body("createDestination", {"sourceId": SOURCE, "metadataId": METADATA}))["settings"] == {}
    assert "{} is sent" in _schema("createDestination")["properties"]["settings"]["description"]


def test_create_destination_metadata_id_names_destinations_and_its_picklist() -> None:
    prop = _schema("createDestination")["properties"]["metadataId"]
    assert prop["title"] == "Metadata ID"
    assert prop["x-dataSource"] == "selectDestinationMetadata"
    assert "Destination" in prop["description"]
    assert "Warehouse" not in prop["description"]


def test_subscription_inputs_are_labelled_and_wired() -> None:
    create = _schema("createDestinationSubscription")["properties"]
    assert create["modelId"]["title"] == "Model ID"
    assert create["trigger"]["title"] == "Trigger"
    assert "actions[].id" in create["actionId"]["description"]
    for key in ("getDestinationSubscription", "updateDestinationSubscription", "deleteDestinationSubscription"):
        prop = _schema(key)["properties"]["subscriptionId"]
        assert prop["x-dataSource"] == "selectSubscription"
        assert prop["x-dataSourceDependsOn"] == ["destinationId"]
    for key in ("createDestinationSubscription", "updateDestinationSubscription"):
        assert "Warehouse" not in _schema(key)["properties"]["settings"]["description"]
