"""Transformations: /transformations.

Choices the API leaves open:

* The FQL condition keeps the input key of the component this one replaces, `ifInput` (label
  "If"), and is sent as `if`.
* `enabled` is a boolean, required on create as the API requires it (no default is invented).
* The 73.2.0 fields the replaced component lacked (`drop`, `allowProperties`,
  `hashPropertiesConfiguration`) are optional inputs. `hashPropertiesConfiguration.algorithm` is
  free text: the API types it as a string and lists no values.
* On update every input but `transformationId` is optional and only what is given is sent. A list
  given on update replaces the Transformation's list (an empty list clears it). Clearing
  `destinationMetadataId` or `hashPropertiesConfiguration` (sending null) is not offered: an empty
  input means "not given" for every host.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, Literal

from component.framework.inputs import Input, updating
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import (
    DEMO_DESTINATION_METADATA,
    DEMO_SOURCE,
    DEMO_TRANSFORMATION,
    PathId,
    destination_metadata_id,
    source_id,
    transformation_id,
)
from component.segment.inputs import BodyItem, PageInputs, SegmentInputs
from component.segment.listing import list_page
from component.segment.urls import path

TRANSFORMATION_REF = {"transformationId": DEMO_TRANSFORMATION}
IF_EXAMPLE = 'event = "Order Completed"'
RENAMES_EXAMPLE = [{"oldName": "total", "newName": "revenue"}]
VALUES_EXAMPLE = [{"propertyPaths": ["properties.currency"], "propertyValue": "USD"}]
FQL_EXAMPLE = [{"fql": "lowercase(properties.email)", "propertyName": "properties.emailLower"}]
ALLOW_EXAMPLE = ["properties.revenue", "properties.currency"]
DROP_HELP = "Drop the matching events entirely (the other transforms are then ignored)."
HASH_EXAMPLE = {"algorithm": "SHA-256", "paths": ["properties.email"], "encoding": "HEX"}


class PropertyRename(BodyItem):
    old_name: str = Input("Old Name", "The property's current name.", min_length=1)
    new_name: str = Input("New Name", "The name to give it.", min_length=1)


class PropertyValueTransformation(BodyItem):
    property_paths: list[str] = Input(
        "Property Paths",
        "The paths of the properties to set (for example properties.plan), at most 10.",
        min_length=1,
    )
    property_value: str = Input("Property Value", "The value to give them.")


class FqlDefinedProperty(BodyItem):
    fql: str = Input("FQL", "The FQL expression that computes the property's value.", min_length=1)
    property_name: str = Input("Property Name", "The name of the new property.", min_length=1)


class HashPropertiesConfiguration(BodyItem):
    algorithm: str = Input("Algorithm", "The name of the hash algorithm to use.", min_length=1)
    paths: list[str] = Input("Paths", "The paths of the properties to hash.", min_length=1)
    key: str | None = Input("Key", "A key to hash with. Leave empty for none.", default=None, secret=True)
    encoding: Literal["BASE16", "BASE64", "BASE64URL", "HEX"] | None = Input(
        "Encoding",
        "How to encode the hashes: BASE16, BASE64, BASE64URL or HEX. Leave empty for Segment's default.",
        default=None,
    )


HashInput = HashPropertiesConfiguration | None
LIST_HELP = " JSON text is accepted."


# An optional id input: the id helpers declare required inputs, so the default comes from the field
# (and the type is named here: in the class, the field's name would shadow the helper's).
DestinationType = Annotated[
    str | None,
    destination_metadata_id(
        "Apply the Transformation only to events bound for one Destination type: its id in the "
        "Destinations catalog. Leave empty to apply it to every Destination of the Source."
    ),
]


class TransformationRef(SegmentInputs):
    transformation_id: PathId = transformation_id()


class CreateTransformationInputs(SegmentInputs):
    name: str = Input("Name", "The name of the Transformation.", example="Rename Order Event", min_length=1)
    source_id: str = source_id("The id of the Source whose events the Transformation changes.")
    enabled: bool = Input(
        "Enabled",
        "Whether the Transformation applies to events once created (false creates it disabled).",
        example=True,
    )
    if_input: str = Input(
        "If",
        'The FQL condition that selects the events to transform, for example event = "Order Completed" '
        '(a track event) or type = "identify".',
        example=IF_EXAMPLE,
        alias="ifInput",
        wire="if",
        min_length=1,
    )
    destination_metadata_id: DestinationType = None
    new_event_name: str | None = Input(
        "New Event Name",
        "A new name for the matching events (track events only).",
        default=None,
        example="Order Placed",
    )
    property_renames: list[PropertyRename] | None = Input(
        "Property Renames",
        "Properties to rename in the matching events, as a list of {oldName, newName} objects." + LIST_HELP,
        default=None,
        example=RENAMES_EXAMPLE,
    )
    property_value_transformations: list[PropertyValueTransformation] | None = Input(
        "Property Value Transformations",
        "Properties to set to a new value in the matching events, as a list of {propertyPaths, "
        "propertyValue} objects: each property path listed (for example properties.currency) gets the "
        "value. At most 10 properties." + LIST_HELP,
        default=None,
        example=VALUES_EXAMPLE,
    )
    fql_defined_properties: list[FqlDefinedProperty] | None = Input(
        "FQL Defined Properties",
        "New properties computed with FQL, as a list of {fql, propertyName} objects. Segment currently "
        "allows one." + LIST_HELP,
        default=None,
        example=FQL_EXAMPLE,
    )
    drop: bool | None = Input("Drop", f"{DROP_HELP} Leave empty for Segment's default (false).", default=None)
    allow_properties: list[str] | None = Input(
        "Allow Properties",
        "The paths of the properties to allow in the matching events (an allow list).",
        default=None,
        example=ALLOW_EXAMPLE,
    )
    hash_properties_configuration: HashInput = Input(
        "Hash Properties Configuration",
        "Hash properties of the matching events: an object with algorithm (required), paths (the "
        "property paths to hash, required), key (optional) and encoding (BASE16, BASE64, BASE64URL or "
        "HEX, optional). JSON text is accepted.",
        default=None,
        example=HASH_EXAMPLE,
    )


@updating(
    CreateTransformationInputs,
    keep={
        "if_input": "condition",
        "new_event_name": "event name",
        "property_renames": "list",
        "property_value_transformations": "list",
        "fql_defined_properties": "list",
        "allow_properties": "list",
        "hash_properties_configuration": "configuration",
    },
    help={
        "name": "A new name for the Transformation. Leave empty to keep the current name.",
        "source_id": "The id of a Source to move the Transformation to. Leave empty to keep the current Source.",
        "destination_metadata_id": "The id, in the Destinations catalog, of the Destination type to limit the "
        "Transformation to. Leave empty to keep the current one.",
        "drop": f"{DROP_HELP} Leave empty to keep the current value.",
    },
    fields={
        "enabled": Input(
            "Enabled", "Enable or disable the Transformation. Leave empty to keep the current value.", default=None
        )
    },
)
class UpdateTransformationInputs(TransformationRef):
    pass  # every input of createTransformation, optional: only what is given is sent


# The body's fields, in the order the API documents them (`ifInput` is sent as `if`).
BODY_FIELDS = (
    "name",
    "source_id",
    "destination_metadata_id",
    "enabled",
    "if_input",
    "drop",
    "new_event_name",
    "property_renames",
    "property_value_transformations",
    "fql_defined_properties",
    "allow_properties",
    "hash_properties_configuration",
)


@action(
    "getTransformation",
    label="Get Transformation",
    description="Returns a Transformation by its id.",
    example=TRANSFORMATION_REF,
)
def get_transformation(ctx: SegmentContext, inputs: TransformationRef) -> Awaitable[Any]:
    return ctx.client.get(path("/transformations/{transformationId}", transformationId=inputs.transformation_id))


@action(
    "listTransformations",
    label="List Transformations",
    description="Returns a list of Transformations.",
    example={"count": 2},
)
def list_transformations(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/transformations", "transformations", inputs)


@action(
    "createTransformation",
    label="Create Transformation",
    description="Creates a new Transformation.",
    example={
        "name": "Rename Order Event",
        "sourceId": DEMO_SOURCE,
        "enabled": True,
        "ifInput": IF_EXAMPLE,
        "destinationMetadataId": DEMO_DESTINATION_METADATA,
        "newEventName": "Order Placed",
        "propertyRenames": RENAMES_EXAMPLE,
    },
)
def create_transformation(ctx: SegmentContext, inputs: CreateTransformationInputs) -> Awaitable[Any]:
    return ctx.client.post("/transformations", inputs.given(*BODY_FIELDS))


@action(
    "updateTransformation",
    label="Update Transformation",
    description="Updates an existing Transformation. Only the inputs given are changed.",
    example={**TRANSFORMATION_REF, "enabled": False},
)
def update_transformation(ctx: SegmentContext, inputs: UpdateTransformationInputs) -> Awaitable[Any]:
    return ctx.client.patch(
        path("/transformations/{transformationId}", transformationId=inputs.transformation_id),
        inputs.given(*BODY_FIELDS),
    )


@action(
    "deleteTransformation",
    label="Delete Transformation",
    description="Deletes an existing Transformation.",
    example=TRANSFORMATION_REF,
)
def delete_transformation(ctx: SegmentContext, inputs: TransformationRef) -> Awaitable[Any]:
    return ctx.client.delete(path("/transformations/{transformationId}", transformationId=inputs.transformation_id))
