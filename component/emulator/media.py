"""Content negotiation: the media types each operation accepts and answers with.

A request body must be JSON or a Segment vendor type (415); ``Accept`` must allow a type the
operation serves (406). Destination Subscription operations serve only
``application/vnd.segment.v1alpha+json`` and ``application/json``; the others ``v1`` (the default),
``v1beta``, ``v1alpha`` and ``application/json``.
"""

from __future__ import annotations

V1 = "application/vnd.segment.v1+json"
V1BETA = "application/vnd.segment.v1beta+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"
JSON = "application/json"
SERVED = frozenset({V1, JSON, V1BETA, V1ALPHA})
SERVED_ALPHA = frozenset({V1ALPHA, JSON})
_WILDCARDS = frozenset({"*/*", "application/*"})


def served(alpha: bool) -> frozenset[str]:
    return SERVED_ALPHA if alpha else SERVED


def default(alpha: bool) -> str:
    return V1ALPHA if alpha else V1


def negotiate_accept(accept: str, alpha: bool) -> str | None:
    """The media type to answer with for this ``Accept``, or None when none is acceptable."""
    allowed = served(alpha)
    ranked: list[tuple[float, int, str]] = []
    listed = False
    for pos, part in enumerate(accept.split(",")):
        pieces = part.split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        listed = True
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, pos, media))
    if not listed:
        return default(alpha)
    for _, _, media in sorted(ranked):
        if media in _WILDCARDS:
            return default(alpha)
        if media in allowed:
            return media
    return None
