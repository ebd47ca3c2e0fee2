"""One module per resource; importing this package declares every action."""

from component.segment.actions import raw_request, sources

__all__ = ["raw_request", "sources"]
