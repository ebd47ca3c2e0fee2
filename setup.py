"""Packaging hook: a built wheel carries the generated files the package reads at run time.

`manifest.json` and `fixtures/` live at the project's top (hosts and reviewers read them there);
an installed package has no project directory, so the build copies them into the package, under
`component/_shipped/` (where `component.paths` looks first). An editable install reads the
originals and gets no copy. Everything else is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithGeneratedFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "component" / "_shipped"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copy2(ROOT / "manifest.json", target / "manifest.json")
        shutil.copytree(ROOT / "fixtures", target / "fixtures")


setup(cmdclass={"build_py": BuildPyWithGeneratedFiles})
