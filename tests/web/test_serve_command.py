"""`segment-component serve` as a user runs it: a process that serves the page against the
built-in emulator when no token is set, and says so."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest


@pytest.fixture
def serve_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEGMENT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "component", "serve", "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )
    assert process.stderr is not None
    lines = []
    try:
        for line in process.stderr:  # ends when the process exits, so a crash cannot hang here
            lines.append(line)
            match = re.search(r"configuration screen listening on (http://\S+)/ ", line)
            if match:
                yield process, "".join(lines) + "\n" + match.group(1)
                return
        pytest.fail("serve exited without serving: " + "".join(lines))
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def test_serve_runs_the_page_against_the_emulator_and_says_so(
    serve_process: tuple[subprocess.Popen[str], str],
) -> None:
    _, output = serve_process
    text, url = output.rsplit("\n", 1)
    assert "built-in Segment API emulator" in text
    with urllib.request.urlopen(url + "/", timeout=30) as response:
        page = response.read().decode()
        assert response.headers["X-Frame-Options"] == "DENY"
    assert '<meta name="page-token"' in page
    assert "{{PAGE_TOKEN}}" not in page
    assert url.startswith("http://127.0.0.1:")
