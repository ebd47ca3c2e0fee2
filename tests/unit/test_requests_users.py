"""Exact requests: Users, invites and the event volume; the inputs they refuse before any request."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from component import segment
from component.segment.errors import InputError
from tests.helpers import CONNECTION, sent
from tests.request_cases import Case, check_exact_request

USER = "u7Ruh3KrmSqF1VGqJ5aYQn"
ROLE = "1xPyHMkA9ZvEJy9KrwVNZ5ZWSEP"
WINDOW = {"granularity": "DAY", "startTime": "2024-01-01T00:00:00Z", "endTime": "2024-01-08T00:00:00Z"}
WINDOW_QUERY = [("granularity", "DAY"), ("startTime", "2024-01-01T00:00:00Z"), ("endTime", "2024-01-08T00:00:00Z")]
FULL_INVITE = {
    "email": "a@example.com",
    "permissions": [
        {
            "roleId": ROLE,
            "resources": [{"id": "ws1", "type": "WORKSPACE"}, {"id": "src1", "type": "SOURCE"}],
            "labels": [{"key": "env", "value": "prod", "description": "Production"}],
        }
    ],
}


def query(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """aioresponses records the query sorted by key: the indexed keys keep the order visible."""
    return sorted(pairs)


CASES = [
    Case("getUser", {"userId": USER}, "GET", f"/users/{USER}"),
    Case("getUser", {"userId": "a/b"}, "GET", "/users/a%2Fb"),
    Case("listUsers", {}, "GET", "/users", [("pagination[count]", "50")]),
    Case(
        "listUsers",
        {"count": "5", "cursor": "NQ=="},
        "GET",
        "/users",
        [("pagination[count]", "5"), ("pagination[cursor]", "NQ==")],
    ),
    Case(
        "createUserInvites",
        {"invites": [{"email": "a@example.com"}]},
        "POST",
        "/invites",
        body={"invites": [{"email": "a@example.com"}]},
        status=201,
    ),
    Case(
        "createUserInvites",
        {"invites": [FULL_INVITE, {"email": "b@example.com", "permissions": []}]},
        "POST",
        "/invites",
        body={"invites": [FULL_INVITE, {"email": "b@example.com", "permissions": []}]},
        status=201,
    ),
    # JSON text from a form host, and a label without its optional description.
    Case(
        "createUserInvites",
        {
            "invites": '[{"email": "a@example.com", "permissions": [{"roleId": "r", '
            '"labels": [{"key": "k", "value": "v"}]}]}]'
        },
        "POST",
        "/invites",
        body={
            "invites": [
                {"email": "a@example.com", "permissions": [{"roleId": "r", "labels": [{"key": "k", "value": "v"}]}]}
            ]
        },
        status=201,
    ),
    Case("deleteUser", {"userIds": [USER]}, "DELETE", "/users", [("userIds.0", USER)]),
    Case(
        "deleteUser",
        {"userIds": "a, b,c"},
        "DELETE",
        "/users",
        [("userIds.0", "a"), ("userIds.1", "b"), ("userIds.2", "c")],
    ),
    Case(
        "getEventsVolumeFromWorkspace",
        WINDOW,
        "GET",
        "/events/volume",
        query(*WINDOW_QUERY, ("pagination[count]", "50")),
    ),
    Case(
        "getEventsVolumeFromWorkspace",
        {
            **WINDOW,
            "groupBy": ["source", "eventName"],
            "sourceId": ["s1", "s2"],
            "eventName": ["Signed Up"],
            "eventType": ["track"],
            "appVersion": ["1.0", "1.1"],
            "count": 10,
            "cursor": "MTA=",
        },
        "GET",
        "/events/volume",
        query(
            *WINDOW_QUERY,
            ("groupBy.0", "source"),
            ("groupBy.1", "eventName"),
            ("sourceId.0", "s1"),
            ("sourceId.1", "s2"),
            ("eventName.0", "Signed Up"),
            ("eventType.0", "track"),
            ("appVersion.0", "1.0"),
            ("appVersion.1", "1.1"),
            ("pagination[count]", "10"),
            ("pagination[cursor]", "MTA="),
        ),
    ),
    # Empty lists are "no filter": nothing is sent for them (the replaced component sent a placeholder '000xxx').
    Case(
        "getEventsVolumeFromWorkspace",
        {**WINDOW, "groupBy": [], "sourceId": [], "eventName": "", "eventType": None, "appVersion": []},
        "GET",
        "/events/volume",
        query(*WINDOW_QUERY, ("pagination[count]", "50")),
    ),
    Case(
        "getEventsVolumeFromWorkspace",
        {
            "granularity": "MINUTE",
            "startTime": "2024-01-01T10:00:00.000+02:00",
            "endTime": "2024-01-01T09:00:00.000Z",
            "groupBy": "eventType",
        },
        "GET",
        "/events/volume",
        query(
            ("granularity", "MINUTE"),
            ("startTime", "2024-01-01T10:00:00.000+02:00"),
            ("endTime", "2024-01-01T09:00:00.000Z"),
            ("groupBy.0", "eventType"),
            ("pagination[count]", "50"),
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_exact_request(case: Case) -> None:
    await check_exact_request(case)


async def reasons(mock: aioresponses, key: str, inputs: dict[str, Any]) -> dict[str, str]:
    """The InputError's reasons by field; no request may have been sent."""
    with pytest.raises(InputError) as caught:
        await segment.invoke(key, inputs, connection=CONNECTION)
    assert sent(mock) == []
    return {error.field: error.reason for error in caught.value.errors}


async def test_events_volume_goes_to_events_volume_not_transformations(mock: aioresponses) -> None:
    mock.get(
        "https://api.segmentapis.com/events/volume?granularity=HOUR&startTime=2024-01-01T00:00:00Z"
        "&endTime=2024-01-01T02:00:00Z&groupBy.0=source&sourceId.0=s1&pagination%5Bcount%5D=50",
        payload={"data": {"result": []}},
    )
    await segment.invoke(
        "getEventsVolumeFromWorkspace",
        {
            "granularity": "HOUR",
            "startTime": "2024-01-01T00:00:00Z",
            "endTime": "2024-01-01T02:00:00Z",
            "groupBy": ["source"],
            "sourceId": ["s1"],
        },
        connection=CONNECTION,
    )
    [request] = sent(mock)
    assert request.path == "/events/volume"
    assert "transformations" not in str(request.url)


@pytest.mark.parametrize("inputs", [{}, {"userIds": []}, {"userIds": ""}, {"userIds": "[]"}, {"userIds": [""]}])
async def test_delete_users_requires_at_least_one_user_id(mock: aioresponses, inputs: dict[str, Any]) -> None:
    got = await reasons(mock, "deleteUser", inputs)
    assert set(got) <= {"userIds", "userIds.0"} and got


async def test_delete_users_has_no_placeholder_default() -> None:
    prop = segment.actions["deleteUser"].spec.schema["properties"]["userIds"]
    assert "default" not in prop
    assert "userIds" in segment.actions["deleteUser"].spec.schema["required"]
    assert prop["x-dataSource"] == "selectUser"


@pytest.mark.parametrize("inputs", [{}, {"invites": []}, {"invites": ""}, {"invites": "[]"}])
async def test_create_invites_requires_invites(mock: aioresponses, inputs: dict[str, Any]) -> None:
    assert set(await reasons(mock, "createUserInvites", inputs)) == {"invites"}


async def test_invites_are_typed_item_by_item(mock: aioresponses) -> None:
    got = await reasons(
        mock,
        "createUserInvites",
        {
            "invites": [
                {"email": "not-an-email"},
                {"permissions": [{"resources": [{"id": "x", "type": "TEAM"}], "labels": [{"key": "k"}]}]},
                {"email": "c@example.com", "colour": "red"},
            ]
        },
    )
    assert got == {
        "invites.0.email": "has an invalid format",
        "invites.1.email": "is required",
        "invites.1.permissions.0.roleId": "is required",
        "invites.1.permissions.0.resources.0.type": "must be one of: FUNCTION, SOURCE, SPACE, WAREHOUSE, WORKSPACE",
        "invites.1.permissions.0.labels.0.value": "is required",
        "invites.2.colour": "is not an input of this handler",
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"startTime": "yesterday"}, {"startTime": "has an invalid format"}),
        ({"endTime": "2024-01-08"}, {"endTime": "has an invalid format"}),
        (
            {"startTime": "2024-02-30T00:00:00Z"},
            {"startTime": "must be a valid ISO-8601 timestamp, e.g. 2024-01-01T00:00:00Z"},
        ),
        ({"endTime": "2024-01-01T00:00:00Z"}, {"endTime": "must be after Start Time"}),
        ({"endTime": "2023-12-31T23:59:59Z"}, {"endTime": "must be after Start Time"}),
        # The same instant written in two offsets is not "after".
        (
            {"startTime": "2024-01-01T02:00:00+02:00", "endTime": "2024-01-01T00:00:00Z"},
            {"endTime": "must be after Start Time"},
        ),
        ({"granularity": "WEEK"}, {"granularity": "must be one of: DAY, HOUR, MINUTE"}),
        ({"groupBy": ["source", "country"]}, {"groupBy.1": "must be one of: eventName, eventType, source"}),
        ({"sourceId": [""]}, {"sourceId.0": "must not be empty"}),
    ],
)
async def test_events_volume_inputs_are_checked_before_sending(
    mock: aioresponses, changes: dict[str, Any], expected: dict[str, str]
) -> None:
    assert await reasons(mock, "getEventsVolumeFromWorkspace", {**WINDOW, **changes}) == expected


async def test_events_volume_requires_granularity_and_window(mock: aioresponses) -> None:
    assert await reasons(mock, "getEventsVolumeFromWorkspace", {}) == {
        "granularity": "is required",
        "startTime": "is required",
        "endTime": "is required",
    }


def test_event_filter_lists_have_no_placeholder_defaults() -> None:
    properties = segment.actions["getEventsVolumeFromWorkspace"].spec.schema["properties"]
    for key in ("groupBy", "sourceId", "eventName", "eventType", "appVersion"):
        assert properties[key]["type"] == "array"
        assert "default" not in properties[key], key
    assert properties["sourceId"]["title"] == "Source IDs"
    assert properties["sourceId"]["x-dataSource"] == "sources"


def test_labels_are_mended() -> None:
    assert segment.actions["createUserInvites"].label == "Create User Invites"
    assert segment.actions["deleteUser"].label == "Delete Users"
