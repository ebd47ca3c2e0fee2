"""The exact request each handler sends: method, path, query, body and media type.

One row per case; each handler has at least one. The response is a canned success, so these
tests look only at what leaves the component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from aioresponses import aioresponses

from component import segment
from tests.helpers import CONNECTION, only

V1 = "application/vnd.segment.v1+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"
SOURCE = "kjU72LCJexvrqL7G4TMHHN"


@dataclass
class Case:
    key: str
    inputs: dict[str, Any]
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None
    media_type: str = V1
    response: Any = field(default_factory=lambda: {"data": {}})

    @property
    def id(self) -> str:
        return f"{self.key}-{len(self.inputs)}"


CASES = [
    Case("getSource", {"sourceId": SOURCE}, "GET", f"/sources/{SOURCE}"),
    Case("listSources", {}, "GET", "/sources", [("pagination[count]", "50")]),
    Case("listSources", {"count": 10, "cursor": "MTA="}, "GET", "/sources",
         [("pagination[count]", "10"), ("pagination[cursor]", "MTA=")]),
    Case("createSource", {"slug": "web", "metadataId": "1bow82lmk"}, "POST", "/sources",
         body={"slug": "web", "enabled": True, "metadataId": "1bow82lmk"}),
    Case("createSource", {"slug": "web", "metadataId": "m", "enabled": False, "settings": {"a": 1},
                          "disconnectAllWarehouses": True}, "POST", "/sources",
         body={"slug": "web", "enabled": False, "metadataId": "m", "settings": {"a": 1},
               "disconnectAllWarehouses": True}),
    Case("updateSource", {"sourceId": SOURCE, "name": "Web"}, "PATCH", f"/sources/{SOURCE}", body={"name": "Web"}),
    Case("updateSource", {"sourceId": SOURCE, "name": "Web", "slug": "web", "enabled": True, "settings": {}},
         "PATCH", f"/sources/{SOURCE}", body={"name": "Web", "slug": "web", "enabled": True, "settings": {}}),
    Case("deleteSource", {"sourceId": SOURCE}, "DELETE", f"/sources/{SOURCE}"),
    Case("sources", {}, "GET", "/sources", [("pagination[count]", "1000")],
         response={"data": {"sources": [], "pagination": {"current": "MA=="}}}),
    Case("rawRequest", {"url": "/catalog/destinations?pagination[count]=5", "method": "get"}, "GET",
         "/catalog/destinations", [("pagination[count]", "5")]),
    Case("rawRequest", {"url": "sources", "method": "POST", "data": '{"slug": "x"}',
                        "queryParams": {"a": "1"}}, "POST", "/sources", [("a", "1")], body={"slug": "x"}),
]

#: Every handler the registry declares must have a row above.
COVERED = {case.key for case in CASES}


def test_every_handler_has_an_exact_request_case() -> None:
    assert set(segment.actions) | set(segment.data_sources) <= COVERED


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_exact_request(case: Case) -> None:
    with aioresponses() as mock:
        mock.add(re.compile(r".*"), method=case.method, payload=case.response)
        await segment.invoke(case.key, case.inputs, connection=CONNECTION)
        request = only(mock)
    assert request.method == case.method
    assert (request.url.scheme, request.url.host) == ("https", "api.segmentapis.com")
    assert request.path == case.path
    assert request.query == case.query
    assert request.body == case.body
    assert request.headers["Accept"] == case.media_type
    if case.body is not None:
        assert request.headers["Content-Type"] == case.media_type
