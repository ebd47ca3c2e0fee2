"""The Segment component's generated files: `manifest.json` and `component/handlers.json`.

How they are built and checked is the framework's (`component.framework.manifest`); this module
only says where they live and which command regenerates them. `segment-component manifest
--write` regenerates both; `--check` (and a test) fails when either is stale.
"""

from __future__ import annotations

from pathlib import Path

from component.framework import manifest as generated
from component.framework.loading import IndexEntry

FIX = "segment-component manifest --write"


def _files(manifest_path: Path, index_path: Path) -> dict[Path, str]:
    from component import segment

    return generated.expected_files(segment.manifest(), segment.component, manifest_path, index_path)


def render() -> str:
    from component import segment

    return generated.dump(segment.manifest())


def handler_index() -> list[IndexEntry]:
    from component import segment

    return generated.handler_index(segment.component)


def write(manifest_path: Path, index_path: Path) -> None:
    generated.write(_files(manifest_path, index_path))


def check(manifest_path: Path, index_path: Path) -> list[str]:
    """What is stale, as sentences; empty when both files match the registry."""
    return generated.check(_files(manifest_path, index_path), fix=FIX)
