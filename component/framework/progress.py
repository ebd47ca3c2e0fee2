"""Progress of a long call, for the host to show: a wait (a rate limit, a retry) and a page walk.

A component reports with one line where it waits or walks (`progress.waiting(...)`,
`progress.paged(...)`); the host decides what to do with it by setting a reporter for the block
it runs (`with progress.reporting(my_reporter): ...`). A terminal shows a status line on stderr
(`TerminalReporter`), a web page could push it to the browser, an MCP server could send progress
notifications. With no reporter set, reporting costs one context-variable lookup and shows nothing.

The reporter lives in a context variable, so it follows the invocation into the tasks it starts
(asyncio copies the context) and concurrent hosts in one process never see each other's progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, TextIO


@dataclass(frozen=True, slots=True)
class Progress:
    """One report. `message` is a sentence for people; the other fields are for hosts that draw."""

    kind: Literal["wait", "page"]
    message: str
    seconds: float | None = None
    """For a wait: how long it will be."""
    pages: int | None = None
    """For a page walk: pages fetched so far."""
    items: int | None = None
    """For a page walk: items received so far."""


Reporter = Callable[[Progress], None]

_reporter: ContextVar[Reporter | None] = ContextVar("component_progress_reporter", default=None)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Send the progress of everything run inside the block (and the tasks it starts) to `reporter`."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


def report(event: Progress) -> None:
    reporter = _reporter.get()
    if reporter is not None:
        reporter(event)


def waiting(seconds: float, reason: str) -> None:
    """About to wait `seconds` before trying again, because of `reason` (a phrase, no secret)."""
    if _reporter.get() is not None:
        report(Progress("wait", f"waiting {duration(seconds)}: {reason}", seconds=seconds))


def paged(what: str, pages: int, items: int) -> None:
    """`pages` pages of `what` (a method and path, say) received so far, `items` items in all."""
    if _reporter.get() is not None:
        plural = "s" if pages != 1 else ""
        report(Progress("page", f"{what}: {pages} page{plural}, {items} items so far", pages=pages, items=items))


def duration(seconds: float) -> str:
    """A wait or a time spent, as a person reads it: 2.5 s, 41 s, 3 min 20 s."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


class TerminalReporter:
    """Progress as a status line on a terminal (stderr): a page count is rewritten in place, a wait
    gets a line of its own (it says why the terminal went quiet). `close()` clears the status line
    so that what the host prints next starts on a clean line.

    Only for a stream that is a terminal: a pipe or a file would collect every rewrite.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._status_shown = False

    def __call__(self, event: Progress) -> None:
        try:
            if event.kind == "page":
                self.stream.write(f"\r\x1b[K{event.message}")
                self._status_shown = True
            else:
                self._clear()
                self.stream.write(f"{event.message}\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal must not fail the call it reports on
            pass

    def _clear(self) -> None:
        if self._status_shown:
            self.stream.write("\r\x1b[K")
            self._status_shown = False

    def close(self) -> None:
        try:
            self._clear()
            self.stream.flush()
        except (OSError, ValueError):
            pass
