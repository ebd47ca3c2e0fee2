"""A small, Segment-agnostic framework for connector components.

It knows how to declare a component (its connection, actions and picklist data sources), how to
turn pydantic input models into JSON Schema, how to validate what hosts send, and how to invoke a
handler with debug logging; how to load handlers lazily from a generated index, and how to build
and check the generated manifest and example payloads. Nothing here knows about Segment (a test
reads every import): tests/toy declares a second component that it hosts the same way.
"""
