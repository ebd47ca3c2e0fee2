"""Where the generated files live, stated once for every reader (the CLI, the manifest and fixture
generators, the lazy handler loader).

In a source checkout `manifest.json` and `fixtures/` sit at the project's top and the handler index
in the package (`component/handlers.json`). An installed package has no project directory, so the
build copies `manifest.json` and `fixtures/` into the package (`component/_shipped/`, see setup.py)
and these paths point there instead. Importing this module costs only pathlib.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: What the build copies into a wheel; absent from a source checkout (and so from an editable install).
SHIPPED_DIR = PACKAGE_DIR / "_shipped"
#: The folder that holds `manifest.json` and `fixtures/` (a handler's `fixture_path` is relative to it).
DATA_DIR = SHIPPED_DIR if SHIPPED_DIR.is_dir() else PACKAGE_DIR.parent
MANIFEST_PATH = DATA_DIR / "manifest.json"
FIXTURES_DIR = DATA_DIR / "fixtures"
#: The generated handler index: key, kind, label and declaring module of every handler.
INDEX_PATH = PACKAGE_DIR / "handlers.json"
