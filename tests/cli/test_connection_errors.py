"""Connection failures in words, from the client itself: the host it tried and what happened."""

from __future__ import annotations

import pytest

from component import segment
from component.emulator import DEMO_API_KEY, DEMO_IDS, DEMO_SUBDOMAIN, Emulator
from component.segment.errors import TransportError
from component.segment.policy import RetryPolicy
from tests.cli.helpers import free_port, silent_server


def connection(base_url: str) -> dict[str, str]:
    return {"apiKey": DEMO_API_KEY, "subdomain": DEMO_SUBDOMAIN, "baseUrl": base_url}


async def test_a_dropped_connection_says_the_server_closed_it(emulator: Emulator) -> None:
    emulator.faults.inject("GET", "/sources/*", drop=True, times=None)
    host = emulator.url.removeprefix("http://")
    with pytest.raises(TransportError) as caught:
        await segment.invoke(
            "getSource", {"sourceId": "x"}, connection=connection(emulator.url), retry=RetryPolicy(attempts=1)
        )
    assert str(caught.value) == f"GET /sources/x: {host} closed the connection without answering"
    assert caught.value.reason == f"{host} closed the connection without answering"


async def test_a_refused_connection_after_retries_says_the_tries_and_the_time() -> None:
    port = free_port()
    with pytest.raises(TransportError) as caught:
        await segment.invoke(
            "getSource",
            {"sourceId": "x"},
            connection=connection(f"http://127.0.0.1:{port}"),
            retry=RetryPolicy(attempts=3, backoff_base=0.01),
        )
    message = str(caught.value)
    assert message.startswith(
        f"GET /sources/x: connection refused by 127.0.0.1:{port} (nothing is listening there) (the last of 3 tries, "
    )
    assert message.endswith(" s in all)")


async def test_a_timeout_on_every_try_says_the_time_over_all_tries() -> None:
    with silent_server() as listener:
        port = listener.getsockname()[1]
        with pytest.raises(TransportError) as caught:
            await segment.invoke(
                "getSource",
                {"sourceId": DEMO_IDS["source"]},
                connection=connection(f"http://127.0.0.1:{port}"),
                retry=RetryPolicy(attempts=2, timeout=0.2, fixed_delay=0.05),
            )
    message = str(caught.value)
    assert message.startswith(f"GET /sources/{DEMO_IDS['source']}: timed out after 0.2 s (the last of 2 tries, ")
    spent = float(message.rsplit("tries, ", 1)[1].removesuffix(" s in all)"))
    assert spent >= 0.4
