"""Users and invites: /users, /invites."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, Literal

from pydantic import StringConstraints

from component.framework.inputs import Input
from component.segment.client import array_query
from component.segment.connection import SegmentContext
from component.segment.definition import action
from component.segment.ids import DEMO_ROLE, DEMO_SECOND_USER, DEMO_USER, DEMO_WORKSPACE, PathId, user_id
from component.segment.ids import role_id as role_id_input
from component.segment.inputs import BodyItem, PageInputs, SegmentInputs
from component.segment.listing import list_page
from component.segment.urls import path

NonEmpty = Annotated[str, StringConstraints(min_length=1)]
# Deliberately loose (one @, a dot in the domain): the API is the judge of deliverability.
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
ResourceType = Literal["FUNCTION", "SOURCE", "SPACE", "WAREHOUSE", "WORKSPACE"]


class InviteResource(BodyItem):
    id: NonEmpty
    type: ResourceType


class InviteLabel(BodyItem):
    key: NonEmpty
    value: NonEmpty
    description: str | None = None


class InvitePermission(BodyItem):
    role_id: str = role_id_input("The id of the role to grant (see the Select Role picklist).")
    resources: list[InviteResource] | None = None
    labels: list[InviteLabel] | None = None


class Invite(BodyItem):
    email: Email
    permissions: list[InvitePermission] | None = None


INVITES_EXAMPLE = [
    {
        "email": "new.analyst@example.com",
        "permissions": [{"roleId": DEMO_ROLE, "resources": [{"id": DEMO_WORKSPACE, "type": "WORKSPACE"}]}],
    }
]


class UserRef(SegmentInputs):
    user_id: PathId = user_id("The id of the user to return.")


class CreateInvitesInputs(SegmentInputs):
    invites: list[Invite] = Input(
        "Invites",
        "The people to invite, as a list of objects: `email` (required) and `permissions`, a list of "
        "`{roleId, resources: [{id, type}], labels: [{key, value, description}]}` where type is one "
        "of FUNCTION, SOURCE, SPACE, WAREHOUSE, WORKSPACE. The Select Role picklist lists the role ids. "
        "JSON text is accepted.",
        example=INVITES_EXAMPLE,
        min_length=1,
    )


class DeleteUsersInputs(SegmentInputs):
    user_ids: list[NonEmpty] = Input(
        "User IDs",
        "The ids of the users to remove from the workspace (at least one).",
        example=[DEMO_SECOND_USER],
        data_source="selectUser",
        min_length=1,
    )


@action("getUser", label="Get User", description="Returns a user given their id.", example={"userId": DEMO_USER})
def get_user(ctx: SegmentContext, inputs: UserRef) -> Awaitable[Any]:
    return ctx.client.get(path("/users/{userId}", userId=inputs.user_id))


@action(
    "listUsers",
    label="List Users",
    description="Returns a list of users with access to the Workspace.",
    example={"count": 2},
)
def list_users(ctx: SegmentContext, inputs: PageInputs) -> Awaitable[Any]:
    return list_page(ctx.client, "/users", "users", inputs)


@action(
    "createUserInvites",
    label="Create User Invites",
    description="Invites a list of users to join a Workspace.",
    example={"invites": INVITES_EXAMPLE},
)
def create_user_invites(ctx: SegmentContext, inputs: CreateInvitesInputs) -> Awaitable[Any]:
    return ctx.client.post("/invites", inputs.given("invites"))


@action(
    "deleteUser",
    label="Delete Users",
    description="Removes one or multiple users from the Workspace.",
    example={"userIds": [DEMO_SECOND_USER]},
)
def delete_users(ctx: SegmentContext, inputs: DeleteUsersInputs) -> Awaitable[Any]:
    """DELETE /users?userIds.0=a&userIds.1=b.

    The array form is the Go SDK's; the SDKs disagree and no form is documented, so every form is
    unverified against the live API (see `array_query`). userIds is required with at least one id:
    the replaced component let it be empty and sent a placeholder id instead.
    """
    return ctx.client.delete("/users", array_query("userIds", inputs.user_ids))
