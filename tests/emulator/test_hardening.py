"""Run as a server others point tools at, the emulator answers every request in the API's JSON
error envelope and never loses or poisons its state: bad text, numbers, nesting, cursors, sizes,
malformed requests, and a write whose answer fails."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import signal
from typing import Any

import pytest

from component.emulator import DEMO_API_KEY, DEMO_IDS, Emulator
from component.emulator.call import MAX_BODY_BYTES, MAX_DEPTH, MAX_STRING_CHARS

from .conftest import Client, Reply, python_m

D = DEMO_IDS
NEW_SOURCE = '{"slug": "%s", "enabled": true, "metadataId": "1bow82lmk"}'


def assert_envelope(reply: Reply, status: int) -> dict[str, Any]:
    assert reply.status == status, reply.text
    assert reply.headers["Content-Type"].startswith("application/json"), reply.headers
    error = reply.error
    assert error["status"] == status and error["message"], error
    return error


async def raw_request(emu: Emulator, head: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes no HTTP client would, and read the answer (the emulator closes after it)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", emu.port)
    try:
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
        await writer.wait_closed()
    status_line, _, rest = answer.partition(b"\r\n")
    header_block, _, body = rest.partition(b"\r\n\r\n")
    headers = {}
    for line in header_block.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def request_bytes(target: bytes, extra: bytes = b"") -> bytes:
    return (
        b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\n"
        b"Authorization: Bearer " + DEMO_API_KEY.encode() + b"\r\nConnection: close\r\n" + extra + b"\r\n"
    )


# --- text that is not text: lone surrogates ---------------------------------------------------


async def test_a_lone_surrogate_in_a_create_is_refused_before_any_change(api: Client, emu: Emulator) -> None:
    before = dict(emu.state.sources)
    reply = await api.request("POST", "/sources", data=NEW_SOURCE % "bad-\\ud800")
    error = assert_envelope(reply, 400)
    assert error["field"] == "slug"
    assert emu.state.sources == before
    listed = await api.get("/sources")
    assert listed.status == 200 and listed.data["pagination"]["totalEntries"] == len(before)


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "\\udc00"}',
        '{"settings": {"nested": ["ok", "\\ud83d"]}}',
        '{"settings": {"\\ud800key": 1}}',
    ],
)
async def test_a_lone_surrogate_anywhere_in_an_update_leaves_the_record_readable(
    api: Client, emu: Emulator, body: str
) -> None:
    stored = dict(emu.state.sources[D["source"]])
    reply = await api.request("PATCH", f"/sources/{D['source']}", data=body)
    assert_envelope(reply, 400)
    assert emu.state.sources[D["source"]] == stored
    assert (await api.get(f"/sources/{D['source']}")).status == 200
    assert (await api.get("/sources")).status == 200


async def test_a_surrogate_pair_is_ordinary_text(api: Client, emu: Emulator) -> None:
    reply = await api.request("PATCH", f"/sources/{D['source']}", data='{"name": "Web \\ud83d\\ude00"}')
    assert reply.status == 200, reply.text
    assert reply.data["source"]["name"] == "Web \U0001f600"


# --- a write whose answer fails is not kept -------------------------------------------------------


async def test_a_write_whose_answer_fails_is_rolled_back(
    api: Client, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, connections = dict(emu.state.sources), {w: dict(c) for w, c in emu.state.connections.items()}
    stored = emu.state.sources[D["source"]]
    name = stored["name"]

    def broken(record: Any) -> Any:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(emu.state, "render", broken)
    created = await api.request("POST", "/sources", data=NEW_SOURCE % "never-kept")
    assert_envelope(created, 500)
    updated = await api.patch(f"/sources/{D['source']}", {"name": "Never kept"})
    assert_envelope(updated, 500)
    assert emu.state.sources == sources
    assert stored["name"] == name
    assert {w: dict(c) for w, c in emu.state.connections.items()} == connections
    monkeypatch.undo()
    again = await api.request("POST", "/sources", data=NEW_SOURCE % "never-kept")
    assert again.status == 201, "the slug of a rolled-back create must still be free"


# --- numbers, nesting, sizes ----------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_are_not_json(api: Client, emu: Emulator, constant: str) -> None:
    before = len(emu.state.sources)
    body = '{"slug": "nan-src", "enabled": true, "metadataId": "1bow82lmk", "settings": {"x": ' + constant + "}}"
    error = assert_envelope(await api.request("POST", "/sources", data=body), 400)
    assert constant.lstrip("-") in error["message"]
    assert len(emu.state.sources) == before


@pytest.mark.parametrize("number", ["1e999", "-1E400"])
async def test_a_number_too_large_for_a_double_is_a_400(api: Client, emu: Emulator, number: str) -> None:
    body = '{"name": "huge", "settings": {"x": ' + number + "}}"
    assert_envelope(await api.request("PATCH", f"/sources/{D['source']}", data=body), 400)
    assert emu.state.sources[D["source"]]["name"] == "Website"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 100_000])
async def test_deep_nesting_is_a_400(api: Client, emu: Emulator, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = '{"name": "deep", "settings": {"x": ' + nested + "}}"
    error = assert_envelope(await api.request("PATCH", f"/sources/{D['source']}", data=body), 400)
    assert "nested" in error["message"]
    assert emu.state.sources[D["source"]]["name"] == "Website"


async def test_nesting_up_to_the_limit_is_accepted(api: Client) -> None:
    depth = MAX_DEPTH - 3  # the body and settings objects are two levels of their own
    reply = await api.patch(f"/sources/{D['source']}", {"settings": {"x": json.loads("[" * depth + "]" * depth)}})
    assert reply.status == 200, reply.text


@pytest.mark.parametrize(
    "cursor",
    [
        base64.b64encode(b"9" * 5000).decode(),  # decodes to a number Python refuses to read
        "A" * 2_000,
    ],
)
async def test_an_over_long_cursor_is_a_400(api: Client, cursor: str) -> None:
    error = assert_envelope(await api.get("/sources", params={"pagination[cursor]": cursor}), 400)
    assert error["field"] == "pagination.cursor"


async def test_an_over_long_count_is_refused_in_the_envelope(api: Client) -> None:
    error = assert_envelope(await api.get("/sources", params={"pagination[count]": "9" * 5000}), 422)
    assert error["field"] == "pagination.count"
    assert len(error["message"]) < 200


async def test_an_over_long_array_index_is_not_a_500(api: Client) -> None:
    reply = await api.delete("/users", params={"userIds." + "9" * 5000: "nobody"})
    assert_envelope(reply, 404)


async def test_a_string_over_the_limit_is_refused_naming_its_field(api: Client, emu: Emulator) -> None:
    body = io.BytesIO(json.dumps({"name": "x" * (MAX_STRING_CHARS + 1)}).encode())
    reply = await api.request("PATCH", f"/sources/{D['source']}", data=body)  # type: ignore[arg-type]
    error = assert_envelope(reply, 400)
    assert error["field"] == "name"
    assert emu.state.sources[D["source"]]["name"] == "Website"


async def test_an_oversize_body_is_a_413_in_the_envelope(api: Client, emu: Emulator) -> None:
    body = json.dumps({"name": "big", "settings": {f"k{i}": "v" * 1000 for i in range(MAX_BODY_BYTES // 1000)}})
    assert len(body) > MAX_BODY_BYTES
    reply = await api.request("PATCH", f"/sources/{D['source']}", data=io.BytesIO(body.encode()))  # type: ignore[arg-type]
    assert_envelope(reply, 413)
    assert emu.state.sources[D["source"]]["name"] == "Website"


async def test_an_oversize_chunked_body_is_a_413_in_the_envelope(api: Client, emu: Emulator) -> None:
    async def chunks() -> Any:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    reply = await api.request("PATCH", f"/sources/{D['source']}", data=chunks())
    assert_envelope(reply, 413)


# --- requests aiohttp itself refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        request_bytes(b"/sources?q=" + b"a" * 10_000),  # an over-long request line
        request_bytes(b"/sources", b"X-Long: " + b"a" * 10_000 + b"\r\n"),  # an over-long header
        request_bytes(b"/sources/\x01"),  # a raw control character
        b"NOT-HTTP\r\n\r\n",
    ],
    ids=["long-line", "long-header", "control-character", "garbage"],
)
async def test_requests_aiohttp_refuses_are_answered_in_the_envelope(emu: Emulator, head: bytes) -> None:
    status, headers, body = await raw_request(emu, head)
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["errors"][0]
    assert error["status"] == 400 and error["message"].startswith("Bad Request")
    assert len(error["message"]) < 300, "the answer must not quote the whole request"


@pytest.mark.parametrize("target", [b"/sources/%00", b"/sources/%0d%0aX", b"/sources/%7F", b"/%0a"])
async def test_paths_with_encoded_control_characters_are_answered_in_the_envelope(emu: Emulator, target: bytes) -> None:
    status, headers, body = await raw_request(emu, request_bytes(target))
    assert status == 404
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["errors"][0]["status"] == 404


# --- no traceback per request -----------------------------------------------------------------------


async def test_malformed_requests_write_no_traceback_to_stderr() -> None:
    async with python_m("component.emulator", "--port", "0", "--no-rate-limits") as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        port = int(first.strip().rsplit(":", 1)[1])
        bad = [
            request_bytes(b"/sources?q=" + b"a" * 10_000),
            request_bytes(b"/sources", b"X-Long: " + b"a" * 10_000 + b"\r\n"),
            request_bytes(b"/sources/\x01"),
            b"NOT-HTTP\r\n\r\n",
            request_bytes(b"/sources/%0d%0a"),
            request_bytes(b"/sources?pagination[cursor]=" + base64.b64encode(b"9" * 5000)),
        ]
        for head in bad:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), 30)
            writer.close()
            assert b"application/json" in answer
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        stderr = (await proc.stderr.read()).decode()
        assert "Traceback" not in stderr and "Error handling request" not in stderr, stderr
