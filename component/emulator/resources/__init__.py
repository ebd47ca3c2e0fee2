"""The emulated API's operations, one module per resource.

Each module declares its operations with :func:`~component.emulator.routing.route` next to their
handlers; every module here is loaded by the router, so adding a resource touches only its own
module (and its state, tests and the generated files).
"""
