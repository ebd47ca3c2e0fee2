"""Functions of every type: ``/functions`` (``resourceType`` required) and ``/functions/{functionId}``."""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..errors import invalid
from ..routing import SUCCESS, Answer, route
from ..state import FUNCTION_TYPES, Record, Workspace
from ..validate import MISSING, Fields
from ._fields import given

# What a list item carries (a function without its code and settings).
_LISTED = ("id", "resourceType", "createdAt", "createdBy", "displayName", "description", "logoUrl", "catalogId")


def _item(record: Record) -> Record:
    return {k: record[k] for k in _LISTED if k in record}


def _settings(f: Fields) -> Any:
    readers = f.objects("settings")
    if readers is MISSING:
        return MISSING
    return [
        {
            "name": s.str_("name", required=True),
            "label": s.str_("label", required=True),
            "description": s.str_("description", required=True, non_empty=False),
            "type": s.enum_("type", ("ARRAY", "BOOLEAN", "STRING", "TEXT_MAP"), required=True),
            "required": s.bool_("required", required=True),
            "sensitive": s.bool_("sensitive", required=True),
        }
        for s in readers
    ]


@route("GET", "/functions", "listFunctions")
def list_functions(ws: Workspace, c: Call) -> Answer:
    resource_type = c.query.get("resourceType")
    if resource_type is None or not resource_type.strip():
        raise invalid("resourceType", "resourceType is required")
    if resource_type not in FUNCTION_TYPES:
        raise invalid("resourceType", f"resourceType must be one of {', '.join(FUNCTION_TYPES)}")
    items = [r for r in ws.functions.values() if r["resourceType"] == resource_type]
    return 200, c.page(items, "functions", _item)


@route("POST", "/functions", "createFunction", body=True)
def create_function(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    code = f.str_("code", required=True)
    display_name = f.str_("displayName", required=True)
    resource_type = f.enum_("resourceType", FUNCTION_TYPES, required=True)
    settings = _settings(f)
    logo_url = f.str_("logoUrl", non_empty=False)
    description = f.str_("description", non_empty=False)
    f.check()
    record = ws.create_function(
        resource_type=resource_type,
        code=code,
        display_name=display_name,
        settings=None if settings is MISSING else settings,
        description=None if description is MISSING else description,
        logo_url=None if logo_url is MISSING else logo_url,
    )
    return 200, {"data": {"function": record}}


@route("GET", "/functions/{functionId}", "getFunction")
def get_function(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"function": ws.get_function(c.params["functionId"])}}


@route("PATCH", "/functions/{functionId}", "updateFunction", body=True)
def update_function(ws: Workspace, c: Call) -> Answer:
    ws.get_function(c.params["functionId"])
    f = Fields(c.json_object())
    changes = given(
        code=f.str_("code"),
        settings=_settings(f),
        displayName=f.str_("displayName"),
        logoUrl=f.str_("logoUrl", non_empty=False),
        description=f.str_("description", non_empty=False),
    )
    f.check()
    return 200, {"data": {"function": ws.update_function(c.params["functionId"], changes)}}


@route("DELETE", "/functions/{functionId}", "deleteFunction")
def delete_function(ws: Workspace, c: Call) -> Answer:
    ws.delete_function(c.params["functionId"])
    return 200, SUCCESS
