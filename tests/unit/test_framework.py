"""The framework is generic: it imports no Segment module, and it hosts a second component (the
shelf in tests/toy: two actions, one picklist, its own connection, no HTTP) end to end."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tests.toy as toy
from component.framework import manifest as generated
from component.framework.errors import InputError
from component.framework.hosting import HostedComponent, error_body, error_status
from component.framework.loading import read_index
from tests.helpers import exception_text
from tests.toy.definition import LIBRARY, SHELF_KEY

PROJECT = Path(__file__).resolve().parents[2]
FRAMEWORK = PROJECT / "component" / "framework"
CONNECTION = {"key": SHELF_KEY, "shelf": "fiction"}


@pytest.fixture(autouse=True)
def _empty_library() -> None:
    LIBRARY.clear()


def _imported_modules(file: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# What knows Segment: its component, the emulator, and the modules that wire them to the CLI.
SEGMENT_MODULES = (
    "component.segment",
    "component.emulator",
    "component.cli",
    "component.manifest",
    "component.fixtures",
)


def test_the_framework_imports_nothing_that_knows_segment() -> None:
    files = sorted(FRAMEWORK.glob("*.py"))
    imported = {file.name: _imported_modules(file) for file in files}
    assert {"registry.py", "runtime.py", "loading.py", "manifest.py", "fixtures.py"} <= set(imported)
    assert "component.framework.inputs" in imported["registry.py"]  # the check reads real imports
    foreign = {name: sorted(m for m in modules if m.startswith(SEGMENT_MODULES)) for name, modules in imported.items()}
    assert not any(foreign.values()), foreign


def test_the_import_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import component.segment\nfrom component import segment\n"
        "def f():\n    from component.segment.urls import path\n"
    )
    assert {"component.segment", "component.segment.urls"} <= _imported_modules(sample)


async def test_a_second_component_runs_its_actions_and_picklist() -> None:
    added = await toy.invoke("addBook", {"title": "Dune", "pages": "412"}, connection=CONNECTION)
    assert added == {"data": {"id": "b1", "title": "Dune", "pages": "412"}}
    await toy.invoke("addBook", {"title": "Anathem"}, connection=CONNECTION)
    assert (await toy.invoke("getBook", {"bookId": "b2"}, connection=CONNECTION))["data"]["pages"] == "100"
    picked = await toy.invoke("books", {"search": "an"}, connection=CONNECTION)
    assert picked == {"result": [{"key": "b2", "label": "Anathem"}]}
    assert await toy.test_connection(CONNECTION) == {"books": 2}


async def test_a_second_component_gets_the_frameworks_input_errors() -> None:
    with pytest.raises(InputError) as caught:
        await toy.invoke("addBook", {"pages": 0, "colour": "red"}, connection={"shelf": ""})
    assert set(caught.value.fields) == {"title", "pages", "colour", "connection.key", "connection.shelf"}
    assert error_status(caught.value) == 422
    assert error_body(caught.value)["error"] == "InputError"
    with pytest.raises(InputError, match="does not open this shelf"):
        await toy.invoke("getBook", {"bookId": "b1"}, connection={**CONNECTION, "key": "wrong"})
    with pytest.raises(InputError, match="no action or data source named 'lend'"):
        await toy.invoke("lend", {}, connection=CONNECTION)


async def test_a_handler_built_from_others_runs_them_in_its_own_context() -> None:
    from component.framework.debug import Trace
    from tests.toy.definition import ShelfContext

    component = toy.handlers.load("addBook")
    toy.handlers.load("books")
    ctx = ShelfContext(LIBRARY.setdefault("within", {}), Trace("composed"))
    added = await component.invoke_within(ctx, "addBook", {"title": "Dune", "pages": "412"})
    assert added == {"data": {"id": "b1", "title": "Dune", "pages": "412"}}
    assert LIBRARY["within"]["b1"]["title"] == "Dune"  # in the context given, not a new one
    assert await component.invoke_within(ctx, "books", {"search": "du"}) == {"result": [{"key": "b1", "label": "Dune"}]}
    with pytest.raises(InputError) as caught:  # validated by the handler's own model, nothing done
        await component.invoke_within(ctx, "addBook", {"pages": 0})
    assert set(caught.value.fields) == {"title", "pages"} and len(LIBRARY["within"]) == 1


async def _host_call(host: HostedComponent, key: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A host written against the protocol only, as the web and agent hosts are."""
    keys = {*host.manifest()["actions"], *host.manifest()["dataSources"]}
    assert key in keys
    try:
        return await host.invoke(key, inputs, connection=CONNECTION)
    finally:
        await host.aclose()


async def test_a_host_written_against_the_protocol_hosts_the_second_component() -> None:
    assert (await _host_call(toy, "addBook", {"title": "Emma"}))["data"]["title"] == "Emma"


async def test_the_lazy_handlers_are_hosted_as_they_are_and_keep_no_secret_in_an_errors_frames() -> None:
    """`LazyHandlers` offers the calls a host makes itself. Its `invoke` hands back the runtime's
    coroutine rather than awaiting it, so when a handler fails no frame of its own holding the raw
    connection (the shelf's key) is in the traceback, even with every local printed."""
    assert (await _host_call(toy.handlers, "addBook", {"title": "Emma"}))["data"]["title"] == "Emma"
    with pytest.raises(InputError, match="is not on this shelf") as caught:
        await toy.handlers.invoke("getBook", {"bookId": "b9"}, connection=CONNECTION)
    frames = exception_text(caught.value, with_locals=True)
    assert "in invoke" in frames  # the runtime's own frame is there: the check reads real frames
    assert SHELF_KEY not in frames


def test_a_second_component_is_described_and_has_a_manifest() -> None:
    manifest = toy.manifest()
    assert manifest["component"] == {"key": "shelf", "label": "Shelf", "description": "Keeps books on named shelves."}
    assert set(manifest["actions"]) == {"addBook", "getBook"}
    assert set(manifest["dataSources"]) == {"books"}
    assert manifest["connection"]["inputs"]["properties"]["key"]["writeOnly"] is True
    described = manifest["actions"]["getBook"]
    assert described["inputs"]["properties"]["bookId"]["x-dataSource"] == "books"
    assert described["inputs"]["required"] == ["bookId"]
    assert described["examplePayload"] == "fixtures/actions/getBook.json"
    assert manifest["dataSources"]["books"]["examplePayload"] == "fixtures/dataSources/books.json"


def test_a_second_components_handler_index_is_listed_and_current(tmp_path: Path) -> None:
    component = toy.handlers.loaded()
    files = generated.expected_files(toy.manifest(), component, tmp_path / "manifest.json", toy.INDEX_PATH)
    assert generated.check(files, fix="regenerate") == ["manifest.json is missing: run `regenerate`"]
    index = read_index(toy.INDEX_PATH)
    assert index is not None
    assert [(e["key"], e["kind"], e["module"]) for e in index] == [
        ("addBook", "action", "tests.toy.books"),
        ("getBook", "action", "tests.toy.books"),
        ("books", "dataSource", "tests.toy.picklists"),
    ]
    generated.write(files)
    assert json.loads((tmp_path / "manifest.json").read_text()) == toy.manifest()
    assert generated.check(files, fix="regenerate") == []


def test_an_unreadable_handler_index_reads_as_none(tmp_path: Path) -> None:
    assert read_index(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text('[{"key": 1}]')
    assert read_index(tmp_path / "bad.json") is None


async def test_the_fixture_convention_writes_and_checks_a_second_components_payloads(tmp_path: Path) -> None:
    from component.framework.fixtures import regenerate

    component = toy.handlers.loaded()

    async def payload(handler: Any) -> Any:
        LIBRARY.clear()
        await toy.invoke("addBook", {"title": "Dune"}, connection=CONNECTION)
        return await toy.invoke(handler.key, dict(handler.example), connection=CONNECTION)

    assert len(await regenerate(component.all(), tmp_path, payload, check_only=True, fix="fx")) == 3
    assert await regenerate(component.all(), tmp_path, payload) == []
    written = json.loads((tmp_path / "fixtures" / "actions" / "getBook.json").read_text())
    assert written == {"data": {"id": "b1", "title": "Dune", "pages": "100"}}
    assert await regenerate(component.all(), tmp_path, payload, check_only=True, fix="fx") == []


def test_the_second_component_runs_without_segment_and_loads_only_the_module_it_needs() -> None:
    script = (
        "import asyncio, json, sys\n"
        "import tests.toy as toy\n"
        "conn = {'key': 'open-sesame', 'shelf': 's'}\n"
        "out = asyncio.run(toy.invoke('addBook', {'title': 'X'}, connection=conn))\n"
        "loaded = {m: m in sys.modules for m in ('tests.toy.books', 'tests.toy.picklists')}\n"
        "toy.manifest()\n"
        "print(json.dumps({'out': out, 'loaded': loaded, 'all': 'tests.toy.picklists' in sys.modules,\n"
        "  'segment': sorted(m for m in sys.modules if m.startswith(('component.segment', 'component.emulator')))}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    assert report["out"] == {"data": {"id": "b1", "title": "X", "pages": "100"}}
    assert report["loaded"] == {"tests.toy.books": True, "tests.toy.picklists": False}
    assert report["all"] is True
    assert report["segment"] == []


def test_a_handler_the_index_does_not_know_loads_every_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler added since the index was last written still runs: its module is found by loading all."""
    from component.framework.loading import LazyHandlers

    # A fresh component whose handler module nothing has imported yet.
    (tmp_path / "lazy_shelf_definition.py").write_text(
        "from tests.toy.definition import ShelfConnection, check_shelf, make_context, _nothing_to_close\n"
        "from component.framework.registry import ComponentInfo, Connection\n"
        "from component.framework.runtime import Component\n"
        "shelf = Component(ComponentInfo('lazy', 'Lazy', 'A fresh shelf.'),\n"
        "    Connection('k', 'K', 'A key.', ShelfConnection, check_shelf), make_context=make_context,\n"
        "    close=_nothing_to_close)\n"
    )
    (tmp_path / "lazy_shelf_books.py").write_text(
        "from component.framework.inputs import InputModel\n"
        "from lazy_shelf_definition import shelf\n"
        "@shelf.action('count', label='Count', description='Counts the books.', example={})\n"
        "async def count(ctx, inputs: InputModel) -> int:\n"
        "    return len(ctx.books)\n"
    )
    (tmp_path / "handlers.json").write_text("[]")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("lazy_shelf_definition", "lazy_shelf_books"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    loaded: list[str] = []

    def modules() -> list[str]:
        loaded.append("all")
        return ["lazy_shelf_books"]

    def definition() -> Any:
        import lazy_shelf_definition  # type: ignore[import-not-found]

        return lazy_shelf_definition.shelf

    lazy = LazyHandlers(definition, tmp_path / "handlers.json", modules)
    assert lazy.component.actions == {}
    assert "count" in lazy.load("count").actions and loaded == ["all"]
    lazy.load("count")
    lazy.load()
    assert loaded == ["all"]  # loaded once, then known
    with pytest.raises(InputError, match="no action or data source named 'lend'"):
        lazy.load("lend").get("lend")
    for name in ("lazy_shelf_definition", "lazy_shelf_books"):
        sys.modules.pop(name, None)
