"""The Segment component: a connector plugin for the Segment Public API.

    from component import segment
    await segment.invoke("getSource", {"sourceId": "..."},
                         connection={"apiKey": "...", "subdomain": "my-workspace"})

Importing `component` alone is cheap: `component.segment` (pydantic, aiohttp and every handler)
loads when it is first imported.
"""

__version__ = "0.1.0"
