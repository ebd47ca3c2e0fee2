"""Users, invites and roles; the three array encodings of userIds."""

from __future__ import annotations

from typing import Any

import pytest

from component.emulator import DEMO_IDS, Emulator

from .conftest import Client

D = DEMO_IDS
ALAN = "kafq1O7em8iPoim59RpZbc"


async def test_list_and_get(api: Client) -> None:
    users, _ = await api.walk("/users", "users", 2)
    assert [u["email"] for u in users] == ["ada@example.com", "grace@example.com", "alan@example.com"]
    ada = (await api.get(f"/users/{D['user']}")).data["user"]
    assert ada["name"] == "Ada Lovelace"
    assert ada["permissions"][0]["roleId"] == D["role"]
    assert ada["permissions"][0]["roleName"] == "Workspace Owner"
    assert ada["permissions"][0]["resources"] == [{"id": D["workspace"], "type": "WORKSPACE"}]


@pytest.mark.parametrize(
    "query",
    [
        "userIds.0={a}&userIds.1={b}",
        "userIds[0]={a}&userIds[1]={b}",
        "userIds[]={a}&userIds[]={b}",
        "userIds={a}&userIds={b}",
        "userIds%5B1%5D={b}&userIds%5B0%5D={a}",
    ],
)
async def test_delete_users_array_forms(api: Client, emu: Emulator, query: str) -> None:
    reply = await api.delete("/users?" + query.format(a=D["secondUser"], b=ALAN))
    assert reply.status == 200, reply.text
    assert reply.body == {"data": {"status": "SUCCESS"}}
    assert list(emu.state.users) == [D["user"]]


async def test_delete_users_requires_ids(api: Client) -> None:
    for path in ("/users", "/users?userIds.0=", "/users?other=1"):
        reply = await api.delete(path)
        assert reply.status == 422
        assert reply.error["field"] == "userIds"


async def test_delete_users_unknown_id_deletes_nothing(api: Client, emu: Emulator) -> None:
    reply = await api.delete(f"/users?userIds.0={ALAN}&userIds.1=123213")
    assert reply.status == 404
    assert "123213" in reply.error["message"]
    assert ALAN in emu.state.users


async def test_invites(api: Client, emu: Emulator) -> None:
    body = {
        "invites": [
            {"email": "new@example.com"},
            {
                "email": "scoped@example.com",
                "permissions": [
                    {
                        "roleId": "1x3H9tcPBckptxhnnKh4NPwHMBD",
                        "resources": [{"id": D["source"], "type": "SOURCE"}],
                        "labels": [{"key": "env", "value": "prod"}],
                    }
                ],
            },
        ]
    }
    reply = await api.post("/invites", body)
    assert reply.status == 201
    assert reply.body == {"data": {"emails": ["new@example.com", "scoped@example.com"]}}
    invite = emu.state.invites["scoped@example.com"]
    assert invite["permissions"][0]["roleName"] == "Source Admin"
    assert invite["permissions"][0]["resources"] == [{"id": D["source"], "type": "SOURCE"}]


async def test_invites_validation(api: Client, emu: Emulator) -> None:
    body: dict[str, Any]
    for body in ({}, {"invites": []}, {"invites": "x"}):
        reply = await api.post("/invites", body)
        assert reply.status == 422
        assert reply.error["field"] == "invites"
    reply = await api.post(
        "/invites",
        {
            "invites": [
                {"email": "not-an-email"},
                {
                    "email": "ok@example.com",
                    "permissions": [{"roleId": "nope", "resources": [{"id": "x", "type": "Y"}]}],
                },
            ]
        },
    )
    assert reply.status == 422
    assert set(reply.error_fields) == {
        "invites.0.email",
        "invites.1.permissions.0.roleId",
        "invites.1.permissions.0.resources.0.type",
    }
    assert emu.state.invites == {}


async def test_roles(api: Client) -> None:
    roles, pages = await api.walk("/roles", "roles", 4)
    assert pages == 2
    assert roles[0] == {
        "id": D["role"],
        "name": "Workspace Owner",
        "description": "Full edit access to everything in the workspace, including billing.",
    }
    assert len({r["id"] for r in roles}) == len(roles) == 6
