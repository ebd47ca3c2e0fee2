"""Transformations: /transformations.

Choices the seed and ENDPOINTS.md leave open:

* The FQL condition keeps the seed's input key `ifInput` (label "If") and is sent as `if`.
* `enabled` is a boolean, required on create as the API requires it (no default is invented).
* The 73.2.0 fields the seed lacked (`drop`, `allowProperties`, `hashPropertiesConfiguration`) are
  optional inputs. `hashPropertiesConfiguration.algorithm` is free text: the API types it as a
  string and lists no values.
* On update every input but `transformationId` is optional and only what is given is sent. A list
  given on update replaces the Transformation's list (an empty list clears it). Clearing
  `destinationMetadataId` or `hashPropertiesConfiguration` (sending null) is not offered: an empty
  input means "not given" for every host.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel

from component.framework.inputs import Input
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
HASH_EXAMPLE = {"algorithm": "SHA-256", "paths": ["properties.email"], "encoding": "HEX"}


class PropertyRename(BodyItem):
    old_name: str = Input("Old Name", "The property's current name.", min_length=1)
    new_name: str = Input("New Name", "The name to give it.", min_length=1)


class PropertyValueTransformation(BodyItem):
    property_paths: list[str] = Input(
        "Property Paths", "The paths of the properties to set (for example properties.plan), at most 10.",
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
        "Encoding", "How to encode the hashes: BASE16, BASE64, BASE64URL or HEX. Leave empty for Segment's "
        "default.",
        default=None,
    )


HashInput = HashPropertiesConfiguration | None


def name_input(*, update: bool) -> Any:
    if update:
        return Input("Name", "A new name for the Transformation. Leave empty to keep the current name.",
                     default=None, example="Rename Order Event", min_length=1)
    return Input("Name", "The name of the Transformation.", example="Rename Order Event", min_length=1)


def condition_input(*, update: bool) -> Any:
    help_text = (
        'The FQL condition that selects the events to transform, for example event = "Order Completed" '
        '(a track event) or type = "identify".'
    )
    if update:
        return Input("If", help_text + " Leave empty to keep the current condition.", default=None,
                     example=IF_EXAMPLE, alias="ifInput", min_length=1)
    return Input("If", help_text, example=IF_EXAMPLE, alias="ifInput", min_length=1)


def _optional(label: str, help_text: str, example: Any, *, update: bool, keep: str) -> Any:
    """An optional input; on update, empty keeps the Transformation's current value."""
    if update:
        replaces = " It replaces the current list; [] clears it." if keep == "list" else ""
        help_text += f"{replaces} Leave empty to keep the current {keep}."
    return Input(label, help_text, default=None, example=example)


def new_event_name_input(*, update: bool) -> Any:
    return _optional("New Event Name", "A new name for the matching events (track events only).",
                     "Order Placed", update=update, keep="event name")


def property_renames_input(*, update: bool) -> Any:
    return _optional(
        "Property Renames",
        "Properties to rename in the matching events, as a list of {oldName, newName} objects. "
        "JSON text is accepted.",
        RENAMES_EXAMPLE, update=update, keep="list",
    )


def property_value_transformations_input(*, update: bool) -> Any:
    return _optional(
        "Property Value Transformations",
        "Properties to set to a new value in the matching events, as a list of {propertyPaths, "
        "propertyValue} objects: each property path listed (for example properties.currency) gets the "
        "value. At most 10 properties. JSON text is accepted.",
        VALUES_EXAMPLE, update=update, keep="list",
    )


def fql_defined_properties_input(*, update: bool) -> Any:
    return _optional(
        "FQL Defined Properties",
        "New properties computed with FQL, as a list of {fql, propertyName} objects. Segment currently "
        "allows one. JSON text is accepted.",
        FQL_EXAMPLE, update=update, keep="list",
    )


def drop_input(*, update: bool) -> Any:
    help_text = "Drop the matching events entirely (the other transforms are then ignored)."
    if update:
        return _optional("Drop", help_text, None, update=True, keep="value")
    return Input("Drop", help_text + " Leave empty for Segment's default (false).", default=None)


def allow_properties_input(*, update: bool) -> Any:
    return _optional(
        "Allow Properties",
        "The paths of the properties to allow in the matching events (an allow list).",
        ALLOW_EXAMPLE, update=update, keep="list",
    )


def hash_input(*, update: bool) -> Any:
    return _optional(
        "Hash Properties Configuration",
        "Hash properties of the matching events: an object with algorithm (required), paths (the "
        "property paths to hash, required), key (optional) and encoding (BASE16, BASE64, BASE64URL or "
        "HEX, optional). JSON text is accepted.",
        HASH_EXAMPLE, update=update, keep="configuration",
    )


# Optional id inputs: the id helpers declare required inputs, so the default comes from the field.
DestinationTypeToCreate = Annotated[str | None, destination_metadata_id(
    "Apply the Transformation only to events bound for one Destination type: its id in the "
    "Destinations catalog. Leave empty to apply it to every Destination of the Source."
)]
DestinationTypeToUpdate = Annotated[str | None, destination_metadata_id(
    "The id, in the Destinations catalog, of the Destination type to limit the Transformation to. "
    "Leave empty to keep the current one."
)]
SourceToUpdate = Annotated[str | None, source_id(
    "The id of a Source to move the Transformation to. Leave empty to keep the current Source."
)]


class TransformationRef(SegmentInputs):
    transformation_id: PathId = transformation_id()


class CreateTransformationInputs(SegmentInputs):
    name: str = name_input(update=False)
    source_id: str = source_id("The id of the Source whose events the Transformation changes.")
    enabled: bool = Input(
        "Enabled", "Whether the Transformation applies to events once created (false creates it disabled).",
        example=True,
    )
    if_input: str = condition_input(update=False)
    destination_metadata_id: DestinationTypeToCreate = None
    new_event_name: str | None = new_event_name_input(update=False)
    property_renames: list[PropertyRename] | None = property_renames_input(update=False)
    property_value_transformations: list[PropertyValueTransformation] | None = (
        property_value_transformations_input(update=False)
    )
    fql_defined_properties: list[FqlDefinedProperty] | None = fql_defined_properties_input(update=False)
    drop: bool | None = drop_input(update=False)
    allow_properties: list[str] | None = allow_properties_input(update=False)
    hash_properties_configuration: HashInput = hash_input(update=False)


class UpdateTransformationInputs(TransformationRef):
    name: str | None = name_input(update=True)
    source_id: SourceToUpdate = None
    enabled: bool | None = Input(
        "Enabled", "Enable or disable the Transformation. Leave empty to keep the current value.", default=None
    )
    if_input: str | None = condition_input(update=True)
    destination_metadata_id: DestinationTypeToUpdate = None
    new_event_name: str | None = new_event_name_input(update=True)
    property_renames: list[PropertyRename] | None = property_renames_input(update=True)
    property_value_transformations: list[PropertyValueTransformation] | None = (
        property_value_transformations_input(update=True)
    )
    fql_defined_properties: list[FqlDefinedProperty] | None = fql_defined_properties_input(update=True)
    drop: bool | None = drop_input(update=True)
    allow_properties: list[str] | None = allow_properties_input(update=True)
    hash_properties_configuration: HashInput = hash_input(update=True)


# Input field -> body field, in the order the API documents them.
BODY_FIELDS = {
    "name": "name",
    "source_id": "sourceId",
    "destination_metadata_id": "destinationMetadataId",
    "enabled": "enabled",
    "if_input": "if",
    "drop": "drop",
    "new_event_name": "newEventName",
    "property_renames": "propertyRenames",
    "property_value_transformations": "propertyValueTransformations",
    "fql_defined_properties": "fqlDefinedProperties",
    "allow_properties": "allowProperties",
    "hash_properties_configuration": "hashPropertiesConfiguration",
}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _body(inputs: CreateTransformationInputs | UpdateTransformationInputs) -> dict[str, Any]:
    """The inputs that were given, under the API's field names (`ifInput` is sent as `if`)."""
    return {
        field: _plain(value)
        for name, field in BODY_FIELDS.items()
        if (value := getattr(inputs, name)) is not None
    }


@action("getTransformation", label="Get Transformation", description="Returns a Transformation by its id.",
        example=TRANSFORMATION_REF)
async def get_transformation(ctx: SegmentContext, inputs: TransformationRef) -> Any:
    return await ctx.client.get(
        path("/transformations/{transformationId}", transformationId=inputs.transformation_id)
    )


@action("listTransformations", label="List Transformations", description="Returns a list of Transformations.",
        example={"count": 2})
async def list_transformations(ctx: SegmentContext, inputs: PageInputs) -> Any:
    return await list_page(ctx.client, "/transformations", "transformations", inputs)


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
async def create_transformation(ctx: SegmentContext, inputs: CreateTransformationInputs) -> Any:
    return await ctx.client.post("/transformations", _body(inputs))


@action(
    "updateTransformation",
    label="Update Transformation",
    description="Updates an existing Transformation. Only the inputs given are changed.",
    example={**TRANSFORMATION_REF, "enabled": False},
)
async def update_transformation(ctx: SegmentContext, inputs: UpdateTransformationInputs) -> Any:
    return await ctx.client.patch(
        path("/transformations/{transformationId}", transformationId=inputs.transformation_id), _body(inputs)
    )


@action("deleteTransformation", label="Delete Transformation", description="Deletes an existing Transformation.",
        example=TRANSFORMATION_REF)
async def delete_transformation(ctx: SegmentContext, inputs: TransformationRef) -> Any:
    return await ctx.client.delete(
        path("/transformations/{transformationId}", transformationId=inputs.transformation_id)
    )
