"""A new resource is one module under component/emulator/resources/: its routes are declared by its
handlers and its table by `declare_table`, and the HTTP layer, rollback and state files take it up
with no other change. Proven with a module the test writes to a directory it adds to that package."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from component.emulator import DEMO_API_KEY, routing, running_emulator, state
from component.emulator import resources as resources_package

WIDGETS = """
from component.emulator.call import Call
from component.emulator.routing import SUCCESS, Answer, route
from component.emulator.state import Workspace, declare_table
from component.emulator.validate import Fields

declare_table("widgets", "Widget")


@route("POST", "/widgets", "createWidget", body=True)
def create_widget(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    name = f.str_("name", required=True)
    f.check()
    return 201, {"data": {"widget": ws.tables["widgets"].add({"id": ws.ids.base62(), "name": name})}}


@route("GET", "/widgets/{widgetId}", "getWidget")
def get_widget(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"widget": ws.tables["widgets"].find(c.params["widgetId"])}}


@route("DELETE", "/widgets/{widgetId}", "deleteWidget")
def delete_widget(ws: Workspace, c: Call) -> Answer:
    ws.tables["widgets"].remove(c.params["widgetId"])
    return 200, SUCCESS
"""
MODULE = f"{resources_package.__name__}.widgets"


@pytest.fixture
def widgets_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    extra = tmp_path / "more_resources"
    extra.mkdir()
    (extra / "widgets.py").write_text(WIDGETS)
    monkeypatch.setattr(resources_package, "__path__", [*resources_package.__path__, str(extra)])
    # Declarations made by the module stay with this test.
    monkeypatch.setattr(routing, "_DECLARED", list(routing._DECLARED))
    monkeypatch.setattr(state, "_DECLARED_TABLES", dict(state._DECLARED_TABLES))
    yield
    sys.modules.pop(MODULE, None)


async def test_a_resource_module_is_routed_stored_rolled_back_and_saved(widgets_module: None, tmp_path: Path) -> None:
    file = tmp_path / "state.json"
    headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
    async with running_emulator(state_file=file) as emu, aiohttp.ClientSession(headers=headers) as session:
        async with session.post(f"{emu.url}/widgets", json={"name": "Sprocket"}) as r:
            assert r.status == 201
            widget = (await r.json())["data"]["widget"]
        async with session.get(f"{emu.url}/widgets/{widget['id']}") as r:
            assert r.status == 200 and (await r.json())["data"]["widget"] == widget
        async with session.get(f"{emu.url}/widgets/nope") as r:
            assert r.status == 404
            assert (await r.json())["errors"][0]["message"] == "Widget with id 'nope' not found"
        async with session.post(
            f"{emu.url}/widgets", data=b'{"name": "\\ud800"}', headers={"Content-Type": "application/json"}
        ) as r:
            assert r.status == 400
        assert list(emu.state.tables["widgets"]) == [widget["id"]]
    async with running_emulator(state_file=file) as emu:
        assert emu.state.tables["widgets"][widget["id"]] == widget


def test_a_table_cannot_take_the_name_of_another_part_of_the_workspace(widgets_module: None) -> None:
    for name in ("sources", "connections", "render"):
        with pytest.raises(ValueError, match="already exists"):
            state.declare_table(name, "Clash")
