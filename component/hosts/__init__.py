"""Hosts of the framework: programs that serve any `HostedComponent` (see
`component.framework.hosting`) to something other than Python code: `web` (the configuration
screen) and `mcp` (the MCP server for agents)."""
