"""A small, Segment-agnostic framework for connector components.

It knows how to declare a component (its connection, actions and picklist data sources), how to
turn pydantic input models into JSON Schema, how to validate what hosts send, and how to invoke a
handler with debug logging. Nothing here knows about Segment: it could host another component.
"""
