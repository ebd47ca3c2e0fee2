"""The defaults for retries, waits, timeouts and concurrency, in one place.

Every figure the client uses comes from a `RetryPolicy`; `DEFAULT_POLICY` is what an invocation
gets unless it passes its own (`segment.invoke(..., retry=RetryPolicy(attempts=2))`). The raw
request action builds one from its own inputs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: Methods that change nothing when repeated: they retry on 5xx, timeouts and dropped connections.
#: POST and PATCH retry only on 429, which says nothing was done, so a create is never made twice.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    """Tries in all, the first included."""
    max_wait: float = 60.0
    """The longest single wait (seconds). A 429 asking for more raises RateLimited at once."""
    backoff_base: float = 0.5
    """First backoff (seconds) when the API gives no wait; doubles each attempt, jittered."""
    backoff_max: float = 10.0
    fixed_delay: float | None = None
    """A fixed wait between tries instead of the exponential backoff (the raw request's option)."""
    retry_all_errors: bool = False
    """Retry every error status and method (the raw request's `retryAllErrors`)."""
    timeout: float = 30.0
    """Seconds for one whole try: connect, send, and read the body."""
    connect_timeout: float = 10.0
    max_response_bytes: int = 64 * 1024 * 1024
    """Bytes of one response body the client reads, counted after decompression and on error
    statuses too; beyond it the call fails with ResponseTooLarge. The largest real answers (a
    1,000-item catalog page) are a few MiB."""
    max_pages: int = 10_000
    """Pages one walk (fetchAll, a picklist) follows before it fails with TooManyPages."""
    max_items: int = 1_000_000
    """Items one walk collects before it fails with TooManyPages."""

    def __post_init__(self) -> None:
        for name in ("max_response_bytes", "max_pages", "max_items"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"RetryPolicy.{name} must be a whole number of at least 1")

    def backoff(self, attempt: int) -> float:
        """Seconds before try `attempt + 1`, when the API did not say how long to wait."""
        if self.fixed_delay is not None:
            return self.fixed_delay
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        # "Equal jitter": at least half the step, so retries spread out but never hammer.
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))

    def may_retry(self, method: str, *, rate_limited: bool) -> bool:
        return rate_limited or self.retry_all_errors or method in IDEMPOTENT_METHODS


DEFAULT_POLICY = RetryPolicy()

#: The raw request's `binary` responses (files, exports) may be larger than any JSON answer.
MAX_BINARY_RESPONSE_BYTES = 256 * 1024 * 1024

#: Requests in flight at once per connection (token and base URL) in one event loop. Beyond
#: this, invocations queue in the client instead of tripping the API's rate limits.
DEFAULT_MAX_CONCURRENCY = 16
#: The environment variable that overrides it (a whole number, at least 1).
MAX_CONCURRENCY_ENV = "SEGMENT_MAX_CONCURRENCY"

#: Page size used when the component itself walks every page (picklists, fetchAll).
FULL_PAGE = 1000
