"""Functions: /functions.

Choices the API leaves open:

* `resourceType` offers all five types of the 73.2.0 API (the replaced component offered three),
  with readable labels; lower-case spellings ("source", "insert_destination") are accepted too.
* `listFunctions` keeps `resourceType` required, as the API does: one call lists one type.
* `settings` (label "Function Settings", as before) is a typed list of setting objects whose six
  fields are all required, as the API's FunctionSettingV1 declares. It has no sample default on
  create or update; on update it replaces the whole list only when given (an empty list clears it).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Literal

from component.framework.inputs import Input
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import DEMO_FUNCTION, PathId, function_id
from component.segment.inputs import BodyItem, PageInputs, SegmentInputs
from component.segment.listing import list_page
from component.segment.urls import path
from component.segment.values import FUNCTION_TYPES, FunctionType

SettingType = Literal["ARRAY", "BOOLEAN", "STRING", "TEXT_MAP"]

FUNCTION_REF = {"functionId": DEMO_FUNCTION}
CODE_EXAMPLE = (
    "async function onRequest(request, settings) {\n"
    "  const body = request.json()\n"
    "  Segment.track({ event: 'Order Placed', userId: body.userId, properties: { total: body.total } })\n"
    "}\n"
)
SETTINGS_EXAMPLE = [
    {
        "name": "apiKey",
        "label": "API Key",
        "description": "Key for the upstream API.",
        "type": "STRING",
        "required": True,
        "sensitive": True,
    },
]
SETTINGS_HELP = (
    "The settings the Function's code reads (as settings.<name>), as a list of objects, each with "
    "name, label, description, type (ARRAY, BOOLEAN, STRING or TEXT_MAP), required and sensitive "
    "(true or false); all six are required. JSON text is accepted."
)


class FunctionSetting(BodyItem):
    name: str = Input("Name", "The key the code reads the setting under (settings.<name>).", min_length=1)
    label: str = Input("Label", "The setting's name as the Segment app shows it.", min_length=1)
    description: str = Input("Description", "What the setting is for, as the Segment app shows it.")
    type: SettingType = Input("Type", "The setting's type: ARRAY, BOOLEAN, STRING or TEXT_MAP.")
    required: bool = Input("Required", "Whether every instance of the Function must set it.")
    sensitive: bool = Input("Sensitive", "Whether its value is a secret (Segment then censors it).")


def resource_type_input(help_text: str, *, example: str | None = None) -> Any:
    return Input(
        "Resource Type",
        help_text,
        example=example,
        choices=FUNCTION_TYPES,
        aliases={value.lower(): value for value in FUNCTION_TYPES},
    )


class FunctionRef(SegmentInputs):
    function_id: PathId = function_id()


class ListFunctionsInputs(PageInputs):
    resource_type: FunctionType = resource_type_input(
        "The type of Functions to list: the API lists one type per call.", example="SOURCE"
    )


class CreateFunctionInputs(SegmentInputs):
    code: str = Input("Code", "The Function's JavaScript code.", example=CODE_EXAMPLE, min_length=1)
    display_name: str = Input(
        "Display Name",
        "The name the Segment app shows for the Function.",
        example="Order Webhook Parser",
        min_length=1,
    )
    resource_type: FunctionType = resource_type_input(
        "The type of Function: a Source or Destination function, or an insert function (Destination, "
        "Source or Transformation).",
        example="SOURCE",
    )
    settings: list[FunctionSetting] | None = Input(
        "Function Settings", SETTINGS_HELP, default=None, example=SETTINGS_EXAMPLE
    )
    logo_url: str | None = Input(
        "Logo URL",
        "The URL of a logo image for the Function.",
        default=None,
        example="https://example.com/logo.png",
    )
    description: str | None = Input(
        "Description",
        "A description of the Function.",
        default=None,
        example="Turns order webhooks into track events.",
    )


class UpdateFunctionInputs(FunctionRef):
    code: str | None = Input(
        "Code",
        "The Function's new JavaScript code. Leave empty to keep the current code.",
        default=None,
        example=CODE_EXAMPLE,
        min_length=1,
    )
    settings: list[FunctionSetting] | None = Input(
        "Function Settings",
        SETTINGS_HELP + " Replaces the Function's whole list; leave empty to keep the current settings.",
        default=None,
        example=SETTINGS_EXAMPLE,
    )
    display_name: str | None = Input(
        "Display Name",
        "A new name for the Segment app to show. Leave empty to keep the current name.",
        default=None,
        example="Order Webhook Parser",
        min_length=1,
    )
    logo_url: str | None = Input(
        "Logo URL",
        "The URL of a new logo image. Leave empty to keep the current logo.",
        default=None,
        example="https://example.com/logo.png",
    )
    description: str | None = Input(
        "Description",
        "A new description. Leave empty to keep the current description.",
        default=None,
        example="Turns order webhooks into track events.",
    )


@action("getFunction", label="Get Function", description="Returns a Function by its id.", example=FUNCTION_REF)
def get_function(ctx: SegmentContext, inputs: FunctionRef) -> Awaitable[Any]:
    return ctx.client.get(path("/functions/{functionId}", functionId=inputs.function_id))


@action(
    "listFunctions",
    label="List Functions",
    description="Returns a list of the Functions of one type in the Workspace.",
    example={"resourceType": "SOURCE", "count": 2},
)
def list_functions(ctx: SegmentContext, inputs: ListFunctionsInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/functions", "functions", inputs, query=[("resourceType", inputs.resource_type)])


@action(
    "createFunction",
    label="Create Function",
    description="Creates a new Function.",
    example={
        "displayName": "Order Webhook Parser",
        "resourceType": "SOURCE",
        "code": CODE_EXAMPLE,
        "settings": SETTINGS_EXAMPLE,
        "description": "Turns order webhooks into track events.",
    },
)
async def create_function(ctx: SegmentContext, inputs: CreateFunctionInputs) -> Any:
    body = inputs.given("code", "display_name", "resource_type", "settings", "logo_url", "description")
    return await ctx.client.post("/functions", body)


@action(
    "updateFunction",
    label="Update Function",
    description="Updates an existing Function. Only the inputs given are changed.",
    example={**FUNCTION_REF, "description": "Turns Stripe webhooks into track and identify events."},
)
async def update_function(ctx: SegmentContext, inputs: UpdateFunctionInputs) -> Any:
    body = inputs.given("code", "settings", "display_name", "logo_url", "description")
    return await ctx.client.patch(path("/functions/{functionId}", functionId=inputs.function_id), body)


@action("deleteFunction", label="Delete Function", description="Deletes an existing Function.", example=FUNCTION_REF)
def delete_function(ctx: SegmentContext, inputs: FunctionRef) -> Awaitable[Any]:
    return ctx.client.delete(path("/functions/{functionId}", functionId=inputs.function_id))
