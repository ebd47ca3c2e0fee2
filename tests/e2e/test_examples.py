"""Every action's example input runs against the demo workspace, and does what it says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from component import segment
from component.emulator import DEMO_IDS, Emulator, Workspace
from component.segment.client import V1ALPHA
from component.segment.ids import DEMO_DESTINATION, DEMO_SUBSCRIPTION
from tests.e2e.conftest import run

Check = Callable[[Any, Emulator], None]


def _alpha_only(body: Any, emulator: Emulator) -> None:
    """Destination Subscriptions exist only in the alpha API: every request asked for (and, with a
    body, sent) the alpha media type."""
    assert emulator.requests
    for request in emulator.requests:
        assert request.headers["Accept"] == V1ALPHA
        if request.body:
            assert request.headers["Content-Type"] == V1ALPHA


def _in(table: Callable[[Workspace], dict[str, Any]], *path: str) -> Check:
    """The record the body holds (at `path`) is in the workspace."""

    def check(body: Any, emulator: Emulator) -> None:
        item = body
        for part in path:
            item = item[part]
        assert item["id"] in table(emulator.state)

    return check


def _gone(table: Callable[[Workspace], dict[str, Any]], record_id: str, *, status: bool = False) -> Check:
    def check(body: Any, emulator: Emulator) -> None:
        assert record_id not in table(emulator.state)
        if status:
            assert body["data"] == {"status": "SUCCESS"}

    return check


def _not_empty(body: Any, emulator: Emulator) -> None:
    assert body["data"]


def _subscription_disabled(body: Any, emulator: Emulator) -> None:
    assert emulator.state.subscriptions[DEMO_SUBSCRIPTION]["enabled"] is False


def _weekly_volume_of_every_source(body: Any, emulator: Emulator) -> None:
    result = body["data"]["result"]
    assert [item["source"]["id"] for item in result] == list(emulator.state.sources)
    for item in result:
        assert [point["time"][:10] for point in item["series"]] == [f"2024-01-0{d}" for d in range(1, 8)]
        assert item["total"] == sum(point["count"] for point in item["series"])


def _snapshot_of_the_workspace(body: Any, emulator: Emulator) -> None:
    snapshot = body["snapshot"]
    assert sorted(snapshot["sources"]) == sorted(s["slug"] for s in emulator.state.sources.values())
    assert body["secretReferences"] == snapshot["secretReferences"]


# What an example must have done beyond answering with an object, by handler.
AFTER: dict[str, list[Check]] = {
    "createDestination": [_in(lambda ws: ws.destinations, "data", "destination")],
    "deleteDestination": [_gone(lambda ws: ws.destinations, DEMO_DESTINATION)],
    "getFunction": [_in(lambda ws: ws.functions, "data", "function")],
    "createFunction": [_in(lambda ws: ws.functions, "data", "function")],
    "updateFunction": [_in(lambda ws: ws.functions, "data", "function")],
    "deleteFunction": [_gone(lambda ws: ws.functions, DEMO_IDS["function"], status=True)],
    "getTransformation": [_in(lambda ws: ws.transformations, "data", "transformation")],
    "createTransformation": [_in(lambda ws: ws.transformations, "data", "transformation")],
    "updateTransformation": [_in(lambda ws: ws.transformations, "data", "transformation")],
    "deleteTransformation": [_gone(lambda ws: ws.transformations, DEMO_IDS["transformation"], status=True)],
    "getDestinationSubscription": [_alpha_only],
    "listDestinationSubscriptions": [_alpha_only],
    "createDestinationSubscription": [_alpha_only, _in(lambda ws: ws.subscriptions, "data", "destinationSubscription")],
    "updateDestinationSubscription": [_alpha_only, _subscription_disabled],
    "deleteDestinationSubscription": [_alpha_only, _gone(lambda ws: ws.subscriptions, DEMO_SUBSCRIPTION)],
    "listDestinationCatalog": [_not_empty],
    "listSourcesCatalog": [_not_empty],
    "listWarehousesCatalog": [_not_empty],
    "getDestinationMetadata": [_not_empty],
    "getSourceMetadata": [_not_empty],
    "getWarehouseMetadata": [_not_empty],
    "getEventsVolumeFromWorkspace": [_weekly_volume_of_every_source],
    "exportWorkspace": [_snapshot_of_the_workspace],
}
#: Actions whose body is not one API answer's `{"data": ...}` envelope: the raw request returns
#: whatever the path answers, and the export assembles a snapshot from many answers.
NOT_ONE_ANSWER = {"rawRequest", "exportWorkspace"}


def test_every_check_names_an_action() -> None:
    assert set(AFTER) <= set(segment.actions)


@pytest.mark.parametrize("key", sorted(segment.actions))
async def test_example_runs(key: str, emulator: Emulator, conn: dict[str, Any]) -> None:
    body = await run(key, dict(segment.actions[key].example), conn)
    if key not in NOT_ONE_ANSWER:
        assert isinstance(body, dict) and isinstance(body.get("data"), dict), key
    for check in AFTER.get(key, ()):
        check(body, emulator)
