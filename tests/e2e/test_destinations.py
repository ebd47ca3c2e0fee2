"""Destinations end to end against the emulator's demo workspace."""

from __future__ import annotations

from typing import Any

import pytest

from component.emulator import MASK, Emulator
from component.segment.errors import Invalid, NotFound
from component.segment.ids import DEMO_DESTINATION_METADATA, DEMO_SOURCE
from tests.e2e.conftest import run

V1 = "application/vnd.segment.v1+json"
SLACK = "aRKjER1ppLz8C0zDJTTKGr"
MIXPANEL_METADATA = "1dd257d50f4bf777e1030fe1"
BACKEND = "dImPXq5IIDjNgmQfS10qMZ"


async def test_get_destination(emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run("getDestination", {"destinationId": SLACK}, conn)
    destination = body["data"]["destination"]
    assert destination["id"] == SLACK
    assert destination["name"] == "Slack Alerts"
    assert destination["enabled"] is False
    assert destination["sourceId"] == BACKEND
    # Nested settings come back as objects, and secrets come back censored.
    assert destination["settings"]["channels"] == {"Order Completed": "#sales"}
    assert destination["settings"]["incomingWebhookUrl"] == MASK
    assert emulator.requests[-1].headers["Accept"] == V1


async def test_list_destinations_one_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run("listDestinations", {"count": 2}, conn)
    page = body["data"]
    assert len(page["destinations"]) == 2
    assert page["pagination"]["next"]
    rest = await run("listDestinations", {"count": 1000, "cursor": page["pagination"]["next"]}, conn)
    ids = [d["id"] for d in page["destinations"] + rest["data"]["destinations"]]
    assert sorted(ids) == sorted(emulator.state.destinations)
    assert "next" not in rest["data"]["pagination"]


async def test_list_destinations_fetch_all_follows_every_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    # More than one full page (1000), so fetchAll must follow `next`.
    for n in range(1001):
        emulator.state.create_destination(
            source_id=DEMO_SOURCE, metadata_id=DEMO_DESTINATION_METADATA, settings={}, name=f"Hook {n}"
        )
    before = len(emulator.requests)
    body = await run("listDestinations", {"fetchAll": True, "count": 3}, conn)
    ids = [d["id"] for d in body["data"]["destinations"]]
    assert len(ids) == len(set(ids)) == len(emulator.state.destinations) == 1006
    assert set(ids) == set(emulator.state.destinations)
    assert body["data"]["pagination"] == {"totalEntries": 1006}
    assert len(emulator.requests) - before == 2


async def test_destination_lifecycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    settings = {"sharedSecret": "whsec_lifecycle", "retries": 3, "verify": True, "headers": {"X-Env": "test"}}
    created = await run(
        "createDestination",
        {
            "sourceId": DEMO_SOURCE,
            "metadataId": DEMO_DESTINATION_METADATA,
            "name": "Lifecycle Hook",
            "enabled": "true",
            "settings": settings,
        },
        conn,
    )
    destination = created["data"]["destination"]
    new_id = destination["id"]
    stored = emulator.state.destinations[new_id]
    assert (stored["name"], stored["enabled"], stored["sourceId"]) == ("Lifecycle Hook", True, DEMO_SOURCE)
    assert stored["metadata"]["id"] == DEMO_DESTINATION_METADATA
    assert stored["settings"] == settings
    assert destination["settings"]["sharedSecret"] == MASK
    assert destination["settings"]["retries"] == 3

    got = await run("getDestination", {"destinationId": new_id}, conn)
    assert got["data"]["destination"]["name"] == "Lifecycle Hook"

    listed = await run("listDestinations", {"fetchAll": True}, conn)
    assert [d["id"] for d in listed["data"]["destinations"]].count(new_id) == 1

    updated = await run("updateDestination", {"destinationId": new_id, "enabled": False}, conn)
    assert updated["data"]["destination"]["enabled"] is False
    # A partial update changes only what was given.
    assert stored["enabled"] is False
    assert stored["name"] == "Lifecycle Hook"
    assert stored["settings"] == settings
    assert emulator.requests[-1].json == {"enabled": False}

    await run(
        "updateDestination",
        {"destinationId": new_id, "name": "Renamed Hook", "settings": {"sharedSecret": "whsec_new", "retries": 5}},
        conn,
    )
    assert stored["name"] == "Renamed Hook"
    assert stored["settings"] == {"sharedSecret": "whsec_new", "retries": 5}

    deleted = await run("deleteDestination", {"destinationId": new_id}, conn)
    assert deleted == {"data": {"status": "SUCCESS"}}
    assert new_id not in emulator.state.destinations
    with pytest.raises(NotFound):
        await run("getDestination", {"destinationId": new_id}, conn)


async def test_create_destination_without_settings_sends_an_empty_object(
    emulator: Emulator, conn: dict[str, Any]
) -> None:
    created = await run("createDestination", {"sourceId": DEMO_SOURCE, "metadataId": DEMO_DESTINATION_METADATA}, conn)
    new_id = created["data"]["destination"]["id"]
    assert emulator.state.destinations[new_id]["settings"] == {}
    assert emulator.requests[-1].json["settings"] == {}


async def test_create_destination_refusals_are_api_errors(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        await run("createDestination", {"sourceId": "missing", "metadataId": DEMO_DESTINATION_METADATA}, conn)
    # A second instance of a single-instance type (Mixpanel on Backend) is refused with a 400.
    with pytest.raises(Invalid):
        await run(
            "createDestination",
            {"sourceId": BACKEND, "metadataId": MIXPANEL_METADATA, "settings": {"token": "t"}},
            conn,
        )


@pytest.mark.parametrize("key", ["getDestination", "updateDestination", "deleteDestination"])
async def test_missing_destination_is_not_found(emulator: Emulator, conn: dict[str, Any], key: str) -> None:
    with pytest.raises(NotFound) as caught:
        await run(key, {"destinationId": "doesNotExist", **({"name": "x"} if key.startswith("update") else {})}, conn)
    assert caught.value.status == 404


async def test_typed_settings_reach_the_workspace(emulator: Emulator, conn: dict[str, Any]) -> None:
    settings = {"port": 5432, "ratio": 0.25, "ssl": False, "tags": ["a", "b"], "nested": {"on": True}}
    await run(
        "updateDestination",
        {
            "destinationId": SLACK,
            "settings": '{"port": 5432, "ratio": 0.25, "ssl": false, "tags": ["a", "b"], "nested": {"on": true}}',
        },
        conn,
    )
    assert emulator.state.destinations[SLACK]["settings"] == settings
    # Omitted on update when not given: the stored settings stay as they are.
    await run("updateDestination", {"destinationId": SLACK, "name": "Slack"}, conn)
    assert emulator.state.destinations[SLACK]["settings"] == settings
    assert emulator.requests[-1].json == {"name": "Slack"}
