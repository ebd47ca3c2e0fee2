"""Per-(token, operation) rate limits in fixed one-minute windows, with the API's headers.

Defaults (``per minute``): the figures the 73.2.0 descriptions state (Destination Subscription
writes 5; ``createInvites``, ``deleteUsers`` and ``getEventsVolumeFromWorkspace`` 60), and
:data:`DEFAULT_PER_MINUTE` (6000) for every other operation: the real default is unpublished
(only known to exceed 200/min), and 6000 keeps benchmarks unthrottled while a test can still
lower any limit with :meth:`RateLimiter.set`.

A window opens with the first request of a (token, operation) pair and lasts 60 seconds. Every
attempt counts, the rejected ones too (``consumedPoints`` can exceed the limit, as in the API's
documented 429 body). When limits are disabled nothing is counted and no ``X-RateLimit-*``
headers are sent, so a client that paces itself on ``X-RateLimit-Remaining`` is never slowed.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from .errors import RATE_LIMITED, ApiError
from .faults import compile_pattern

DEFAULT_PER_MINUTE = 6000
WINDOW_SECONDS = 60.0

OPERATION_LIMITS: dict[str, int] = {
    "createDestinationSubscription": 5,
    "updateSubscriptionForDestination": 5,
    "removeSubscriptionFromDestination": 5,
    "createInvites": 60,
    "deleteUsers": 60,
    "getEventsVolumeFromWorkspace": 60,
}


@dataclass
class _Override:
    method: str
    pattern: str
    regex: re.Pattern[str]
    per_minute: int


class RateLimiter:
    """The emulator's limiter. ``enabled`` may be flipped at any time."""

    def __init__(self, enabled: bool = True, default_per_minute: int = DEFAULT_PER_MINUTE) -> None:
        self.enabled = enabled
        self.default_per_minute = default_per_minute
        self.operation_limits: dict[str, int] = dict(OPERATION_LIMITS)
        self._overrides: list[_Override] = []
        # (token, operationId) -> [window end (epoch seconds), attempts in the window]
        self._windows: dict[tuple[str, str], list[float]] = {}
        self._reset_header_cache: tuple[int, str] = (0, "")

    def set(self, method: str, path: str, per_minute: int) -> None:
        """Limit the operations whose method and path match (fnmatch pattern); newest wins."""
        if per_minute < 0:
            raise ValueError("per_minute must be >= 0")
        self._overrides.insert(0, _Override(method.upper(), path, compile_pattern(path), per_minute))

    def set_operation(self, operation_id: str, per_minute: int) -> None:
        self.operation_limits[operation_id] = per_minute

    def reset(self) -> None:
        """Forget every count and every override: back to the default limits."""
        self._windows.clear()
        self._overrides.clear()
        self.operation_limits = dict(OPERATION_LIMITS)
        self.default_per_minute = DEFAULT_PER_MINUTE

    def clear_counts(self) -> None:
        self._windows.clear()

    def limit_for(self, operation_id: str, method: str, path: str) -> int:
        for o in self._overrides:
            if (o.method == "*" or o.method == method) and o.regex.match(path):
                return o.per_minute
        return self.operation_limits.get(operation_id, self.default_per_minute)

    def _reset_header(self, window_end: float) -> str:
        second = math.ceil(window_end)
        cached_second, text = self._reset_header_cache
        if cached_second != second:
            text = format_datetime(datetime.fromtimestamp(second, UTC), usegmt=True)
            self._reset_header_cache = (second, text)
        return text

    def consume(self, token: str, operation_id: str, method: str, path: str) -> dict[str, str] | None:
        """Count one attempt; the headers for the response, or raise the 429 ``ApiError``."""
        if not self.enabled:
            return None
        limit = (
            self.limit_for(operation_id, method, path)
            if self._overrides
            else (self.operation_limits.get(operation_id, self.default_per_minute))
        )
        now = time.time()
        key = (token, operation_id)
        window = self._windows.get(key)
        if window is None or window[0] <= now:
            window = [now + WINDOW_SECONDS, 0.0]
            self._windows[key] = window
        window[1] += 1
        consumed = int(window[1])
        headers = {
            "X-RateLimit-Consumed": str(consumed),
            "X-RateLimit-Remaining": str(max(0, limit - consumed)),
            "X-RateLimit-Reset": self._reset_header(window[0]),
        }
        if consumed > limit:
            ms_before_next = max(1, math.ceil((window[0] - now) * 1000))
            headers["Retry-After"] = str(math.ceil(ms_before_next / 1000))
            raise ApiError(
                429,
                "Too many requests",
                type_=RATE_LIMITED,
                data={"remainingPoints": 0, "msBeforeNext": ms_before_next, "consumedPoints": consumed},
                headers=headers,
            )
        return headers
