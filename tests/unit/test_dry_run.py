"""A host's dry run (`invoke(..., dry_run=True)`): reads are sent, the first write is described
instead, with the invocation's secrets masked, and nothing that could change anything is sent."""

from __future__ import annotations

import re

import pytest
from aioresponses import aioresponses

from component import segment
from component.framework.hosting import WouldSend
from tests.helpers import CANARY, CONNECTION, sent


async def test_a_write_is_described_and_not_sent() -> None:
    with aioresponses() as mock:
        mock.add(re.compile(r".*"), method="PATCH", payload={"data": {}})
        with pytest.raises(WouldSend) as caught:
            await segment.invoke(
                "updateSource", {"sourceId": "src 1", "name": "New"}, connection=CONNECTION, dry_run=True
            )
        assert sent(mock) == []
    assert caught.value.describe() == {
        "method": "PATCH",
        "path": "/sources/src%201",
        "query": [],
        "body": {"name": "New"},
    }


async def test_a_delete_keeps_its_query_and_a_read_is_sent() -> None:
    with aioresponses() as mock:
        mock.add(re.compile(r".*"), method="GET", payload={"data": {"source": {"id": "s"}}})
        with pytest.raises(WouldSend) as caught:
            await segment.invoke("deleteUser", {"userIds": ["a", "b"]}, connection=CONNECTION, dry_run=True)
        result = await segment.invoke("getSource", {"sourceId": "s"}, connection=CONNECTION, dry_run=True)
        assert [request.method for request in sent(mock)] == ["GET"]
    assert caught.value.method == "DELETE"
    assert caught.value.query == [("userIds.0", "a"), ("userIds.1", "b")]
    assert result == {"data": {"data": {"source": {"id": "s"}}}}


async def test_the_token_is_masked_in_what_would_be_sent() -> None:
    with pytest.raises(WouldSend) as caught:
        await segment.invoke(
            "rawRequest",
            {"url": "/sources", "method": "POST", "data": {"echo": CANARY}},
            connection=CONNECTION,
            dry_run=True,
        )
    assert CANARY not in repr(caught.value.describe())
    assert caught.value.body == {"echo": "[redacted]"}
