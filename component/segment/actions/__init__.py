"""One module per resource. `component.segment.load_handlers()` imports them: all of them, or
only the one that declares the handler being invoked (the CLI's start-up stays short)."""

from __future__ import annotations

import pkgutil


def module_names() -> list[str]:
    return [f"{__name__}.{module.name}" for module in pkgutil.iter_modules(__path__)]
