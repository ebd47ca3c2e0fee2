"""The closed sets of values the Segment Public API defines, stated once: its regions and its
function types. Inputs, URLs, the connection and the manifest all read them from here."""

from __future__ import annotations

from typing import Literal

#: A workspace's region: the first label of the API's host name.
Region = Literal["api", "eu1.api"]
#: Each region's API URL.
REGION_URLS: dict[str, str] = {
    "api": "https://api.segmentapis.com",
    "eu1.api": "https://eu1.api.segmentapis.com",
}
#: How each region is shown in a form.
REGION_LABELS: dict[str, str] = {"api": "US", "eu1.api": "EU"}
#: Other spellings people use for a region, accepted as that region.
REGION_ALIASES: dict[str, str] = {"us": "api", "eu": "eu1.api", "eu1": "eu1.api"}
DEFAULT_REGION: Region = "api"

#: The kinds of Function (`resourceType` of /functions, 73.2.0): the API lists one kind per call.
FunctionType = Literal["DESTINATION", "INSERT_DESTINATION", "INSERT_SOURCE", "INSERT_TRANSFORMATION", "SOURCE"]
#: Each function type's label in a form.
FUNCTION_TYPES: dict[str, str] = {
    "DESTINATION": "Destination",
    "INSERT_DESTINATION": "Insert Destination",
    "INSERT_SOURCE": "Insert Source",
    "INSERT_TRANSFORMATION": "Insert Transformation",
    "SOURCE": "Source",
}
