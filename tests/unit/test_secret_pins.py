"""A kept connection's token stays registered for redaction (pinned), so calls on it register
nothing of their own; pins are bounded, and past the bound a connection's token is registered for
each call and released when it ends."""

from __future__ import annotations

from typing import Any

from aioresponses import CallbackResult, aioresponses

from component import segment
from component.framework import debug
from component.framework.debug import REDACTED, _SecretRegistry, secrets
from tests.helpers import CONNECTION, US


def test_pins_are_bounded_and_never_released() -> None:
    registry = _SecretRegistry()
    assert registry.pin("pinned-a", "pinned-b") and registry.in_use() == 0
    registry.add("pinned-a")
    registry.discard("pinned-a")
    assert registry.redact("pinned-a pinned-b") == f"{REDACTED} {REDACTED}"  # a call's end keeps the pin
    assert registry.pin("pinned-a")  # pinned already: nothing new
    filler = [f"pinned-{n:02}" for n in range(debug._MAX_PINNED - 2)]
    assert registry.pin(*filler)
    assert not registry.pin("pin-one-too-many") and registry.redact("pin-one-too-many") == "pin-one-too-many"
    assert len(registry) == debug._MAX_PINNED and registry.in_use() == 0


async def test_a_kept_connection_token_is_redacted_between_calls() -> None:
    token = "token-kept-between-calls"
    with aioresponses() as mock:
        mock.get(f"{US}/sources/pin1", payload={"data": {"source": {"id": "pin1"}}})
        await segment.invoke("getSource", {"sourceId": "pin1"}, connection={**CONNECTION, "apiKey": token})
    assert secrets.in_use() == 0
    assert secrets.redact(f"a log line quoting {token}") == f"a log line quoting {REDACTED}"


async def test_past_the_bound_a_token_is_registered_for_its_call_only(monkeypatch: Any) -> None:
    monkeypatch.setattr(debug, "_MAX_PINNED", len(secrets))  # no room for another pin
    token = "token-registered-per-call"
    during: list[str] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        during.append(secrets.redact(token))
        return CallbackResult(payload={"data": {"source": {"id": "pin2"}}})

    with aioresponses() as mock:
        mock.get(f"{US}/sources/pin2", callback=callback, repeat=True)
        for _ in range(2):
            await segment.invoke("getSource", {"sourceId": "pin2"}, connection={**CONNECTION, "apiKey": token})
    assert during == [REDACTED, REDACTED]
    assert secrets.in_use() == 0 and secrets.redact(token) == token


def test_a_secret_of_a_few_characters_is_never_pinned() -> None:
    registry = _SecretRegistry()
    assert not registry.pin("tok") and not registry.pin("long-enough", "x")
    assert registry.redact("token long-enough") == "token long-enough"  # nothing of either pinned
    assert registry.pin("long-enough") and registry.redact("token long-enough") == f"token {REDACTED}"


async def test_a_short_token_is_registered_for_its_call_only() -> None:
    """A connection whose token is a few characters long (a test's, a placeholder) is redacted
    while its calls run, and leaves no pin that would garble every later message."""
    token = "tok"
    during: list[str] = []

    def callback(url: Any, **kwargs: Any) -> CallbackResult:
        during.append(secrets.redact("token"))
        return CallbackResult(payload={"data": {"source": {"id": "pin3"}}})

    with aioresponses() as mock:
        mock.get(f"{US}/sources/pin3", callback=callback, repeat=True)
        for _ in range(2):
            await segment.invoke("getSource", {"sourceId": "pin3"}, connection={**CONNECTION, "apiKey": token})
    assert during == [f"{REDACTED}en", f"{REDACTED}en"]
    assert secrets.in_use() == 0 and secrets.redact("token") == "token"
