"""Users, invites and roles: ``/users``, ``/users/{userId}``, ``/invites`` and ``/roles``."""

from __future__ import annotations

from ..call import Call, query_arrays
from ..errors import invalid
from ..routing import SUCCESS, Answer, route
from ..state import Record, Workspace
from ..validate import MISSING, Fields
from ._fields import given

_RESOURCE_TYPES = ("FUNCTION", "SOURCE", "SPACE", "WAREHOUSE", "WORKSPACE")


@route("GET", "/users", "listUsers")
def list_users(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.users.values()), "users")


@route("DELETE", "/users", "deleteUsers")
def delete_users(ws: Workspace, c: Call) -> Answer:
    ids = query_arrays(c.query, "userIds")
    if ids is not None:
        ids = [i for i in ids if i.strip()]
    if not ids:
        raise invalid("userIds", "userIds is required (one or more user ids)")
    ws.delete_users(ids)
    return 200, SUCCESS


@route("GET", "/users/{userId}", "getUser")
def get_user(ws: Workspace, c: Call) -> Answer:
    return 200, {"data": {"user": ws.get_user(c.params["userId"])}}


@route("GET", "/roles", "listRoles")
def list_roles(ws: Workspace, c: Call) -> Answer:
    return 200, c.page(list(ws.roles.values()), "roles")


def _permission(ws: Workspace, p: Fields) -> Record:
    role_id = p.str_("roleId", required=True)
    if isinstance(role_id, str) and role_id not in ws.roles:
        p.fail("roleId", f"Role with id '{role_id}' not found")
    resources = []
    res = p.objects("resources")
    for rr in [] if res is MISSING else res:
        resources.append({"id": rr.str_("id", required=True), "type": rr.enum_("type", _RESOURCE_TYPES, required=True)})
    labels = []
    lab = p.objects("labels")
    for lr in [] if lab is MISSING else lab:
        label = {"key": lr.str_("key", required=True), "value": lr.str_("value", required=True)}
        label.update(given(description=lr.str_("description", non_empty=False)))
        labels.append(label)
    permission: Record = {"roleId": role_id, "resources": resources}
    if isinstance(role_id, str) and role_id in ws.roles:
        permission["roleName"] = ws.roles[role_id]["name"]
    if labels:
        permission["labels"] = labels
    return permission


@route("POST", "/invites", "createInvites", body=True)
def create_invites(ws: Workspace, c: Call) -> Answer:
    f = Fields(c.json_object())
    invites = f.objects("invites", required=True, non_empty=True)
    parsed: list[tuple[str, list[Record]]] = []
    if invites is not MISSING:
        for inv in invites:
            email = inv.str_("email", required=True)
            if isinstance(email, str) and "@" not in email:
                inv.fail("email", f"{inv.name('email')} must be an email address")
            perms = inv.objects("permissions")
            permissions = [_permission(ws, p) for p in ([] if perms is MISSING else perms)]
            if isinstance(email, str):
                parsed.append((email, permissions))
    f.check()
    for email, permissions in parsed:
        ws.invite(email, permissions)
    return 201, {"data": {"emails": [email for email, _ in parsed]}}
