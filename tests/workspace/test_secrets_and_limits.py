"""No secret lands in a snapshot; apply resolves references; subscription writes are paced."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import component.emulator.ratelimit as emulator_ratelimit
from component.emulator import Emulator
from component.segment.errors import InputError
from component.workspace.apply import Pacer, apply_snapshot
from component.workspace.commands import load_secrets
from component.workspace.export import export_workspace
from component.workspace.model import FORMAT_VERSION, dumps

from .conftest import counts, invoker

CANARY = "CANARY-9f3e1d7c"
ANALYTICS = "WHxy7bqXaGCpo4TZDW2LMe"
AMPLITUDE = "BYd87L8DNp2RDSly8Gvnkv"
STRIPE = "vyL9G0qJtgyeOQGpHTpSov"
WEBHOOKS_TYPE = "54521fd525e721e32a72ee91"
ACTION_SEND = "jiMz7MfHNeHmUckzRnUGkU"


def plant_canaries(emulator: Emulator) -> None:
    state = emulator.state
    state.warehouses[ANALYTICS]["settings"]["password"] = f"{CANARY}-pg"
    state.destinations[AMPLITUDE]["settings"]["secretKey"] = f"{CANARY}-amp"
    state.sources[STRIPE]["settings"]["apiKey"] = f"{CANARY}-stripe"
    transformation = state.transformations["NhhTceEdLdzvd6SoX33xqv"]
    transformation["hashPropertiesConfiguration"] = {"algorithm": "SHA-256", "paths": ["a"], "key": f"{CANARY}-h"}


async def test_a_snapshot_holds_no_secret_and_apply_resolves_the_references(demo: Emulator, empty: Emulator) -> None:
    plant_canaries(demo)
    exported = await export_workspace(invoker(demo))
    text = dumps(exported.snapshot)
    assert CANARY not in text
    assert "pg-analytics-pass" not in text and "snow-pass" not in text and "s3cr3t-amplitude" not in text
    warehouse = exported.snapshot["warehouses"]["Analytics Postgres"]
    assert warehouse["settings"]["password"] == {"$secret": "WAREHOUSE_ANALYTICS_POSTGRES_PASSWORD"}
    hashing = exported.snapshot["transformations"]["Drop Test Events"]["hashPropertiesConfiguration"]
    assert hashing["key"] == {"$secret": "TRANSFORMATION_DROP_TEST_EVENTS_HASH_KEY"}
    assert exported.snapshot["secretReferences"] == exported.secrets
    assert "WAREHOUSE_ANALYTICS_POSTGRES_PASSWORD" in exported.secrets

    values = {name: f"{CANARY}-{name}" for name in exported.secrets}
    await apply_snapshot(invoker(empty), exported.snapshot, secrets=values)
    state = empty.state
    (pg,) = [w for w in state.warehouses.values() if w.get("name") == "Analytics Postgres"]
    assert pg["settings"]["password"] == f"{CANARY}-WAREHOUSE_ANALYTICS_POSTGRES_PASSWORD"
    assert pg["settings"]["hostname"] == "analytics.db.example.com"
    (amp,) = [d for d in state.destinations.values() if d["name"] == "Amplitude"]
    assert amp["settings"]["secretKey"] == f"{CANARY}-DESTINATION_IOS_APP_AMPLITUDE_SECRETKEY"
    (drop,) = [t for t in state.transformations.values() if t["name"] == "Drop Test Events"]
    assert drop["hashPropertiesConfiguration"]["key"] == f"{CANARY}-TRANSFORMATION_DROP_TEST_EVENTS_HASH_KEY"
    # The censored values are no drift: a second export of the target plans nothing.
    assert CANARY not in dumps((await export_workspace(invoker(empty))).snapshot)


async def test_a_missing_secret_stops_apply_before_any_write(demo: Emulator, empty: Emulator) -> None:
    exported = await export_workspace(invoker(demo))
    values = {name: "x" for name in exported.secrets if name != "WAREHOUSE_STAGING_POSTGRES_PASSWORD"}
    with pytest.raises(InputError) as caught:
        await apply_snapshot(invoker(empty), exported.snapshot, secrets=values)
    assert caught.value.fields == ("WAREHOUSE_STAGING_POSTGRES_PASSWORD",)
    assert "Staging Postgres" in str(caught.value)
    assert all(r.method == "GET" for r in empty.requests)
    assert counts(empty)["warehouses"] == 0


def test_the_secrets_file_reads_json_or_lines_and_wins_over_the_environment(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WS_TEST_A", "from-env")
    monkeypatch.setenv("WS_TEST_B", "from-env")
    lines = tmp_path / "secrets.env"
    lines.write_text("# a comment\nWS_TEST_A=from-file\n")
    values = load_secrets(str(lines))
    assert (values["WS_TEST_A"], values["WS_TEST_B"]) == ("from-file", "from-env")
    as_json = tmp_path / "secrets.json"
    as_json.write_text('{"WS_TEST_B": "json"}')
    assert load_secrets(str(as_json))["WS_TEST_B"] == "json"
    as_json.write_text('{"WS_TEST_B": 5}')
    with pytest.raises(InputError) as caught:
        load_secrets(str(as_json))
    assert caught.value.fields == ("--secrets.WS_TEST_B",)


async def test_the_pacer_waits_out_the_window_and_says_so() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(5, 60.0, clock=lambda: now[0], sleep=sleep)
    said: list[str] = []
    for _ in range(5):
        await pacer.slot(said.append)
        now[0] += 1.0
    assert slept == [] and said == []
    await pacer.slot(said.append)
    # Now t=105: the first write (t=100) leaves the window at t=160; plus a 1 s margin.
    assert slept == [pytest.approx(56.0)]
    assert said and "waiting" in said[0] and "5 Destination Subscription writes per 60s" in said[0]


async def test_subscription_writes_respect_the_limit_with_a_visible_wait(
    empty: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The emulator's one-minute windows, shortened so that the test waits one short window.
    window = 1.5
    monkeypatch.setattr(emulator_ratelimit, "WINDOW_SECONDS", window)
    empty.rate_limits.enabled = True
    subscriptions = {
        f"Send {n}": {
            "actionId": ACTION_SEND,
            "trigger": f'event = "e{n}"',
            "enabled": True,
            "settings": {"url": f"https://example.com/{n}", "method": "POST"},
        }
        for n in range(7)
    }
    wanted = {
        "formatVersion": FORMAT_VERSION,
        "sources": {
            "web": {
                "name": "Web",
                "metadataId": "1bow82lmk",
                "enabled": True,
                "settings": {},
                "destinations": {
                    "Hook": {
                        "metadataId": WEBHOOKS_TYPE,
                        "enabled": True,
                        "settings": {},
                        "subscriptions": copy.deepcopy(subscriptions),
                    }
                },
            }
        },
    }
    said: list[str] = []
    outcome = await apply_snapshot(invoker(empty), wanted, secrets={}, progress=said.append, pacer=Pacer(5, window))
    assert len(outcome.done) == 1 + 1 + 7  # the source, the destination, 7 subscriptions
    waits = [line for line in said if line.startswith("waiting")]
    assert len(waits) == 1
    posts = [r for r in empty.requests if r.method == "POST" and r.path.endswith("/subscriptions")]
    assert len(posts) == 7  # no 429 was met (a 429 makes the client send the POST again)
    assert counts(empty)["subscriptions"] == 7
