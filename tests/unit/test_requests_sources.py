"""Exact requests: Sources, the sources picklist and the raw request."""

from __future__ import annotations

import pytest

from tests.request_cases import Case, check_exact_request

SOURCE = "kjU72LCJexvrqL7G4TMHHN"

CASES = [
    Case("getSource", {"sourceId": SOURCE}, "GET", f"/sources/{SOURCE}"),
    Case("listSources", {}, "GET", "/sources", [("pagination[count]", "50")]),
    Case(
        "listSources",
        {"count": 10, "cursor": "MTA="},
        "GET",
        "/sources",
        [("pagination[count]", "10"), ("pagination[cursor]", "MTA=")],
    ),
    Case(
        "createSource",
        {"slug": "web", "metadataId": "1bow82lmk"},
        "POST",
        "/sources",
        body={"slug": "web", "enabled": True, "metadataId": "1bow82lmk"},
    ),
    Case(
        "createSource",
        {"slug": "web", "metadataId": "m", "enabled": False, "settings": {"a": 1}, "disconnectAllWarehouses": True},
        "POST",
        "/sources",
        body={
            "slug": "web",
            "enabled": False,
            "metadataId": "m",
            "settings": {"a": 1},
            "disconnectAllWarehouses": True,
        },
    ),
    Case("updateSource", {"sourceId": SOURCE, "name": "Web"}, "PATCH", f"/sources/{SOURCE}", body={"name": "Web"}),
    Case(
        "updateSource",
        {"sourceId": SOURCE, "name": "Web", "slug": "web", "enabled": True, "settings": {}},
        "PATCH",
        f"/sources/{SOURCE}",
        body={"name": "Web", "slug": "web", "enabled": True, "settings": {}},
    ),
    Case("deleteSource", {"sourceId": SOURCE}, "DELETE", f"/sources/{SOURCE}"),
    Case(
        "sources",
        {},
        "GET",
        "/sources",
        [("pagination[count]", "1000")],
        response={"data": {"sources": [], "pagination": {"current": "MA=="}}},
    ),
    Case(
        "rawRequest",
        {"url": "/catalog/destinations?pagination[count]=5", "method": "get"},
        "GET",
        "/catalog/destinations",
        [("pagination[count]", "5")],
    ),
    Case(
        "rawRequest",
        {"url": "sources", "method": "POST", "data": '{"slug": "x"}', "queryParams": {"a": "1"}},
        "POST",
        "/sources",
        [("a", "1")],
        body={"slug": "x"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_exact_request(case: Case) -> None:
    await check_exact_request(case)
