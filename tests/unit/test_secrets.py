"""A canary token, debug on: it must appear in no log record, error message, repr or traceback."""

from __future__ import annotations

import logging
import re
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from component import segment
from component.segment import client as client_module
from component.segment.errors import InputError, SegmentError
from tests.helpers import CANARY, CONNECTION, US, assert_no_canary_in_error

ERROR_BODY = {"errors": [{"type": "x", "message": f"token {CANARY} is not valid here"}]}


@pytest.fixture(autouse=True)
def no_waits(waits: list[float]) -> None:
    """Retries happen without sleeping."""


def assert_no_canary_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records, "debug logged nothing"
    for record in caplog.records:
        assert CANARY not in record.getMessage()
        assert CANARY not in repr(record.args)
        assert CANARY not in (record.exc_text or "")


RESPONSES: list[dict[str, Any]] = [
    {"status": 200, "payload": {"data": {"source": {"id": "abc"}}}},
    {"status": 401, "payload": ERROR_BODY},
    {"status": 404, "payload": ERROR_BODY},
    {"status": 429, "payload": ERROR_BODY, "headers": {"Retry-After": "999"}},
    {"status": 500, "payload": ERROR_BODY},
    {"status": 200, "body": b"{not json"},
    {"exception": aiohttp.ClientConnectionError(f"refused {CANARY}")},
    {"exception": TimeoutError()},
]


@pytest.mark.parametrize("response", RESPONSES, ids=lambda r: str(r.get("status", r.get("exception"))))
async def test_debug_never_logs_or_raises_the_token(caplog: pytest.LogCaptureFixture, response: dict[str, Any]) -> None:
    caplog.set_level(logging.DEBUG, logger="component")
    with aioresponses() as mock:
        mock.get(re.compile(r".*"), repeat=True, **response)
        try:
            await segment.invoke("getSource", {"sourceId": "abc"}, connection=CONNECTION, debug=True)
        except SegmentError as exc:
            assert_no_canary_in_error(exc)
    assert_no_canary_in_logs(caplog)
    assert any("GET /sources/abc" in r.getMessage() for r in caplog.records)
    assert any("HTTP call" in r.getMessage() for r in caplog.records)


async def test_input_errors_do_not_quote_the_token() -> None:
    with pytest.raises(SegmentError) as caught:
        await segment.invoke(
            "getSource", {"sourceId": CANARY, "count": CANARY}, connection={"apiKey": CANARY, "subdomain": 5}
        )
    assert_no_canary_in_error(caught.value)


def test_reprs_hide_the_token() -> None:
    model = segment.component.connection.spec.parse(CONNECTION, handler="c", error_type=InputError)
    assert CANARY not in repr(model) and CANARY not in str(model)
    client = client_module.SegmentClient(base_url=US, api_key=CANARY, trace=None)  # type: ignore[arg-type]
    assert CANARY not in repr(client)


def test_a_secret_held_by_two_calls_stays_redacted_until_both_let_it_go() -> None:
    from component.framework.debug import REDACTED, _SecretRegistry

    registry = _SecretRegistry()
    registry.add("tok-A", "pw-1")
    registry.add("tok-A")  # a second call on the same connection
    assert registry.redact("tok-A pw-1") == f"{REDACTED} {REDACTED}"
    registry.discard("tok-A", "pw-1")
    assert registry.redact("tok-A pw-1") == f"{REDACTED} pw-1"
    registry.discard("tok-A")
    assert registry.redact("tok-A pw-1") == "tok-A pw-1" and len(registry) == 0
