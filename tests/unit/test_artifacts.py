"""The generated artifacts and the promises about the whole set of handlers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from component import segment
from component.cli import main
from component.fixtures import regenerate

PROJECT = Path(__file__).resolve().parents[2]
HANDLER_KEYS = [entry["key"] for entry in json.loads((PROJECT / "component" / "handlers.json").read_text())]
SEED = PROJECT.parent / "shared" / "segment-public-api" / "seed-interface.json"


def test_57_handlers() -> None:
    assert (len(segment.actions), len(segment.data_sources)) == (46, 11)


def test_seed_keys_are_all_kept() -> None:
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent")
    seed = json.loads(SEED.read_text())
    assert set(seed["actions"]) | {"createWarehouse", "exportWorkspace"} == set(segment.actions)
    assert set(seed["dataSources"]) | {"selectRole"} == set(segment.data_sources)
    for key, action in seed["actions"].items():
        properties = segment.actions[key].spec.schema["properties"]
        seed_inputs = {i["key"] for i in action["inputs"] if i["type"] != "connection"}
        assert seed_inputs <= set(properties), f"{key} lost inputs {seed_inputs - set(properties)}"
        connection_input = next(i["key"] for i in action["inputs"] if i["type"] == "connection")
        assert segment.actions[key].connection_input == connection_input


async def test_fixtures_are_up_to_date() -> None:
    problems = await regenerate(PROJECT, check_only=True)
    assert problems == []


def test_defects_each_have_a_test() -> None:
    names = "\n".join(p.read_text() for p in (PROJECT / "tests").rglob("test_*.py"))
    missing = [f"D{n:02d}" for n in range(1, 23) if not re.search(rf"def test_D{n:02d}_", names)]
    assert missing == []


@pytest.mark.parametrize("key", HANDLER_KEYS)
def test_every_handler_runs_from_the_cli_with_its_example(key: str, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENT_API_KEY", raising=False)
    example = json.loads((PROJECT / "manifest.json").read_text())
    handler = example["actions"].get(key) or example["dataSources"][key]
    code = main(["run", key, "--input", json.dumps(handler["exampleInput"])])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert ("data" in result) if key in segment.actions else ("result" in result and result["result"])
    assert "built-in Segment API emulator" in err
