"""Debug logging: one line per HTTP call and a closing summary, never a secret.

Everything is logged on the `component` logger (one logger, so one redaction filter covers it).
Nothing is formatted when debug is off: the per-call cost of a trace is two counters.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import tracemalloc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("component")

REDACTED = "[redacted]"


#: At most this many secrets are pinned (see `_SecretRegistry.pin`); `redact` checks each.
_MAX_PINNED = 64
#: Secrets shorter than this are never pinned, only registered for each call that holds them: a
#: pinned "x" or "tok" would be redacted out of every later message of the process ("[redacted]en"
#: for "token"). Real tokens are far longer.
_MIN_PINNED_LENGTH = 8


class _SecretRegistry:
    """The secrets of the invocations now running, and the pinned tokens of the connections the
    runtime keeps for reuse; the filter below scrubs them from records.

    Handlers never log secrets in the first place; this is the net under that rule, for text
    that comes from elsewhere (an API message that echoes a header, an exception's text).

    Invocations run in many threads at once (each with its own loop): changes take a lock, and
    `redact` reads an immutable snapshot, so it never iterates a mapping another thread changes.
    """

    __slots__ = ("_counts", "_lock", "_pinned", "_snapshot")

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._pinned: set[str] = set()
        self._snapshot: tuple[str, ...] = ()

    def _publish(self) -> None:
        # Longest first: a secret that contains another is replaced whole (one secret, the usual
        # case of calls on one connection, needs no sort).
        counts = self._counts
        self._snapshot = tuple(counts) if len(counts) < 2 else tuple(sorted(counts, key=len, reverse=True))

    def _count_in(self, secrets: tuple[str, ...] | list[str]) -> None:
        """Count one more holder of each secret (under the lock). Concurrent calls on one
        connection hold the same token: only a new secret (or one gone, in `discard`) changes
        what is redacted, so only then is the snapshot rebuilt."""
        counts = self._counts
        changed = False
        for secret in secrets:
            if secret:
                count = counts.get(secret, 0)
                counts[secret] = count + 1
                if not count:
                    changed = True
        if changed:
            self._publish()

    def add(self, *secrets: str) -> None:
        with self._lock:
            self._count_in(secrets)

    def pin(self, *secrets: str) -> bool:
        """Keep `secrets` registered for the rest of the process, if there is room: True when
        every one of them is pinned (then a call that uses them need not add and discard them).

        The runtime pins a connection's token when it keeps the parsed connection for reuse: the
        token stays in the process then anyway, and redacting it between calls too costs nothing.
        A pinned secret is never unpinned, so no call that relies on a pin can see it go; the
        number of pins is bounded (a process that sees more tokens registers the rest per call),
        and so is their length: a secret of a few characters is registered per call instead."""
        with self._lock:
            pinned = self._pinned
            new = [secret for secret in secrets if secret and secret not in pinned]
            if len(pinned) + len(new) > _MAX_PINNED or any(len(secret) < _MIN_PINNED_LENGTH for secret in new):
                return False
            pinned.update(new)
            self._count_in(new)
            return True

    def discard(self, *secrets: str) -> None:
        with self._lock:
            counts = self._counts
            changed = False
            for secret in secrets:
                count = counts.get(secret, 0) - 1
                if count > 0:
                    counts[secret] = count
                elif counts.pop(secret, None) is not None:
                    changed = True
            if changed:
                self._publish()

    def redact(self, text: str) -> str:
        for secret in self._snapshot:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self._snapshot)

    def in_use(self) -> int:
        """Registrations held by running invocations (pins not counted): 0 once every call ended."""
        with self._lock:
            return sum(self._counts.values()) - len(self._pinned)

    def __len__(self) -> int:
        return len(self._snapshot)

    def __repr__(self) -> str:
        return f"<{len(self._snapshot)} secrets, hidden>"


class HeldSecrets:
    """The secret values one invocation registered: a list whose repr never shows them (error
    trackers print the locals of every frame, and the runtime's frame holds this)."""

    __slots__ = ("values",)

    def __init__(self, values: list[str]) -> None:
        self.values = values

    def __repr__(self) -> str:
        return f"<{len(self.values)} secrets, hidden>"

    __str__ = __repr__


#: Keys whose values are secrets wherever they appear in an input (a warehouse's `password`, a
#: destination's `sharedSecret` or `apiKey`): an API error that echoes the request body would
#: otherwise quote them.
SENSITIVE_KEY = re.compile(
    r"passw(or)?d|passphrase|secret|token|api_?key|private_?key|credential|access_?key", re.IGNORECASE
)


def sensitive_values(value: Any) -> list[str]:
    """Every text value found under a sensitive key anywhere in `value` (objects and lists, walked
    iteratively); under such a key, every text inside counts (a `credentials` object)."""
    found: list[str] = []
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, hidden = stack.pop()
        if isinstance(item, str):
            if hidden:
                found.append(item)
        elif isinstance(item, Mapping):
            for key, child in item.items():
                stack.append((child, hidden or (isinstance(key, str) and SENSITIVE_KEY.search(key) is not None)))
        elif isinstance(item, list | tuple):
            stack.extend((child, hidden) for child in item)
    return found


secrets = _SecretRegistry()


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if secrets:
            record.msg = secrets.redact(record.getMessage())
            record.args = None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = secrets.redact(logging.Formatter().formatException(record.exc_info))
        return True


logger.addFilter(RedactingFilter())


@dataclass(slots=True, init=False)
class Trace:
    """What one invocation did on the network: counted always, logged only in debug."""

    handler: str
    debug: bool
    calls: int
    retries: int
    started: float
    _traced_memory: bool

    # One per call: a plain __init__ instead of the dataclass's (which calls a default factory
    # and __post_init__, two more functions run cold after every network wait).
    def __init__(self, handler: str, debug: bool = False) -> None:
        self.handler = handler
        self.debug = debug
        self.calls = self.retries = 0
        # Always timed: a handler may turn debug on once it runs (the raw request's own switch).
        self.started = time.perf_counter()
        self._traced_memory = False
        if debug and not tracemalloc.is_tracing():
            tracemalloc.start()
            self._traced_memory = True

    def http_call(self, method: str, path: str, status: int | str, attempt: int, ms: float, size: int) -> None:
        self.calls += 1
        if attempt > 1:
            self.retries += 1
        if self.debug:
            logger.debug(
                "%s: %s %s -> %s (attempt %d, %.1f ms, %d bytes)",
                self.handler,
                method,
                path,
                status,
                attempt,
                ms,
                size,
            )

    def finish(self, outcome: str) -> None:
        if not self.debug:
            return
        elapsed_ms = (time.perf_counter() - self.started) * 1000
        memory = ""
        if tracemalloc.is_tracing():
            peak = tracemalloc.get_traced_memory()[1]
            memory = f", peak memory {peak / 1024:.0f} KiB"
            if self._traced_memory:
                tracemalloc.stop()
        logger.debug(
            "%s: %s in %.1f ms, %d HTTP call%s, %d retr%s%s",
            self.handler,
            outcome,
            elapsed_ms,
            self.calls,
            "" if self.calls == 1 else "s",
            self.retries,
            "y" if self.retries == 1 else "ies",
            memory,
        )
