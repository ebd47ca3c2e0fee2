"""Exact-request cases: what one handler invocation must send, checked with aioresponses.

Each `tests/unit/test_requests_<resource>.py` defines `CASES` and a test that runs
`check_exact_request` over them; `test_request_coverage.py` fails when a handler has no case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aioresponses import aioresponses

from component import segment
from tests.helpers import CONNECTION, only

V1 = "application/vnd.segment.v1+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"


@dataclass
class Case:
    key: str
    inputs: dict[str, Any]
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None
    media_type: str = V1
    response: Any = field(default_factory=lambda: {"data": {}})
    status: int = 200

    def __str__(self) -> str:
        return f"{self.key}({', '.join(self.inputs)})"


async def check_exact_request(case: Case) -> None:
    """Invoke the case's handler against a canned answer and compare what it sent."""
    with aioresponses() as mock:
        mock.add(re.compile(r".*"), method=case.method, payload=case.response, status=case.status)
        await segment.invoke(case.key, case.inputs, connection=CONNECTION)
        request = only(mock)
    assert request.method == case.method
    assert (request.url.scheme, request.url.host) == ("https", "api.segmentapis.com")
    assert request.path == case.path
    assert request.query == case.query
    assert request.body == case.body
    assert request.headers["Accept"] == case.media_type
    if case.body is not None:
        assert request.headers["Content-Type"] == case.media_type
    else:
        assert "Content-Type" not in request.headers
