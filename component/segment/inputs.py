"""Input declarations that many Segment handlers share: region, paging, settings.

A handler's model inherits `SegmentInputs` (or `SegmentPicklistInputs`) for the region input
every handler has, and `PageInputs` when it lists.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from component.framework.inputs import Input, InputModel, PicklistInputModel
from component.segment.values import DEFAULT_REGION, REGION_ALIASES, REGION_LABELS, Region

REGION_HELP = (
    "The region of your Segment workspace: US (api.segmentapis.com) or EU (eu1.api.segmentapis.com). "
    "'us', 'eu' and 'eu1' are accepted too."
)


def region_input() -> Any:
    return Input("Region", REGION_HELP, default=DEFAULT_REGION, choices=REGION_LABELS, aliases=REGION_ALIASES)


class BodyItem(BaseModel):
    """An object inside an input that goes into a request body (an invite, a property rename):
    camelCase keys, no unknown keys. Built on first use, like the input models."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, alias_generator=to_camel, defer_build=True
    )


class SegmentInputs(InputModel):
    region: Region = region_input()


class SegmentPicklistInputs(PicklistInputModel):
    region: Region = region_input()


class PageInputs(SegmentInputs):
    count: int = Input(
        "Count", "How many items to return in one page (1 to 1000).", default=50, example=50, ge=1, le=1000
    )
    cursor: str | None = Input(
        "Cursor",
        "The page to return: the `next` (or `previous`) cursor of an earlier page's pagination. "
        "Leave empty for the first page.",
        default=None,
        example="MA==",
    )
    fetch_all: bool = Input(
        "Fetch All",
        "Follow every page and return all items in one response (count and cursor are then ignored).",
        default=False,
        alias="fetchAll",
    )


def settings_input(resource: str, *, example: dict[str, Any], required: bool = False) -> Any:
    """A resource's `settings` object; JSON text is accepted from form hosts."""
    return Input(
        "Settings",
        f"The {resource}'s settings as a JSON object, with the types its catalog entry's options declare "
        f"(strings, numbers, booleans, lists, objects). See the {resource} catalog for the options.",
        default=... if required else None,
        example=example,
    )


def enabled_input(resource: str, *, verb: str, default: bool | None = None) -> Any:
    given = "Leave empty to keep the current value." if default is None else f"Defaults to {str(default).lower()}."
    return Input("Enabled", f"Enable to allow this {resource} to {verb}. {given}", default=default)
