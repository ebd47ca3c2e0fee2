"""Exact requests: exportWorkspace, which reads the whole workspace through the list actions."""

from __future__ import annotations

import re
from typing import Any

from aioresponses import aioresponses

from component import segment
from tests.helpers import CONNECTION, sent
from tests.request_cases import V1, V1ALPHA, Case

FULL = [("pagination[count]", "1000")]
PG = {
    "id": "55d3d3aea3c",
    "name": "Postgres",
    "options": [{"name": "password", "type": "password"}, {"name": "hostname", "type": "string"}],
}
WEBHOOKS = {
    "id": "wh",
    "name": "Webhooks (Actions)",
    "options": [{"name": "sharedSecret", "type": "password"}],
    "actions": [{"id": "a1"}],
}
SOURCE = {
    "id": "s1",
    "slug": "web",
    "name": "Web",
    "enabled": True,
    "settings": {},
    "labels": [],
    "metadata": {"id": "js", "name": "Javascript", "options": []},
}
DESTINATION = {
    "id": "d1",
    "name": "Hook",
    "enabled": True,
    "sourceId": "s1",
    "metadata": WEBHOOKS,
    "settings": {"sharedSecret": "whsec_canary"},
}
WAREHOUSE = {
    "id": "w1",
    "name": "PG",
    "enabled": True,
    "metadata": PG,
    "settings": {"hostname": "db", "password": "pg_canary"},
}
FUNCTION = {"id": "sfnc_1", "displayName": "Parser", "resourceType": "SOURCE", "code": "x", "settings": []}
SUBSCRIPTION = {
    "id": "sub1",
    "name": "Send",
    "actionId": "a1",
    "trigger": 'type = "track"',
    "enabled": True,
    "settings": {},
}

# The coverage test reads CASES; exportWorkspace sends many requests, checked below.
CASES = [Case("exportWorkspace", {}, "GET", "/sources", FULL)]


def page(collection: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": {collection: items, "pagination": {"current": "MA==", "totalEntries": len(items)}}}


async def test_export_workspace_reads_every_list_once_with_full_pages() -> None:
    answers = [
        (r"/sources\?", page("sources", [SOURCE])),
        (r"/destinations\?", page("destinations", [DESTINATION])),
        (r"/warehouses\?", page("warehouses", [WAREHOUSE])),
        (r"/transformations\?", page("transformations", [])),
        (r"/functions\?.*resourceType=SOURCE", page("functions", [FUNCTION])),
        (r"/functions\?", page("functions", [])),
        (r"/functions/sfnc_1$", {"data": {"function": FUNCTION}}),
        (r"/destinations/d1/subscriptions\?", page("subscriptions", [SUBSCRIPTION])),
        (r"/warehouses/w1/connected-sources\?", page("sources", [SOURCE])),
    ]
    with aioresponses() as mock:
        for pattern, body in answers:
            mock.get(re.compile(r"https://api\.segmentapis\.com" + pattern), payload=body, repeat=True)
        result = await segment.invoke("exportWorkspace", {}, connection=CONNECTION)
        requests = sent(mock)
    seen = sorted((r.method, r.path, tuple(r.query), r.headers["Accept"], r.body) for r in requests)
    functions = [
        ("GET", "/functions", (*FULL, ("resourceType", t)), V1, None)
        for t in ("SOURCE", "DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION")
    ]
    # aioresponses keeps the query in the URL: the pagination and the function type, in any order.
    normalised = sorted((m, p, tuple(sorted(q)), a, b) for m, p, q, a, b in seen)
    expected = sorted(
        (m, p, tuple(sorted(q)), a, b)
        for m, p, q, a, b in [
            ("GET", "/sources", tuple(FULL), V1, None),
            ("GET", "/destinations", tuple(FULL), V1, None),
            ("GET", "/warehouses", tuple(FULL), V1, None),
            ("GET", "/transformations", tuple(FULL), V1, None),
            *functions,
            ("GET", "/functions/sfnc_1", (), V1, None),
            ("GET", "/destinations/d1/subscriptions", tuple(FULL), V1ALPHA, None),
            ("GET", "/warehouses/w1/connected-sources", tuple(FULL), V1, None),
        ]
    )
    assert normalised == expected
    snapshot = result["data"]["snapshot"]
    assert snapshot["warehouses"]["PG"]["settings"] == {
        "hostname": "db",
        "password": {"$secret": "WAREHOUSE_PG_PASSWORD"},
    }
    assert snapshot["warehouses"]["PG"]["sources"] == ["web"]
    hook = snapshot["sources"]["web"]["destinations"]["Hook"]
    assert hook["settings"] == {"sharedSecret": {"$secret": "DESTINATION_WEB_HOOK_SHAREDSECRET"}}
    assert hook["subscriptions"]["Send"]["actionId"] == "a1"
    assert result["data"]["secretReferences"] == ["DESTINATION_WEB_HOOK_SHAREDSECRET", "WAREHOUSE_PG_PASSWORD"]
    assert "canary" not in repr(result)
