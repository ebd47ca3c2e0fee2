"""Fault injection: make the next N matching requests fail in a chosen way.

A fault is matched after the request has been recorded and before anything else (auth, routing,
rate limits), in injection order; the first fault with uses left wins. Kinds, combinable:

* ``status`` (+ optional ``body``, ``headers``): answer with that status. Without ``body`` an
  error status gets a proper ``{"errors": [...]}`` envelope (a 429 gets the API's rate-limit body
  with ``msBeforeNext`` of 1000 but no ``Retry-After`` unless given in ``headers``); a 2xx gets
  ``{"data": {}}``.
* ``body`` (bytes or str, sent verbatim, ``application/json``): a malformed or truncated body;
  status defaults to 200.
* ``delay`` (seconds): sleep first. Alone, the request is then handled normally.
* ``drop``: close the connection without any response (the client sees a disconnect).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """fnmatch-style, case-sensitive; ``*`` also matches across ``/``."""
    return re.compile(fnmatch.translate(pattern))


@dataclass
class Fault:
    method: str
    path: str
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    times: int | None = 1
    hits: int = 0
    regex: re.Pattern[str] = field(default=re.compile(""), repr=False)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method) and self.regex.match(path) is not None


class FaultInjector:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def inject(
        self,
        method: str = "*",
        path: str = "*",
        *,
        status: int | None = None,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drop: bool = False,
        times: int | None = 1,
    ) -> Fault:
        """Add a fault for the next ``times`` matching requests (``None``: until cleared)."""
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for unlimited)")
        if delay < 0:
            raise ValueError("delay must be >= 0")
        if status is not None and not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        fault = Fault(
            method=method.upper(),
            path=path,
            status=status,
            body=body.encode() if isinstance(body, str) else body,
            headers=dict(headers or {}),
            delay=delay,
            drop=drop,
            times=times,
            regex=compile_pattern(path),
        )
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, its use counted; exhausted faults are dropped."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.hits += 1
                if fault.exhausted:
                    self.faults.remove(fault)
                return fault
        return None
