"""A component's generated files: its manifest and its handler index.

The manifest describes the component for hosts: its connection and, for every handler, key,
label, description, input JSON Schema and example payload file. The handler index (key, kind,
label and declaring module) lets a handler listing answer without importing the registry, and
`invoke` import only the module it needs (see `component.framework.loading`). Both are derived from
the registry; `check` says which file no longer matches it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from component.framework.loading import IndexEntry
    from component.framework.registry import Registry

CtxT = TypeVar("CtxT")


def dump(value: Any) -> str:
    """JSON as every generated file is written: indented, UTF-8 kept, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def handler_index(registry: Registry[CtxT]) -> list[IndexEntry]:
    return [
        {"key": h.key, "kind": h.kind, "label": h.label, "module": h.module}
        for h in sorted(registry.all(), key=lambda h: (h.kind, h.key))
    ]


def expected_files(
    manifest: dict[str, Any], registry: Registry[CtxT], manifest_path: Path, index_path: Path
) -> dict[Path, str]:
    """Each generated file with the text it must hold."""
    return {manifest_path: dump(manifest), index_path: dump(handler_index(registry))}


def write(files: dict[Path, str]) -> None:
    for file, text in files.items():
        file.write_text(text)


def check(files: dict[Path, str], *, fix: str) -> list[str]:
    """What is stale, as sentences naming the command `fix` that regenerates it; empty when none."""
    problems = []
    for file, text in files.items():
        if not file.exists():
            problems.append(f"{file.name} is missing: run `{fix}`")
        elif file.read_text() != text:
            problems.append(f"{file.name} is stale: run `{fix}`")
    return problems
