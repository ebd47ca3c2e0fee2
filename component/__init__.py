"""The Segment component (placeholder until the core lands)."""
