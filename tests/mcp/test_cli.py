"""`segment-component mcp` without the MCP SDK says in one line how to install it."""

from __future__ import annotations

import importlib.util

import pytest

from component.cli import EXIT_FAILURE, main


def test_without_the_sdk_the_command_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mcp" else real(name, *a))
    assert main(["mcp"]) == EXIT_FAILURE
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "pip install 'segment-component[mcp]'" in err


def test_read_only_and_allow_writes_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mcp", "--read-only", "--allow-writes"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
