"""The connection (API key and workspace subdomain), its test, and the context handlers run in."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr, field_validator

from component.framework.debug import Trace, secrets
from component.framework.inputs import Input, InputModel
from component.framework.registry import Connection
from component.segment.client import SegmentClient, pool
from component.segment.errors import InputError, Unauthorized
from component.segment.policy import DEFAULT_POLICY, RetryPolicy
from component.segment.urls import UnsafeUrl, check_base_url, region_url
from component.segment.values import DEFAULT_REGION, REGION_ALIASES, REGION_URLS

BASE_URL_ENV = "SEGMENT_API_BASE_URL"
TOKEN_CHARS = re.compile(r"^[!-~]+$")


class SegmentConnection(InputModel):
    api_key: SecretStr = Input(
        "API Key",
        "A Segment Public API token for the workspace (Settings > Workspace settings > Access Management "
        "> Tokens > Create Token, type Public API). Each workspace needs its own token.",
        alias="apiKey",
        secret=True,
        min_length=1,
    )
    subdomain: str = Input(
        "Subdomain",
        "The workspace's slug, as in app.segment.com/<slug>. The connection test checks that the token "
        "belongs to this workspace.",
        example="my-workspace",
        min_length=1,
    )
    base_url: str | None = Input(
        "Base URL (advanced)",
        "Send requests to this URL instead of the region's (an emulator or a proxy). The environment "
        f"variable {BASE_URL_ENV} sets it too.",
        default=None,
        alias="baseUrl",
    )

    @field_validator("api_key", mode="before")
    @classmethod
    def _header_safe_token(cls, value: Any) -> Any:
        """A token travels in the Authorization header: a pasted line break or stray character
        would make the request unsendable (and an error about it could quote the header)."""
        if isinstance(value, str):
            value = value.strip()
            if value and not TOKEN_CHARS.match(value):
                raise ValueError(
                    "must be printable ASCII without spaces or line breaks (check for a stray "
                    "character when pasting it)"
                )
        return value

    @field_validator("base_url")
    @classmethod
    def _plain_origin(cls, value: str | None) -> str | None:
        return None if value is None else check_base_url(value)


def resolve_base_url(connection: SegmentConnection, region: str) -> str:
    """The connection's base URL, else $SEGMENT_API_BASE_URL, else the region's."""
    if connection.base_url:
        return connection.base_url
    from_env = os.environ.get(BASE_URL_ENV, "").strip()
    if from_env:
        try:
            return check_base_url(from_env)
        except UnsafeUrl as exc:
            raise InputError.single(BASE_URL_ENV, str(exc)) from None
    return region_url(region)


@dataclass(eq=False, slots=True)
class SegmentContext:
    """What a handler gets: a client bound to its connection, region and trace."""

    client: SegmentClient
    trace: Trace


#: Per parsed connection with its own base URL (the runtime reuses the parsed connection of a host
#: that passes the same one every call; the entry keeps it alive, so its id is not reused while
#: cached): the URL and the token, read once instead of on every call.
_RESOLVED: dict[int, tuple[SegmentConnection, str, str]] = {}

_REGION_CHOICES = f"must be one of: {', '.join(REGION_URLS)} (or {', '.join(REGION_ALIASES)})"


def make_context(
    connection: SegmentConnection,
    inputs: InputModel | None,
    trace: Trace,
    *,
    retry: RetryPolicy | None = None,
    region: str | None = None,
    dry_run: bool = False,
) -> SegmentContext:
    """Bind a client to the connection, region and trace. Nothing to close: sessions are pooled."""
    # Fast path: a connection with its own base URL (kept parsed by the runtime), and neither a
    # region keyword nor a region input given to check.
    if region is None and (inputs is None or "region" not in inputs.__pydantic_fields_set__):
        resolved = _RESOLVED.get(id(connection))
        if resolved is not None and resolved[0] is connection:
            policy = DEFAULT_POLICY if retry is None else retry
            return SegmentContext(SegmentClient(resolved[1], resolved[2], trace, policy, pool, dry_run), trace)
    # The `region` keyword counts like the region input; when both are given they must agree.
    keyword = None
    if region is not None:
        keyword = REGION_ALIASES.get(region.strip().lower(), region.strip().lower()) if isinstance(region, str) else ""
        if keyword not in REGION_URLS:
            raise InputError.single("region", _REGION_CHOICES)
    # The region input read from the model's __dict__: most handlers have none, and getattr on a
    # missing field goes through pydantic's __getattr__ and an AttributeError on every call.
    value = inputs.__dict__.get("region") if inputs is not None else None
    given = bool(value) and inputs is not None and "region" in inputs.model_fields_set
    if keyword and given and keyword != value:
        raise InputError.single("region", f"the region input ({value}) and the region keyword ({keyword}) disagree")
    chosen = (value if given else keyword or value) or DEFAULT_REGION
    if chosen not in REGION_URLS:
        raise InputError.single("region", _REGION_CHOICES)
    resolved = _RESOLVED.get(id(connection))
    if resolved is not None and resolved[0] is connection:
        base_url, api_key = resolved[1], resolved[2]
    else:
        base_url, api_key = resolve_base_url(connection, chosen), connection.api_key.get_secret_value()
        if connection.base_url:  # the connection's own URL: neither the region nor the environment counts
            if len(_RESOLVED) >= 32:
                _RESOLVED.clear()
            _RESOLVED[id(connection)] = (connection, base_url, api_key)
    client = SegmentClient(
        base_url=base_url,
        api_key=api_key,
        trace=trace,
        policy=DEFAULT_POLICY if retry is None else retry,
        dry_run=dry_run,
    )
    return SegmentContext(client, trace)


async def test_connection(ctx: SegmentContext, connection: SegmentConnection) -> dict[str, Any]:
    """GET / must succeed, and the workspace's slug must be the connection's subdomain."""
    try:
        body = await ctx.client.get("/")
    except Unauthorized as exc:
        raise Unauthorized(
            401,
            "the API key was refused: check the token, and that the region matches the workspace's",
            method=exc.method,
            path=exc.path,
            type=exc.type,
            request_id=exc.request_id,
        ) from None
    data = body.get("data") if isinstance(body, dict) else None
    workspace = data.get("workspace") if isinstance(data, dict) else None
    if not isinstance(workspace, dict):  # an odd answer stays a typed mismatch, never an AttributeError
        workspace = {}
    slug = str(workspace.get("slug", ""))
    if slug.casefold() != connection.subdomain.strip().casefold():
        # The slug is the server's text: one that echoes a secret (the token) is not quoted.
        raise InputError.single(
            "connection.subdomain",
            f"the token belongs to workspace '{secrets.redact(slug)}', not '{connection.subdomain}'",
        )
    return {"data": body}


connection: Connection[SegmentConnection, SegmentContext] = Connection(
    key="apiKey",
    label="API Key",
    description="Authenticate requests to Segment with a Public API token.",
    model=SegmentConnection,
    test=test_connection,
)
