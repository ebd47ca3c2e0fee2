"""The configuration screen's JSON API over real HTTP: every handler's example through it, errors
mapped to statuses, the token never sent back or logged, and requests that do not come from the
page refused before anything reaches Segment."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
import pytest

from component import segment
from component.cli import main
from component.fixtures import FROZEN_TIME
from component.framework.errors import InternalError
from component.hosts.web.server import MAX_BODY, TOKEN_HEADER, WebHost, is_loopback, running
from tests.helpers import CANARY
from tests.web.conftest import PROJECT, Served

MANIFEST = json.loads((PROJECT / "manifest.json").read_text())
HANDLERS = [(kind, key) for kind in ("actions", "dataSources") for key in sorted(MANIFEST[kind])]


@pytest.mark.parametrize(("kind", "key"), HANDLERS, ids=[key for _, key in HANDLERS])
async def test_every_example_input_answers_its_example_payload_with_no_token_anywhere(
    served: Served, kind: str, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    served.emulator.state.clock = lambda: FROZEN_TIME
    handler = MANIFEST[kind][key]
    async with served.session.post(
        f"{served.url}/api/{kind}/{key}?trace=1", json=handler["exampleInput"], headers=served.headers
    ) as response:
        text = await response.text()
        headers = dict(response.headers)
    assert response.status == 200, text
    answer = json.loads(text)
    assert answer["output"] == json.loads((PROJECT / handler["examplePayload"]).read_text())
    assert any(call.startswith(f"{key}: ") for call in answer["calls"])  # its debug records, this call's
    assert answer["elapsedMs"] >= 0
    assert served.emulator.requests, "nothing reached the emulator"
    assert CANARY not in text
    assert CANARY not in json.dumps(headers)
    assert all(CANARY not in record.getMessage() for record in caplog.records)


async def test_the_example_endpoint_gives_the_example_input_and_payload(served: Served) -> None:
    async with served.session.get(f"{served.url}/api/examples/actions/getSource", headers=served.headers) as response:
        body = await response.json()
    assert body["exampleInput"] == MANIFEST["actions"]["getSource"]["exampleInput"]
    assert body["examplePayload"] == json.loads((PROJECT / "fixtures/actions/getSource.json").read_text())


async def test_the_manifest_is_served(served: Served) -> None:
    async with served.session.get(f"{served.url}/api/manifest", headers=served.headers) as response:
        assert response.status == 200
        assert await response.json() == segment.manifest()


# ----------------------------------------------------------------------------- error mapping
async def test_bad_input_is_422_naming_every_field(served: Served) -> None:
    status, body, _ = await served.post("/api/actions/listSources", {"count": "many", "nope": 1})
    assert status == 422
    assert body["error"] == "InputError"
    assert {item["field"] for item in body["fields"]} == {"count", "nope"}
    assert all(item["reason"] for item in body["fields"])
    assert served.emulator.requests == []


async def test_a_body_that_is_not_an_object_is_422(served: Served) -> None:
    status, body, _ = await served.post("/api/actions/listSources", [1, 2])
    assert (status, body["fields"][0]["field"]) == (422, "(body)")


async def test_an_api_error_keeps_the_api_status(served: Served) -> None:
    status, body, _ = await served.post("/api/actions/getSource", {"sourceId": "doesNotExist"})
    assert status == 404
    assert body["error"] == "NotFound"
    assert body["status"] == 404


async def test_no_answer_from_the_api_is_502(served: Served) -> None:
    served.emulator.faults.inject("POST", "/sources", drop=True)
    status, body, _ = await served.post("/api/actions/createSource", {"slug": "s1", "metadataId": "1bow82lmk"})
    assert status == 502
    assert body["error"] == "TransportError"


async def test_an_unknown_handler_is_404(served: Served) -> None:
    status, body, _ = await served.post("/api/actions/sources", {})  # a picklist, not an action
    assert (status, body["error"]) == (404, "Not Found")
    status, body, _ = await served.post("/api/nothing/getSource", {})
    assert (status, body["error"]) == (404, "Not Found")
    assert served.emulator.requests == []


class _Broken:
    """A component whose handler has a bug, and one whose errors are the host's own."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def manifest(self) -> dict[str, Any]:
        return {"connection": {"inputs": {"properties": {}}}, "actions": {"boom": {"key": "boom", "inputs": {}}}}

    async def invoke(self, key: str, inputs: Mapping[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        raise self.error

    async def test_connection(self, connection: Mapping[str, Any] | None, **_: Any) -> Any:
        raise self.error

    async def aclose(self) -> None:
        return None


@pytest.mark.parametrize("error", [InternalError("boom failed unexpectedly (KeyError)"), KeyError(CANARY)])
async def test_a_bug_is_500_and_quotes_nothing_of_a_foreign_exception(error: Exception) -> None:
    host = WebHost(_Broken(error), connection={"x": "y"})
    async with running(host) as url, aiohttp.ClientSession() as session:
        headers = {TOKEN_HEADER: host.page_token}
        async with session.post(f"{url}/api/actions/boom", json={}, headers=headers) as response:
            assert response.status == 500
            body = await response.json()
    assert body["error"] == "InternalError"
    assert CANARY not in json.dumps(body)


async def test_with_no_connection_a_call_is_refused_until_one_is_entered(emulator: Any) -> None:
    host = WebHost(segment, examples_dir=PROJECT)
    async with running(host) as url, aiohttp.ClientSession() as session:
        headers = {TOKEN_HEADER: host.page_token}
        async with session.post(f"{url}/api/actions/listSources", json={}, headers=headers) as response:
            assert (response.status, (await response.json())["error"]) == (409, "NoConnection")
        async with session.get(f"{url}/api/connection", headers=headers) as response:
            assert (await response.json())["set"] is False
        connection = {"apiKey": CANARY, "subdomain": "demo-workspace", "baseUrl": emulator.url}
        async with session.put(f"{url}/api/connection", json=connection, headers=headers) as response:
            view = await response.text()
        async with session.post(f"{url}/api/connection/test", headers=headers) as response:
            tested = response.status
        async with session.post(f"{url}/api/actions/listSources", json={}, headers=headers) as response:
            assert response.status == 200
    assert CANARY not in view
    assert json.loads(view)["secretsSet"] == ["apiKey"]
    assert json.loads(view)["source"] == "page"
    assert tested == 200


# ------------------------------------------------------------------------------- connection
async def test_the_connection_is_shown_without_its_token(served: Served) -> None:
    async with served.session.get(f"{served.url}/api/connection", headers=served.headers) as response:
        text = await response.text()
    view = json.loads(text)
    assert CANARY not in text
    assert view["set"] and view["emulator"]
    assert view["fields"]["subdomain"] == "demo-workspace"
    assert view["secretsSet"] == ["apiKey"]


async def test_an_empty_secret_keeps_the_one_held_and_a_missing_field_is_422(served: Served) -> None:
    async with served.session.put(
        f"{served.url}/api/connection",
        json={"apiKey": "", "subdomain": "demo-workspace", "baseUrl": served.emulator.url},
        headers=served.headers,
    ) as response:
        assert response.status == 200
        assert CANARY not in await response.text()
    status, _, _ = await served.post("/api/actions/listSources", {})
    assert status == 200  # still the canary: the emulator accepts no other token
    # Elsewhere, the held token is not reused: it would go to that URL.
    elsewhere = {"subdomain": "demo-workspace", "baseUrl": "http://127.0.0.1:9"}
    async with served.session.put(f"{served.url}/api/connection", json=elsewhere, headers=served.headers) as r:
        body = await r.json()
    assert (r.status, [item["field"] for item in body["fields"]]) == (422, ["apiKey"])
    async with served.session.put(f"{served.url}/api/connection", json={"apiKey": "x"}, headers=served.headers) as r:
        body = await r.json()
    assert r.status == 422
    assert [item["field"] for item in body["fields"]] == ["subdomain"]
    async with served.session.put(f"{served.url}/api/connection", json={"token": "x"}, headers=served.headers) as r:
        assert (r.status, (await r.json())["fields"][0]["field"]) == (422, "token")


async def test_the_connection_test_answers_through_the_component(served: Served) -> None:
    status, _, _ = await served.post("/api/connection/test")
    assert status == 200
    served.emulator.faults.inject("GET", "/", status=401, times=None)
    status, body, _ = await served.post("/api/connection/test")
    assert (status, body["error"]) == (401, "Unauthorized")
    assert CANARY not in json.dumps(body)


# -------------------------------------------------------------------------------- security
async def _status(served: Served, method: str, path: str, headers: dict[str, str]) -> int:
    async with served.session.request(method, served.url + path, headers=headers, json={}) as response:
        assert CANARY not in await response.text()
        return response.status


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({TOKEN_HEADER: None}, "no page token"),
        ({TOKEN_HEADER: "guessed"}, "a wrong page token"),
        ({"Origin": "http://evil.example"}, "another origin"),
        ({"Origin": "null"}, "an opaque origin"),
        ({"Host": "evil.example"}, "a rebound DNS name"),
        ({"Sec-Fetch-Site": "cross-site"}, "another site"),
    ],
)
async def test_a_request_not_from_the_page_is_403_and_reaches_nothing(
    served: Served, change: dict[str, str | None], why: str
) -> None:
    headers = {key: value for key, value in {**served.headers, **change}.items() if value is not None}
    for method, path in [
        ("POST", "/api/actions/createSource"),
        ("POST", "/api/dataSources/sources"),
        ("POST", "/api/connection/test"),
        ("PUT", "/api/connection"),
        ("GET", "/api/connection"),
        ("GET", "/api/manifest"),
    ]:
        assert await _status(served, method, path, headers) == 403, (why, method, path)
    assert served.emulator.requests == []


async def test_the_page_is_refused_to_a_foreign_host_so_its_token_cannot_be_read(served: Served) -> None:
    async with served.session.get(served.url + "/", headers={"Host": "attacker.example"}) as response:
        assert response.status == 403
        assert served.host.page_token not in await response.text()
    async with served.session.get(served.url + "/", headers={"Host": "localhost:" + served.url.rsplit(":", 1)[1]}) as r:
        assert r.status == 200
        assert served.host.page_token in await r.text()


async def test_the_page_and_its_files_carry_the_security_headers(served: Served) -> None:
    for path in ("/", "/static/app.js", "/static/style.css", "/api/connection"):
        async with served.session.get(served.url + path, headers=served.headers) as response:
            assert response.status == 200, path
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
    async with served.session.get(served.url + "/") as response:
        page = await response.text()
    assert "<script>" not in page and " on" + "click=" not in page  # no inline script for the CSP to allow


async def test_static_files_are_only_the_shipped_ones(served: Served) -> None:
    for path in ("/static/..%2Fserver.py", "/static/index.html", "/static/nothing.js", "/static/.hidden.js"):
        async with served.session.get(served.url + path) as response:
            assert response.status == 404, path


async def test_a_body_over_the_limit_is_refused(served: Served) -> None:
    status = await _status_of_big_body(served)
    assert status == 413
    assert served.emulator.requests == []


async def _status_of_big_body(served: Served) -> int:
    body = io.BytesIO(json.dumps({"name": "x" * (MAX_BODY + 1)}).encode())
    headers = {**served.headers, "Content-Type": "application/json"}
    async with served.session.post(f"{served.url}/api/actions/createSource", data=body, headers=headers) as response:
        return response.status


def test_loopback_is_told_apart() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.10", "example.com", "::"]))


def test_serve_refuses_a_non_loopback_host_without_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


class _Slow(_Broken):
    """A component whose call waits until cancelled, and records that it was."""

    def __init__(self) -> None:
        super().__init__(RuntimeError("unused"))
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()

    async def invoke(self, key: str, inputs: Mapping[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        self.started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return {}


async def test_a_call_the_page_cancels_is_cancelled_in_the_component() -> None:
    component = _Slow()
    host = WebHost(component, connection={"x": "y"})
    async with running(host) as url, aiohttp.ClientSession() as session:
        request = asyncio.create_task(
            session.post(f"{url}/api/actions/boom", json={}, headers={TOKEN_HEADER: host.page_token})
        )
        await asyncio.wait_for(component.started.wait(), timeout=30)
        request.cancel()  # what the page's AbortController does: the connection goes away
        with pytest.raises(asyncio.CancelledError):
            await request
        await asyncio.wait_for(component.cancelled.wait(), timeout=30)


def test_a_wildcard_bind_answers_to_loopback_and_this_machines_name_only() -> None:
    host = WebHost(_Broken(RuntimeError("unused")))
    host.allow("0.0.0.0", 8788)
    assert {"127.0.0.1:8788", "localhost:8788", "[::1]:8788"} <= host.allowed_hosts
    assert "evil.example:8788" not in host.allowed_hosts
    assert all(value.endswith(":8788") for value in host.allowed_hosts)
