"""GET /events/volume: required parameters, buckets, grouping, filters, determinism, paging."""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS, Emulator

from .conftest import Client

D = DEMO_IDS
WINDOW = "startTime=2024-01-01T00:00:00Z&endTime=2024-01-01T03:00:00Z"


async def test_ungrouped_hourly(api: Client) -> None:
    reply = await api.get(f"/events/volume?granularity=HOUR&{WINDOW}")
    assert reply.status == 200
    data = reply.data
    assert data["path"] == "/events/volume"
    assert data["query"] == {
        "granularity": "HOUR",
        "startTime": "2024-01-01T00:00:00Z",
        "endTime": "2024-01-01T03:00:00Z",
    }
    assert len(data["result"]) == 1
    item = data["result"][0]
    assert set(item) == {"total", "series"}
    assert [p["time"] for p in item["series"]] == [
        "2024-01-01T00:00:00Z",
        "2024-01-01T01:00:00Z",
        "2024-01-01T02:00:00Z",
    ]
    assert item["total"] == sum(p["count"] for p in item["series"])
    assert data["pagination"]["totalEntries"] == 1


@pytest.mark.parametrize(
    ("granularity", "start", "end", "buckets"),
    [
        ("MINUTE", "2024-01-01T00:00:30Z", "2024-01-01T00:05:00Z", 5),
        ("HOUR", "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00", 24),
        ("DAY", "2024-01-01T00:00:00.000Z", "2024-01-08T00:00:00.000Z", 7),
        ("DAY", "2024-01-01", "2024-01-01T00:00:01Z", 1),
    ],
)
async def test_buckets(api: Client, granularity: str, start: str, end: str, buckets: int) -> None:
    reply = await api.get("/events/volume", params={"granularity": granularity, "startTime": start, "endTime": end})
    assert reply.status == 200, reply.text
    assert len(reply.data["result"][0]["series"]) == buckets


async def test_deterministic(api: Client) -> None:
    path = f"/events/volume?granularity=HOUR&{WINDOW}&groupBy=source&groupBy=eventName"
    first, second = await api.get(path), await api.get(path)
    assert first.data == second.data


async def test_group_by_source(api: Client, emu: Emulator) -> None:
    reply = await api.get(f"/events/volume?granularity=DAY&{WINDOW}&groupBy.0=source")
    result = reply.data["result"]
    assert [r["source"]["id"] for r in result] == list(emu.state.sources)
    assert result[0]["source"] == {"id": D["source"], "name": "Website", "slug": "my-test-source-rhpd18"}
    assert "eventName" not in result[0]


async def test_group_by_event_name_and_type(api: Client) -> None:
    reply = await api.get(f"/events/volume?granularity=DAY&{WINDOW}&groupBy[0]=eventName&groupBy[1]=eventType")
    result = reply.data["result"]
    assert all(set(r) == {"eventName", "eventType", "total", "series"} for r in result)
    assert ("Order Completed", "track") in [(r["eventName"], r["eventType"]) for r in result]
    # The spec calls groupBy "comma-delimited": the same grouping.
    comma = await api.get(f"/events/volume?granularity=DAY&{WINDOW}&groupBy=eventName,eventType")
    assert comma.data["result"] == result


async def test_filters(api: Client) -> None:
    base = f"/events/volume?granularity=DAY&{WINDOW}&groupBy=source&groupBy=eventType"
    reply = await api.get(f"{base}&sourceId.0={D['source']}&eventType[]=track&eventType[]=page")
    result = reply.data["result"]
    assert {r["source"]["id"] for r in result} == {D["source"]}
    assert {r["eventType"] for r in result} == {"track", "page"}
    assert reply.data["query"]["sourceId"] == [D["source"]]
    assert reply.data["query"]["eventType"] == ["track", "page"]
    names = await api.get(f"/events/volume?granularity=DAY&{WINDOW}&groupBy=eventName&eventName=Signed%20Up")
    assert [r["eventName"] for r in names.data["result"]] == ["Signed Up"]
    versions = await api.get(f"/events/volume?granularity=DAY&{WINDOW}&appVersion=1.2.0")
    plain = await api.get(f"/events/volume?granularity=DAY&{WINDOW}")
    assert versions.data["query"]["appVersion"] == ["1.2.0"]
    assert versions.data["result"][0]["series"] != plain.data["result"][0]["series"]
    none = await api.get(f"/events/volume?granularity=DAY&{WINDOW}&eventName=Nothing")
    assert none.data["result"] == [] and none.data["pagination"]["totalEntries"] == 0


async def test_paginates_groups(api: Client, emu: Emulator) -> None:
    items, pages = await api.walk("/events/volume", "result", 3, query=f"granularity=DAY&{WINDOW}&groupBy=source")
    assert [i["source"]["id"] for i in items] == list(emu.state.sources)
    assert pages == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (WINDOW, "granularity"),
        (f"granularity=WEEK&{WINDOW}", "granularity"),
        ("granularity=DAY&endTime=2024-01-01T03:00:00Z", "startTime"),
        ("granularity=DAY&startTime=2024-01-01T00:00:00Z", "endTime"),
        ("granularity=DAY&startTime=yesterday&endTime=2024-01-01T03:00:00Z", "startTime"),
        ("granularity=DAY&startTime=2024-01-01T00:00:00Z&endTime=2024-13-01", "endTime"),
        ("granularity=DAY&startTime=2024-01-02T00:00:00Z&endTime=2024-01-01T00:00:00Z", "endTime"),
        ("granularity=DAY&startTime=2024-01-01T00:00:00Z&endTime=2024-01-01T00:00:00Z", "endTime"),
        ("granularity=MINUTE&startTime=2024-01-01T00:00:00Z&endTime=2024-02-01T00:00:00Z", "endTime"),
        (f"granularity=DAY&{WINDOW}&groupBy=country", "groupBy"),
        (f"granularity=DAY&{WINDOW}&pagination[count]=0", "pagination.count"),
    ],
)
async def test_validation(api: Client, query: str, field: str) -> None:
    reply = await api.get(f"/events/volume?{query}")
    assert reply.status == 422, reply.text
    assert reply.error["field"] == field
