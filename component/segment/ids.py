"""Id inputs, each wired to the picklist that fills it, with help that names the resource.

The example values are ids of the emulator's demo workspace, so every example input runs.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

from component.framework.inputs import Input
from component.segment.urls import check_segment

#: An id that fills a path segment: checked at input time, so a bad one is named with the rest.
PathId = Annotated[str, AfterValidator(check_segment)]


def source_id(help_text: str = "The id of the Source.") -> Any:
    return Input(
        "Source ID", help_text, example="kjU72LCJexvrqL7G4TMHHN", data_source="sources", min_length=1
    )
