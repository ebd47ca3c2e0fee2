"""Users and invites end to end against the emulator: every action, and the invite-to-delete cycle."""

from __future__ import annotations

from typing import Any

import pytest

from component.emulator import DEMO_IDS, Emulator
from component.segment.errors import InputError, Invalid, NotFound
from tests.e2e.conftest import run

ADA = DEMO_IDS["user"]
GRACE = DEMO_IDS["secondUser"]
ALAN = "kafq1O7em8iPoim59RpZbc"
OWNER = DEMO_IDS["role"]
SOURCE_ADMIN = "1x3H9tcPBckptxhnnKh4NPwHMBD"
WORKSPACE = DEMO_IDS["workspace"]
WEBSITE = DEMO_IDS["source"]


async def test_get_user(emulator: Emulator, conn: dict[str, Any]) -> None:
    user = (await run("getUser", {"userId": ADA}, conn))["data"]["user"]
    assert user == emulator.state.users[ADA]
    assert (user["name"], user["email"]) == ("Ada Lovelace", "ada@example.com")
    assert user["permissions"][0]["roleId"] == OWNER


async def test_get_missing_user_is_not_found(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(NotFound) as caught:
        await run("getUser", {"userId": "nobody"}, conn)
    assert caught.value.status == 404


async def test_list_users_one_page_and_next_page(emulator: Emulator, conn: dict[str, Any]) -> None:
    first = (await run("listUsers", {"count": 2}, conn))["data"]
    assert [u["id"] for u in first["users"]] == [ADA, GRACE]
    assert first["pagination"]["totalEntries"] == 3
    second = (await run("listUsers", {"count": "2", "cursor": first["pagination"]["next"]}, conn))["data"]
    assert [u["id"] for u in second["users"]] == [ALAN]
    assert "next" not in second["pagination"]


async def test_list_users_fetch_all_sees_every_user_once(emulator: Emulator, conn: dict[str, Any]) -> None:
    # fetchAll reads pages of the API's maximum (1000): make sure there are more than one.
    for n in range(1000):
        emulator.state.add_user(f"bulk{n:04d}", f"User {n}", f"user{n}@example.com", [])
    emulator.requests.clear()
    body = await run("listUsers", {"fetchAll": True, "count": 1}, conn)
    ids = [u["id"] for u in body["data"]["users"]]
    assert ids == list(emulator.state.users)
    assert len(set(ids)) == 1003
    assert body["data"]["pagination"] == {"totalEntries": 1003}
    assert len(emulator.requests) == 2


async def test_invite_get_list_delete_cycle(emulator: Emulator, conn: dict[str, Any]) -> None:
    invite = {
        "email": "new.analyst@example.com",
        "permissions": [
            {
                "roleId": SOURCE_ADMIN,
                "resources": [{"id": WEBSITE, "type": "SOURCE"}],
                "labels": [{"key": "environment", "value": "prod", "description": "Production only"}],
            }
        ],
    }
    created = await run("createUserInvites", {"invites": [invite, {"email": "viewer@example.com"}]}, conn)
    assert created == {"data": {"emails": ["new.analyst@example.com", "viewer@example.com"]}}
    stored = emulator.state.invites["new.analyst@example.com"]["permissions"][0]
    assert stored["roleId"] == SOURCE_ADMIN
    assert stored["resources"] == [{"id": WEBSITE, "type": "SOURCE"}]
    assert stored["labels"] == invite["permissions"][0]["labels"]  # type: ignore[index]
    assert emulator.state.invites["viewer@example.com"]["permissions"] == []
    assert emulator.requests[-1].json == {"invites": [invite, {"email": "viewer@example.com"}]}

    # An invite is not a user until accepted; the user side of the cycle works on the demo workspace's users.
    got = (await run("getUser", {"userId": GRACE}, conn))["data"]["user"]
    assert got["email"] == "grace@example.com"
    listed = (await run("listUsers", {"fetchAll": True}, conn))["data"]["users"]
    assert GRACE in {u["id"] for u in listed}

    deleted = await run("deleteUser", {"userIds": [GRACE, ALAN]}, conn)
    assert deleted == {"data": {"status": "SUCCESS"}}
    assert list(emulator.state.users) == [ADA]
    sent = emulator.requests[-1]
    assert (sent.method, sent.path, sent.query) == ("DELETE", "/users", [("userIds.0", GRACE), ("userIds.1", ALAN)])

    with pytest.raises(NotFound):
        await run("getUser", {"userId": GRACE}, conn)
    listed = (await run("listUsers", {}, conn))["data"]["users"]
    assert [u["id"] for u in listed] == [ADA]
    with pytest.raises(NotFound):
        await run("deleteUser", {"userIds": [GRACE]}, conn)


async def test_invite_with_an_unknown_role_is_refused(emulator: Emulator, conn: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        await run(
            "createUserInvites",
            {"invites": [{"email": "x@example.com", "permissions": [{"roleId": "no-such-role"}]}]},
            conn,
        )
    assert emulator.state.invites == {}


async def test_delete_users_without_ids_sends_nothing(emulator: Emulator, conn: dict[str, Any]) -> None:
    cases: list[dict[str, Any]] = [{}, {"userIds": []}, {"userIds": ""}]
    for inputs in cases:
        with pytest.raises(InputError) as caught:
            await run("deleteUser", inputs, conn)
        assert caught.value.fields == ("userIds",)
    assert emulator.requests == []
    assert len(emulator.state.users) == 3


async def test_create_invites_without_invites_sends_nothing(emulator: Emulator, conn: dict[str, Any]) -> None:
    cases: list[dict[str, Any]] = [{}, {"invites": []}, {"invites": "[]"}]
    for inputs in cases:
        with pytest.raises(InputError) as caught:
            await run("createUserInvites", inputs, conn)
        assert caught.value.fields == ("invites",)
    assert emulator.requests == []
    assert emulator.state.invites == {}
