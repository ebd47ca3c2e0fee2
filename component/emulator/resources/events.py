"""``GET /events/volume``: a deterministic, plausible event-volume series.

Counts come from a CRC32 of the bucket time, the group and the filters, so the same query always
returns the same numbers and different groups differ. They are *not* additive across groupings
(an ungrouped total is not the sum of the per-source totals): tests needing sums should compute
them from one response. Buckets start at ``startTime`` truncated to the granularity (UTC) and stop
before ``endTime``; a window of more than :data:`MAX_BUCKETS` buckets is refused with a 422.

Result groups: the product of the ``groupBy`` dimensions over the workspace's sources (creation
order) and a fixed list of (eventName, eventType) pairs, after the filters. ``source`` is present
in a result item only when grouping by source; ``eventName``/``eventType`` likewise.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..call import Call, query_arrays
from ..errors import invalid
from ..routing import Answer, route
from ..state import Workspace

GRANULARITY_SECONDS: dict[str, int] = {"MINUTE": 60, "HOUR": 3600, "DAY": 86400}
GROUP_BY_OPTIONS: tuple[str, ...] = ("eventName", "eventType", "source")
MAX_BUCKETS = 10_000
# (eventName, eventType): what a small e-commerce site sends.
EVENTS: tuple[tuple[str, str], ...] = (
    ("Order Completed", "track"),
    ("Product Viewed", "track"),
    ("Product Added", "track"),
    ("Signed Up", "track"),
    ("Page Viewed", "page"),
    ("Screen Viewed", "screen"),
    ("Identify", "identify"),
    ("Group", "group"),
)
_SCALE: dict[str, int] = {"MINUTE": 40, "HOUR": 2400, "DAY": 57600}


def parse_time(field: str, raw: str | None) -> datetime:
    if raw is None or not raw.strip():
        raise invalid(field, f"{field} is required")
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise invalid(field, f"{field} must be an ISO-8601 timestamp, got '{raw}'") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def format_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class VolumeQuery:
    granularity: str
    start: datetime
    end: datetime
    group_by: list[str]
    source_ids: list[str]
    event_names: list[str]
    event_types: list[str]
    app_versions: list[str]

    @property
    def buckets(self) -> list[int]:
        step = GRANULARITY_SECONDS[self.granularity]
        first = int(self.start.timestamp()) // step * step
        end = self.end.timestamp()
        return list(range(first, int(end) + (0 if end == int(end) else 1), step))

    def check_window(self) -> None:
        if self.end <= self.start:
            raise invalid("endTime", "endTime must be after startTime")
        step = GRANULARITY_SECONDS[self.granularity]
        count = (self.end.timestamp() - (int(self.start.timestamp()) // step * step)) / step
        if count > MAX_BUCKETS:
            raise invalid(
                "endTime",
                f"The window holds more than {MAX_BUCKETS} {self.granularity} buckets; "
                "use a coarser granularity or a shorter window",
            )


def groups(ws: Workspace, q: VolumeQuery) -> list[dict[str, Any]]:
    """The result items (without counts) in a stable order, before pagination."""
    pairs = [
        p
        for p in EVENTS
        if (not q.event_names or p[0] in q.event_names) and (not q.event_types or p[1] in q.event_types)
    ]
    if q.source_ids:
        sources = [ws.sources[s] for s in dict.fromkeys(q.source_ids) if s in ws.sources]
    else:
        sources = list(ws.sources.values())
    if not pairs or not sources:
        return []
    by_name, by_type = "eventName" in q.group_by, "eventType" in q.group_by
    event_keys: list[dict[str, Any]]
    if by_name and by_type:
        event_keys = [{"eventName": n, "eventType": t} for n, t in pairs]
    elif by_name:
        event_keys = [{"eventName": n} for n in dict.fromkeys(n for n, _ in pairs)]
    elif by_type:
        event_keys = [{"eventType": t} for t in dict.fromkeys(t for _, t in pairs)]
    else:
        event_keys = [{}]
    if "source" not in q.group_by:
        return [dict(k) for k in event_keys]
    out: list[dict[str, Any]] = []
    for s in sources:
        ref = {"id": s["id"], "name": s["name"], "slug": s["slug"]}
        out.extend({"source": ref, **k} for k in event_keys)
    return out


def fill(item: dict[str, Any], q: VolumeQuery) -> dict[str, Any]:
    """Add ``total`` and ``series`` to one result item."""
    source = item.get("source")
    key = "|".join(
        (
            source["id"] if source else "*",
            item.get("eventName", "*"),
            item.get("eventType", "*"),
            ",".join(q.source_ids),
            ",".join(q.event_names),
            ",".join(q.event_types),
            ",".join(q.app_versions),
        )
    ).encode()
    scale = _SCALE[q.granularity]
    series = []
    total = 0
    for t in q.buckets:
        count = zlib.crc32(key, t & 0xFFFFFFFF) % scale
        total += count
        series.append({"time": format_time(t), "count": count})
    item["total"] = total
    item["series"] = series
    return item


@route("GET", "/events/volume", "getEventsVolumeFromWorkspace")
def get_events_volume(ws: Workspace, c: Call) -> Answer:
    q = c.query
    granularity = q.get("granularity")
    if granularity is None or not granularity.strip():
        raise invalid("granularity", "granularity is required")
    if granularity not in GRANULARITY_SECONDS:
        raise invalid("granularity", "granularity must be one of DAY, HOUR, MINUTE")
    start = parse_time("startTime", q.get("startTime"))
    end = parse_time("endTime", q.get("endTime"))
    group_by: list[str] = []
    for raw in query_arrays(q, "groupBy") or []:
        # The spec calls groupBy "a comma-delimited list": accept both shapes.
        group_by.extend(g.strip() for g in raw.split(",") if g.strip())
    for g in group_by:
        if g not in GROUP_BY_OPTIONS:
            raise invalid("groupBy", f"groupBy values must be among {', '.join(GROUP_BY_OPTIONS)}")
    volume = VolumeQuery(
        granularity=granularity,
        start=start,
        end=end,
        group_by=list(dict.fromkeys(group_by)),
        source_ids=query_arrays(q, "sourceId") or [],
        event_names=query_arrays(q, "eventName") or [],
        event_types=query_arrays(q, "eventType") or [],
        app_versions=query_arrays(q, "appVersion") or [],
    )
    volume.check_window()
    echo: dict[str, Any] = {"granularity": granularity, "startTime": q["startTime"], "endTime": q["endTime"]}
    for key, values in (
        ("groupBy", volume.group_by),
        ("sourceId", volume.source_ids),
        ("eventName", volume.event_names),
        ("eventType", volume.event_types),
        ("appVersion", volume.app_versions),
    ):
        if values:
            echo[key] = values
    return 200, c.page(
        groups(ws, volume),
        "result",
        lambda item: fill(dict(item), volume),
        extra={"path": "/events/volume", "query": echo},
    )
