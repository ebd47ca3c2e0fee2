"""Event volume end to end against the emulator: the endpoint, the filters, the pages."""

from __future__ import annotations

from typing import Any

import pytest

from component.emulator import DEMO_IDS, Emulator
from component.segment.errors import InputError, Invalid
from tests.e2e.conftest import run

KEY = "getEventsVolumeFromWorkspace"
WEBSITE = DEMO_IDS["source"]
IOS = DEMO_IDS["secondSource"]
WEEK = {"granularity": "DAY", "startTime": "2024-01-01T00:00:00Z", "endTime": "2024-01-08T00:00:00Z"}


async def volume(inputs: dict[str, Any], conn: dict[str, Any]) -> Any:
    return (await run(KEY, inputs, conn))["data"]


async def test_events_volume_is_read_from_events_volume(emulator: Emulator, conn: dict[str, Any]) -> None:
    data = await volume(
        {
            **WEEK,
            "groupBy": ["source", "eventType"],
            "sourceId": [WEBSITE, IOS],
            "eventType": ["track", "page"],
            "eventName": ["Signed Up", "Page Viewed"],
            "appVersion": ["2.0.1"],
            "count": 100,
        },
        conn,
    )
    [request] = emulator.requests
    assert (request.method, request.path) == ("GET", "/events/volume")
    assert request.query == [
        ("granularity", "DAY"),
        ("startTime", "2024-01-01T00:00:00Z"),
        ("endTime", "2024-01-08T00:00:00Z"),
        ("groupBy.0", "source"),
        ("groupBy.1", "eventType"),
        ("sourceId.0", WEBSITE),
        ("sourceId.1", IOS),
        ("eventName.0", "Signed Up"),
        ("eventName.1", "Page Viewed"),
        ("eventType.0", "track"),
        ("eventType.1", "page"),
        ("appVersion.0", "2.0.1"),
        ("pagination[count]", "100"),
    ]
    # The API echoes the query it understood: every list arrived whole and in order.
    assert data["path"] == "/events/volume"
    assert data["query"] == {
        "granularity": "DAY",
        "startTime": "2024-01-01T00:00:00Z",
        "endTime": "2024-01-08T00:00:00Z",
        "groupBy": ["source", "eventType"],
        "sourceId": [WEBSITE, IOS],
        "eventName": ["Signed Up", "Page Viewed"],
        "eventType": ["track", "page"],
        "appVersion": ["2.0.1"],
    }
    assert {(item["source"]["id"], item["eventType"]) for item in data["result"]} == {
        (WEBSITE, "track"),
        (WEBSITE, "page"),
        (IOS, "track"),
        (IOS, "page"),
    }
    assert "transformations" not in data


async def test_no_filter_gives_one_series_for_the_workspace(emulator: Emulator, conn: dict[str, Any]) -> None:
    data = await volume(
        {"granularity": "HOUR", "startTime": "2024-03-01T00:00:00Z", "endTime": "2024-03-01T06:00:00Z"}, conn
    )
    [item] = data["result"]
    assert "source" not in item and len(item["series"]) == 6
    assert emulator.requests[0].query == [
        ("granularity", "HOUR"),
        ("startTime", "2024-03-01T00:00:00Z"),
        ("endTime", "2024-03-01T06:00:00Z"),
        ("pagination[count]", "50"),
    ]


async def test_pages_and_fetch_all_see_every_group_once(emulator: Emulator, conn: dict[str, Any]) -> None:
    query = {**WEEK, "groupBy": ["source", "eventName"]}
    everything = await volume({**query, "fetchAll": True}, conn)
    groups = [(item["source"]["id"], item["eventName"]) for item in everything["result"]]
    assert len(groups) == len(set(groups)) == len(emulator.state.sources) * 8
    assert everything["pagination"] == {"totalEntries": len(groups)}

    paged: list[tuple[str, str]] = []
    cursor = None
    while True:
        page = await volume({**query, "count": 5, **({"cursor": cursor} if cursor else {})}, conn)
        assert len(page["result"]) <= 5
        paged += [(item["source"]["id"], item["eventName"]) for item in page["result"]]
        cursor = page["pagination"].get("next")
        if not cursor:
            break
    assert paged == groups


async def test_window_checks_happen_before_any_request(emulator: Emulator, conn: dict[str, Any]) -> None:
    for changes in ({"endTime": "2024-01-01T00:00:00Z"}, {"startTime": "2024-01-01"}, {"granularity": "WEEK"}):
        with pytest.raises(InputError):
            await volume({**WEEK, **changes}, conn)
    assert emulator.requests == []


async def test_a_window_too_large_for_the_api_is_invalid(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as caught:
        await volume(
            {"granularity": "MINUTE", "startTime": "2024-01-01T00:00:00Z", "endTime": "2024-02-01T00:00:00Z"}, conn
        )
    assert caught.value.status == 422
