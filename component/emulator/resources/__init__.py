"""The emulated API's operations, one module per resource.

Each module declares its operations with :func:`~component.emulator.routing.route` next to their
handlers and, for a resource the workspace does not hold yet, its table with
:func:`~component.emulator.state.declare_table` (``ws.tables[name]``: rolled back with a failed
write, saved in state files). Every module here is loaded by the router, so adding a resource
touches its own module (and its tests, the component's action module and the generated files),
nothing else.
"""
