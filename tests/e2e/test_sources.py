"""Sources, the connection test and the raw request, end to end against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_IDS, Emulator
from component.segment.errors import Conflict, InputError, NotFound, Unauthorized
from tests.e2e.conftest import run

SOURCE = DEMO_IDS["source"]


async def test_source_lifecycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    created = await run(
        "createSource",
        {
            "slug": "checkout-web",
            "metadataId": DEMO_IDS["sourceMetadata"],
            "settings": '{"website": "https://shop.example"}',
        },
        conn,
    )
    source = created["data"]["source"]
    assert source["slug"] == "checkout-web" and source["enabled"] is True
    assert emulator.state.sources[source["id"]]["settings"] == {"website": "https://shop.example"}

    fetched = await run("getSource", {"sourceId": source["id"]}, conn)
    assert fetched["data"]["source"]["id"] == source["id"]

    listed = await run("listSources", {"fetchAll": True}, conn)
    assert source["id"] in [s["id"] for s in listed["data"]["sources"]]

    updated = await run("updateSource", {"sourceId": source["id"], "name": "Checkout", "enabled": "false"}, conn)
    assert updated["data"]["source"]["name"] == "Checkout"
    stored = emulator.state.sources[source["id"]]
    assert stored["enabled"] is False and stored["settings"] == {"website": "https://shop.example"}

    deleted = await run("deleteSource", {"sourceId": source["id"]}, conn)
    assert deleted["data"]["status"] == "SUCCESS"
    assert source["id"] not in emulator.state.sources
    with pytest.raises(NotFound):
        await run("getSource", {"sourceId": source["id"]}, conn)


async def test_list_sources_pages(emulator: Emulator, conn: dict[str, Any]) -> None:
    first = await run("listSources", {"count": 2}, conn)
    assert len(first["data"]["sources"]) == 2
    second = await run("listSources", {"count": 2, "cursor": first["data"]["pagination"]["next"]}, conn)
    seen = [s["id"] for s in first["data"]["sources"] + second["data"]["sources"]]
    assert len(set(seen)) == 4 == len(emulator.state.sources)


async def test_fetch_all_sees_every_source_once_over_pages(conn: dict[str, Any]) -> None:
    from component.emulator import running_emulator

    async with running_emulator(seed=1500, rate_limits=False) as big:
        result = await run("listSources", {"fetchAll": True}, {**conn, "baseUrl": big.url})
        ids = [s["id"] for s in result["data"]["sources"]]
        assert len(ids) == len(set(ids)) == len(big.state.sources) > 1000
        assert sum(1 for r in big.requests if r.path == "/sources") == 2


async def test_a_taken_slug_is_a_conflict(conn: dict[str, Any]) -> None:
    with pytest.raises(Conflict):
        await run("createSource", {"slug": "my-test-source-rhpd18", "metadataId": DEMO_IDS["sourceMetadata"]}, conn)


async def test_source_settings_keep_their_json_types(emulator: Emulator, conn: dict[str, Any]) -> None:
    settings = {"n": 5, "flag": True, "nested": {"list": [1, "a"]}}
    await run("updateSource", {"sourceId": SOURCE, "settings": settings}, conn)
    assert emulator.state.sources[SOURCE]["settings"] == settings
    await run("updateSource", {"sourceId": SOURCE, "name": "Renamed"}, conn)
    assert emulator.requests[-1].json == {"name": "Renamed"}  # no settings sent when not given


def test_source_metadata_id_is_about_sources_and_has_a_picklist() -> None:
    prop = segment.actions["createSource"].spec.schema["properties"]["metadataId"]
    assert "Source" in prop["description"] and "Warehouse" not in prop["description"]
    assert prop["x-dataSource"] == "selectSourceMetadata"


async def test_the_connection_test_checks_token_and_workspace(conn: dict[str, Any]) -> None:
    ok = await segment.test_connection(conn)
    assert ok["data"]["data"]["workspace"]["slug"] == "demo-workspace"
    with pytest.raises(Unauthorized, match="API key was refused"):
        await segment.test_connection({**conn, "apiKey": "not-the-token"})
    with pytest.raises(InputError) as caught:
        await segment.test_connection({**conn, "subdomain": "other-workspace"})
    assert caught.value.fields == ("connection.subdomain",)
    assert "'demo-workspace'" in str(caught.value) and "'other-workspace'" in str(caught.value)


def test_raw_request_url_help_names_both_regions_plainly() -> None:
    help_text = segment.actions["rawRequest"].spec.schema["properties"]["url"]["description"]
    assert "https://api.segmentapis.com" in help_text and "https://eu1.api.segmentapis.com" in help_text
    assert "apí" not in help_text


async def test_raw_request_end_to_end(emulator: Emulator, conn: dict[str, Any]) -> None:
    result = await run("rawRequest", {"url": f"/sources/{SOURCE}", "method": "GET"}, conn)
    assert result["data"]["source"]["id"] == SOURCE
    created = await run(
        "rawRequest",
        {
            "url": "/sources",
            "method": "POST",
            "data": {"slug": "raw-made", "enabled": True, "metadataId": DEMO_IDS["sourceMetadata"]},
        },
        conn,
    )
    assert created["data"]["source"]["slug"] == "raw-made"
    request = emulator.requests[-1]
    assert request.headers["Content-Type"] == "application/vnd.segment.v1+json"
