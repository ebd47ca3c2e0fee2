"""Transformations: ``/transformations`` and ``/transformations/{transformationId}``."""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..routing import SUCCESS, Answer, route
from ..state import Workspace
from ..validate import MISSING, Fields
from ._fields import given


def _fields(f: Fields, create: bool) -> dict[str, Any]:
    fields = given(
        name=f.str_("name", required=create),
        sourceId=f.str_("sourceId", required=create),
        enabled=f.bool_("enabled", required=create),
        destinationMetadataId=f.str_("destinationMetadataId", nullable=not create),
        newEventName=f.str_("newEventName", nullable=True),
        drop=f.bool_("drop"),
        allowProperties=f.str_list("allowProperties"),
    )
    fql = f.str_("if", required=create)
    if fql is not MISSING:
        fields["if"] = fql
    renames = f.objects("propertyRenames")
    if renames is not MISSING:
        fields["propertyRenames"] = [
            {"oldName": r.str_("oldName", required=True), "newName": r.str_("newName", required=True)} for r in renames
        ]
    values = f.objects("propertyValueTransformations")
    if values is not MISSING:
        fields["propertyValueTransformations"] = [
            {
                "propertyPaths": v.str_list("propertyPaths", required=True, non_empty=True),
                "propertyValue": v.str_("propertyValue", required=True, non_empty=False),
            }
            for v in values
        ]
    defined = f.objects("fqlDefinedProperties")
    if defined is not MISSING:
        fields["fqlDefinedProperties"] = [
            {"fql": d.str_("fql", required=True), "propertyName": d.str_("propertyName", required=True)}
            for d in defined
        ]
    hashing = f.obj("hashPropertiesConfiguration", nullable=True)
    if isinstance(hashing, dict):
        h = f.child("hashPropertiesConfiguration", hashing)
        config = {
            "algorithm": h.str_("algorithm", required=True),
            "paths": h.str_list("paths", required=True, non_empty=True),
        }
        config.update(given(key=h.str_("key"), encoding=h.str_("encoding")))
        fields["hashPropertiesConfiguration"] = config
    elif hashing is None:
        fields["hashPropertiesConfiguration"] = None
    return fields


@route("GET", "/transformations", "listTransformations")
def list_transformations(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.transformations.values()), "transformations")


@route("POST", "/transformations", "createTransformation", body=True)
def create_transformation(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    fields = _fields(f, create=True)
    f.check()
    return 200, {"data": {"transformation": ws.create_transformation(fields)}}


@route("GET", "/transformations/{transformationId}", "getTransformation")
def get_transformation(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"transformation": ws.get_transformation(c.params["transformationId"])}}


@route("PATCH", "/transformations/{transformationId}", "updateTransformation", body=True)
def update_transformation(ws: Workspace, c: Call) -> Answer:
    ws.get_transformation(c.params["transformationId"])
    f = Fields(c.json_object())
    fields = _fields(f, create=False)
    f.check()
    record = ws.update_transformation(c.params["transformationId"], fields)
    return 200, {"data": {"transformation": record}}


@route("DELETE", "/transformations/{transformationId}", "deleteTransformation")
def delete_transformation(ws: Workspace, c: Call) -> Answer:
    ws.delete_transformation(c.params["transformationId"])
    return 200, SUCCESS
