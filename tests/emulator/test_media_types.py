"""Media types: request Content-Type (415), Accept negotiation (406), response types."""

from __future__ import annotations

import pytest

from component.emulator import DEMO_IDS

from .conftest import V1, Client

D = DEMO_IDS
NEW_SOURCE = {"slug": "media", "enabled": True, "metadataId": D["sourceMetadata"]}


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        V1,
        "application/vnd.segment.v1beta+json",
        "application/vnd.segment.v1alpha+json; charset=UTF-8",
        "Application/JSON",
    ],
)
async def test_accepted_request_types(api: Client, content_type: str) -> None:
    reply = await api.post("/sources", NEW_SOURCE, headers={"Content-Type": content_type})
    assert reply.status == 201, reply.text


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/vnd.segment.v2+json", None]
)
async def test_other_request_types_are_415(api: Client, content_type: str | None) -> None:
    reply = await api.post("/sources", NEW_SOURCE, headers={"Content-Type": content_type})
    assert reply.status == 415
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.error["status"] == 415


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        (V1, V1),
        ("application/json", "application/json"),
        ("application/vnd.segment.v1beta+json", "application/vnd.segment.v1beta+json"),
        ("application/vnd.segment.v1alpha+json", "application/vnd.segment.v1alpha+json"),
        ("*/*", V1),
        ("application/*", V1),
        (None, V1),
        ("text/html, application/json;q=0.9", "application/json"),
    ],
)
async def test_response_type_follows_accept(api: Client, accept: str | None, served: str) -> None:
    reply = await api.get(f"/sources/{D['source']}", headers={"Accept": accept})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == served


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/vnd.segment.v2+json", "*/*;q=0"])
async def test_unservable_accept_is_406(api: Client, accept: str) -> None:
    reply = await api.get("/", headers={"Accept": accept})
    assert reply.status == 406
    assert reply.headers["Content-Type"] == "application/json"


async def test_errors_are_plain_json_whatever_the_accept(api: Client) -> None:
    reply = await api.get("/sources/nope", headers={"Accept": V1})
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/json"
    assert set(reply.body) == {"errors"}


async def test_body_on_a_bodiless_operation_is_ignored(api: Client) -> None:
    reply = await api.request("DELETE", f"/sources/{D['source']}", data="whatever", headers={"Content-Type": "text/x"})
    assert reply.status == 200
