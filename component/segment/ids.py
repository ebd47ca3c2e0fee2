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

# Ids of the emulator's demo workspace (component/emulator/demo.py), used as examples.
DEMO_WORKSPACE = "9aQ1Lj62S4bomZKLF4DPqW"
DEMO_SOURCE = "kjU72LCJexvrqL7G4TMHHN"
DEMO_DESTINATION = "fP7qoQw2HTWt9WdMr718gn"
DEMO_SUBSCRIPTION = "iUyx2UdPSvp4uJtYAhjTup"
DEMO_ACTION = "jiMz7MfHNeHmUckzRnUGkU"
DEMO_DESTINATION_METADATA = "54521fd525e721e32a72ee91"
DEMO_SOURCE_METADATA = "1bow82lmk"
DEMO_WAREHOUSE_METADATA = "55d3d3aea3c"
DEMO_WAREHOUSE = "WHxy7bqXaGCpo4TZDW2LMe"
DEMO_FUNCTION = "sfnc_wXzcDGFR3KmjLDrtSawNHf"
DEMO_TRANSFORMATION = "pHrD51Ds35Zjfka84yXQE6"
DEMO_USER = "u7Ruh3KrmSqF1VGqJ5aYQn"
DEMO_SECOND_USER = "9ZINnu5gDdo44xB9eak0fH"
DEMO_ROLE = "1xPyHMkA9ZvEJy9KrwVNZ5ZWSEP"


def _id_input(label: str, help_text: str, example: str, data_source: str, depends_on: tuple[str, ...] = ()) -> Any:
    """Make `xxx_id(help_text=..., *, label=...)`: an id input wired to its picklist."""
    default_help, default_label = help_text, label

    def declare(help_text: str = default_help, *, label: str = default_label) -> Any:
        return Input(label, help_text, example=example, data_source=data_source, depends_on=depends_on, min_length=1)

    return declare


source_id = _id_input("Source ID", "The id of the Source.", DEMO_SOURCE, "sources")
destination_id = _id_input("Destination ID", "The id of the Destination.", DEMO_DESTINATION, "destination")
subscription_id = _id_input(
    "Subscription ID",
    "The id of the Destination Subscription.",
    DEMO_SUBSCRIPTION,
    "selectSubscription",
    depends_on=("destinationId",),
)
warehouse_id = _id_input("Warehouse ID", "The id of the Warehouse.", DEMO_WAREHOUSE, "warehouses")
function_id = _id_input("Function ID", "The id of the Function.", DEMO_FUNCTION, "selectFunction")
transformation_id = _id_input(
    "Transformation ID", "The id of the Transformation.", DEMO_TRANSFORMATION, "selectTransformation"
)
user_id = _id_input("User ID", "The id of the user.", DEMO_USER, "selectUser")
role_id = _id_input("Role ID", "The id of the role to grant.", DEMO_ROLE, "selectRole")
destination_metadata_id = _id_input(
    "Destination Metadata ID",
    "The id of the Destination type in the Destinations catalog.",
    DEMO_DESTINATION_METADATA,
    "selectDestinationMetadata",
)
source_metadata_id = _id_input(
    "Source Metadata ID",
    "The id of the Source type in the Sources catalog.",
    DEMO_SOURCE_METADATA,
    "selectSourceMetadata",
)
warehouse_metadata_id = _id_input(
    "Warehouse Metadata ID",
    "The id of the Warehouse type in the Warehouses catalog.",
    DEMO_WAREHOUSE_METADATA,
    "selectWarehouseMetadata",
)
