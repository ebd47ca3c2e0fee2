"""The Segment Component object; handler modules declare on it with `action` and `data_source`."""

from __future__ import annotations

from component.framework.registry import ComponentInfo
from component.framework.runtime import Component
from component.segment.client import pool
from component.segment.connection import connection, make_context
from component.segment.errors import InputError, InternalError
from component.segment.values import REGION_URLS

segment = Component(
    ComponentInfo(
        key="segment",
        label="Segment",
        description=(
            "Segment is a customer data platform (CDP) service that simplifies collecting and using data "
            "from users of your digital properties (websites, apps, etc.) Use the Segment component to "
            "manage your Sources, Destinations, Warehouses, Functions, Transformations, Users and "
            "Destination Subscriptions through the Segment Public API."
        ),
        extra={
            "category": "Application Connectors",
            "documentationUrl": "https://docs.segmentapis.com/",
            "regions": dict(REGION_URLS),
        },
    ),
    connection,
    make_context=make_context,
    close=pool.aclose,
    input_error=InputError,
    internal_error=InternalError,
)

action = segment.action
data_source = segment.data_source
