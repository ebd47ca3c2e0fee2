"""Every operation: success, 401 without/with a wrong token, 404 on each unknown path id."""

from __future__ import annotations

import pytest

from component.emulator import Emulator

from .conftest import V1, V1ALPHA, Client
from .operations import ID_CASES, OPERATIONS, Op
from .spec import SPEC

UNKNOWN = "doesNotExist0000000000"


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: o.operation_id)
async def test_success(api: Client, op: Op) -> None:
    reply = await api.request(op.method, op.path(), **({} if op.body is None else {"json_body": op.body}))
    assert reply.status == op.status, reply.text
    assert set(reply.body) == {"data"}
    alpha = "/subscriptions" in op.template
    assert reply.headers["Content-Type"] == (V1ALPHA if alpha else V1)
    assert int(reply.headers["X-RateLimit-Remaining"]) >= 0
    if SPEC.available:
        assert reply.operation_id == op.operation_id


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: o.operation_id)
@pytest.mark.parametrize("token", [None, "wrong-token", ""], ids=["missing", "wrong", "empty"])
async def test_unauthorized(api: Client, emu: Emulator, op: Op, token: str | None) -> None:
    before = len(emu.state.sources), len(emu.state.destinations), len(emu.state.users)
    reply = await api.request(op.method, op.path(), token=token, **({} if op.body is None else {"json_body": op.body}))
    assert reply.status == 401
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.body == {
        "errors": [{"type": "unauthorized", "message": "Unauthorized: missing or invalid token", "status": 401}]
    }
    assert (len(emu.state.sources), len(emu.state.destinations), len(emu.state.users)) == before


async def test_wrong_auth_scheme(api: Client, emu: Emulator) -> None:
    reply = await api.get("/", token=None, headers={"Authorization": f"Basic {emu.api_key}"})
    assert reply.status == 401
    reply = await api.get("/", token=None, headers={"Authorization": f"bearer {emu.api_key}"})
    assert reply.status == 200


@pytest.mark.parametrize(("op", "param"), ID_CASES, ids=lambda v: v if isinstance(v, str) else v.operation_id)
async def test_unknown_id_is_404(api: Client, op: Op, param: str) -> None:
    reply = await api.request(
        op.method, op.path(**{param: UNKNOWN}), **({} if op.body is None else {"json_body": op.body})
    )
    assert reply.status == 404, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.error["type"] == "not-found"
    assert reply.error["status"] == 404
    assert UNKNOWN in reply.error["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nope"), ("GET", "/sources/x/y/z"), ("PUT", "/sources"), ("POST", "/catalog/sources"), ("GET", "/v1")],
)
async def test_unknown_path_is_404(api: Client, method: str, path: str) -> None:
    reply = await api.request(method, path)
    assert reply.status == 404
    assert reply.error["type"] == "not-found"
    assert path in reply.error["message"]


async def test_encoded_slash_stays_in_the_id(api: Client) -> None:
    # /sources/a%2Fb is getSource("a/b"), not a route with more segments.
    reply = await api.get("/sources/a%2Fb")
    assert reply.status == 404
    assert "'a/b'" in reply.error["message"]


async def test_trailing_slash_is_the_same_route(api: Client) -> None:
    reply = await api.get("/sources/?pagination[count]=1")
    assert reply.status == 200
    assert len(reply.data["sources"]) == 1
