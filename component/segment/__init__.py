"""Everything that knows Segment. This module is also the component's public face:

    from component import segment
    await segment.invoke("getSource", {"sourceId": "..."}, connection={...})
    segment.actions, segment.data_sources, segment.manifest(), await segment.aclose()
"""

from __future__ import annotations

from component.segment import actions as _action_modules
from component.segment import data_sources as _data_source_modules
from component.segment.definition import segment as component

invoke = component.invoke
test_connection = component.test_connection
manifest = component.manifest
aclose = component.aclose
actions = component.actions  # replaces the `actions` subpackage attribute: the declarations are public
data_sources = component.data_sources

__all__ = ["aclose", "actions", "component", "data_sources", "invoke", "manifest", "test_connection"]
del _action_modules, _data_source_modules
