"""Example payloads: for every handler, what `invoke` returns for its example input, kept as a file
(`fixtures/actions/KEY.json` or `fixtures/dataSources/KEY.json`, the handler's `fixture_path`) so
that hosts and docs can show a real result without running anything.

How a payload is made (against which service, with which connection) is the component's; this
module owns the convention: where each file lives, how it is written, and how staleness is told.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from component.framework.manifest import dump

if TYPE_CHECKING:
    from component.framework.registry import Handler

CtxT = TypeVar("CtxT")


async def regenerate(
    handlers: Iterable[Handler[CtxT]],
    project_dir: Path,
    payload: Callable[[Handler[CtxT]], Awaitable[object]],
    *,
    check_only: bool = False,
    fix: str = "regenerate the fixtures",
) -> list[str]:
    """Write (or with check_only, compare) each handler's payload file; return what was wrong, as
    sentences naming the command `fix` that regenerates them."""
    problems = []
    for handler in handlers:
        file = project_dir / handler.fixture_path
        text = dump(await payload(handler))
        if check_only:
            if not file.exists():
                problems.append(f"{handler.fixture_path} is missing: run `{fix}`")
            elif file.read_text() != text:
                problems.append(f"{handler.fixture_path} is stale: run `{fix}`")
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
    return problems


def read_example(data_dir: Path, relative: object) -> Any:
    """The example payload at `relative` (a handler's `fixture_path`, which the manifest gives as
    `examplePayload`) under `data_dir`, or None when there is none: not a path, outside `data_dir`
    (the manifest a host serves could be any component's), missing or unreadable."""
    if not isinstance(relative, str) or not relative:
        return None
    base = data_dir.resolve()
    file = (base / relative).resolve()
    if not file.is_relative_to(base) or not file.is_file():
        return None
    try:
        return json.loads(file.read_text())
    except (OSError, ValueError):
        return None
