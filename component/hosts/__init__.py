"""Hosts of the framework: programs that serve any component (the MCP server, ...)."""
