"""The test run's own output: figures a test measures are reported by pytest after the run (the
terminal summary, and `record_property` for junit XML), not printed among the progress dots."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import clean_env
from tests.helpers import PROJECT_DIR as PROJECT

LOAD_TEST = "tests/reliability/test_load.py::test_a_thousand_concurrent_invocations_under_rate_limits"


def test_the_load_figures_come_in_the_summary_not_among_the_dots(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", LOAD_TEST],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith(".") and "load:" not in lines[0]  # the progress line holds dots only
    summary = lines.index(next(line for line in lines if "measured figures" in line))
    assert f"{LOAD_TEST}: load: 1000 invocations, " in lines[summary + 1]
    assert 'name="figures" value="load: 1000 invocations, ' in junit.read_text()
