"""Event volume: GET /events/volume."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, StringConstraints, ValidationInfo, field_validator

from component.framework.inputs import Input
from component.segment.client import array_query
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import DEMO_SOURCE
from component.segment.inputs import PageInputs
from component.segment.listing import list_page

Granularity = Literal["DAY", "HOUR", "MINUTE"]
GroupBy = Literal["eventName", "eventType", "source"]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]

# A date, `T`, hours and minutes, optional seconds and fraction, optional `Z` or offset.
ISO_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$"


def parse_timestamp(text: str) -> datetime:
    """An ISO-8601 timestamp as an aware datetime; one without an offset is read as UTC."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _check_timestamp(text: str) -> str:
    try:
        parse_timestamp(text)
    except ValueError:
        raise ValueError("must be a valid ISO-8601 timestamp, e.g. 2024-01-01T00:00:00Z") from None
    return text


# The text is sent exactly as given; the check only refuses impossible dates (2024-02-30).
Timestamp = Annotated[str, AfterValidator(_check_timestamp)]


def _timestamp_input(label: str, help_text: str, example: str) -> Any:
    return Input(label, help_text, example=example, pattern=ISO_TIMESTAMP)


def _filter_input(label: str, help_text: str, **extra: Any) -> Any:
    return Input(label, f"{help_text} Leave empty not to filter.", default=None, **extra)


# Empty lists mean "no filter" and are not sent. A timestamp without an offset is compared as UTC
# (the end must come after the start) but sent unchanged: the API decides how to read it.
class EventsVolumeInputs(PageInputs):
    granularity: Granularity = Input(
        "Granularity",
        "The size of each bucket in the requested window.",
        example="DAY",
        choices={"DAY": "Day", "HOUR": "Hour", "MINUTE": "Minute"},
    )
    start_time: Timestamp = _timestamp_input(
        "Start Time",
        "The ISO-8601 timestamp of the beginning of the requested time frame, inclusive.",
        "2024-01-01T00:00:00Z",
    )
    end_time: Timestamp = _timestamp_input(
        "End Time",
        "The ISO-8601 timestamp of the end of the requested time frame, exclusive; after Start Time. "
        "Segment recommends lagging queries 1 minute behind clock time so that latency does not "
        "affect the counts.",
        "2024-01-08T00:00:00Z",
    )
    group_by: list[GroupBy] | None = Input(
        "Group By",
        "The dimensions to group the volumes by: any of eventName, eventType and source. Leave empty "
        "for one series over everything that matches the filters.",
        default=None,
        example=["source"],
    )
    source_id: list[NonEmpty] | None = _filter_input(
        "Source IDs",
        "Only count events from these Sources (ids).",
        example=[DEMO_SOURCE],
        data_source="sources",
    )
    event_name: list[NonEmpty] | None = _filter_input(
        "Event Name", "Only count events with these event names.", example=["Order Completed"]
    )
    event_type: list[NonEmpty] | None = _filter_input(
        "Event Type", "Only count events of these types (track, page, identify, ...).", example=["track"]
    )
    app_version: list[NonEmpty] | None = _filter_input(
        "App Version", "Only count events sent by these app versions.", example=["1.2.0"]
    )

    @field_validator("end_time")
    @classmethod
    def _after_start(cls, end_time: str, info: ValidationInfo) -> str:
        start_time = info.data.get("start_time")
        if start_time is not None and parse_timestamp(end_time) <= parse_timestamp(start_time):
            raise ValueError("must be after Start Time")
        return end_time

    def filters(self) -> list[tuple[str, str]]:
        """The query: scalars, then each non-empty list in the array form of `array_query`."""
        query = [("granularity", self.granularity), ("startTime", self.start_time), ("endTime", self.end_time)]
        for key, values in (
            ("groupBy", self.group_by),
            ("sourceId", self.source_id),
            ("eventName", self.event_name),
            ("eventType", self.event_type),
            ("appVersion", self.app_version),
        ):
            if values:
                query += array_query(key, dict.fromkeys(values))
        return query


@action(
    "getEventsVolumeFromWorkspace",
    label="Get Events Volume From Workspace",
    description="Enumerates the Workspace's event volumes over time, in buckets of the chosen granularity.",
    example={
        "granularity": "DAY",
        "startTime": "2024-01-01T00:00:00Z",
        "endTime": "2024-01-08T00:00:00Z",
        "groupBy": ["source"],
    },
)
def get_events_volume(ctx: SegmentContext, inputs: EventsVolumeInputs) -> Awaitable[Any]:
    """GET /events/volume (the replaced component sent it to /transformations by mistake).

    With `fetchAll` the result groups of every page come back in one body; the `path` and `query`
    echo of the single-page body is then left out.
    """
    return list_page(ctx.client, "/events/volume", "result", inputs, query=inputs.filters())
