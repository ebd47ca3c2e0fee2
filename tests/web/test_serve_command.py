"""`segment-component serve` as a user runs it: a process that serves the page against the
built-in emulator when no token is set, and says so."""

from __future__ import annotations

import urllib.request

from tests.cli.helpers import COMMAND, listening


def test_serve_runs_the_page_against_the_emulator_and_says_so() -> None:
    with listening([*COMMAND, "serve", "--port", "0"]) as (url, text):
        assert "configuration screen listening on" in text
        assert "built-in Segment API emulator" in text
        with urllib.request.urlopen(url + "/", timeout=30) as response:
            page = response.read().decode()
            assert response.headers["X-Frame-Options"] == "DENY"
    assert '<meta name="page-token"' in page
    assert "{{PAGE_TOKEN}}" not in page
    assert url.startswith("http://127.0.0.1:")
