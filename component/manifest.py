"""manifest.json and the handler index, both generated from the registry.

`manifest.json` (top level) describes the component for hosts: its connection and, for every
handler, key, label, description, input JSON Schema and example payload file. The handler index
(`component/handlers.json`: key, kind, label and declaring module) lets `segment-component list`
answer without importing the registry, and `invoke` import only the module it needs.
`segment-component manifest --write` regenerates both; `--check` (and a test) fails when either
is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def render() -> str:
    from component import segment

    return _dump(segment.manifest())


def handler_index() -> list[dict[str, str]]:
    from component import segment

    return [{"key": h.key, "kind": h.kind, "label": h.label, "module": h.func.__module__}
            for h in sorted(segment.component.all(), key=lambda h: (h.kind, h.key))]


def write(manifest_path: Path, index_path: Path) -> None:
    manifest_path.write_text(render())
    index_path.write_text(_dump(handler_index()))


def check(manifest_path: Path, index_path: Path) -> list[str]:
    """What is stale, as sentences; empty when both files match the registry."""
    problems = []
    expected = {manifest_path: render(), index_path: _dump(handler_index())}
    for file, text in expected.items():
        if not file.exists():
            problems.append(f"{file.name} is missing: run `segment-component manifest --write`")
        elif file.read_text() != text:
            problems.append(f"{file.name} is stale: run `segment-component manifest --write`")
    return problems
