"""The generated artifacts and the promises about the whole set of handlers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from component import segment
from component.cli import main
from component.fixtures import regenerate
from component.segment.errors import InputError
from tests.kept_interface import DEFAULTS, KEPT, NO_SAMPLE_DEFAULT, RENAMED, RENAMED_INPUTS

PROJECT = Path(__file__).resolve().parents[2]
HANDLER_KEYS = [entry["key"] for entry in json.loads((PROJECT / "component" / "handlers.json").read_text())]


def test_every_handler_in_the_registry_is_indexed_has_a_valid_example_and_a_fixture() -> None:
    handlers = segment.component.all()
    assert sorted(h.key for h in handlers) == sorted(HANDLER_KEYS)
    for handler in handlers:
        required = handler.spec.schema.get("required", [])
        assert handler.example or not required, f"{handler.key} has no example input"
        handler.spec.parse(dict(handler.example), handler=handler.key, error_type=InputError)
        assert (PROJECT / handler.fixture_path).is_file(), f"{handler.key} has no example payload"


def test_the_interface_of_the_replaced_component_is_kept() -> None:
    added = {"createWarehouse", "exportWorkspace", "selectRole"}
    assert set(KEPT) | added == set(segment.actions) | set(segment.data_sources)
    for key, kept in KEPT.items():
        handler = segment.component.get(key)
        assert handler.label == RENAMED.get(key, kept.label), key
        assert handler.connection_input == kept.connection_input, key
        properties = handler.spec.schema["properties"]
        for name, label in kept.inputs.items():
            assert name in properties, f"{key} lost its input {name}"
            assert properties[name]["title"] == RENAMED_INPUTS.get((key, name), label), (key, name)
            if name == "region":
                assert properties[name]["default"] == "api"
            elif (key, name) in DEFAULTS:
                assert properties[name]["default"] == DEFAULTS[key, name], (key, name)
            elif (key, name) in NO_SAMPLE_DEFAULT:
                assert "default" not in properties[name], (key, name)


def test_no_input_defaults_to_sample_data() -> None:
    """A default is sent as if the user had given it: only a switch, a number or a choice may have one."""
    for handler in segment.component.all():
        for name, prop in handler.spec.schema["properties"].items():
            if "default" in prop:
                assert isinstance(prop["default"], bool | int | float | str), (handler.key, name)
                if isinstance(prop["default"], str):
                    choices = [option["const"] for option in prop.get("oneOf", ())] + prop.get("enum", [])
                    assert prop["default"] in choices, (handler.key, name)


async def test_fixtures_are_up_to_date() -> None:
    problems = await regenerate(PROJECT, check_only=True)
    assert problems == []


@pytest.mark.parametrize("key", HANDLER_KEYS)
def test_every_handler_runs_from_the_cli_with_its_example(
    key: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEGMENT_API_KEY", raising=False)
    example = json.loads((PROJECT / "manifest.json").read_text())
    handler = example["actions"].get(key) or example["dataSources"][key]
    code = main(["run", key, "--input", json.dumps(handler["exampleInput"])])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert ("data" in result) if key in segment.actions else ("result" in result and result["result"])
    assert "built-in Segment API emulator" in err


def test_invoking_one_handler_imports_only_the_module_that_declares_it() -> None:
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from component import segment\n"
        "segment.load_handlers('getSource')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('component.segment.actions.')"
        " or m == 'component.segment.data_sources')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == ["component.segment.actions.sources"]
