"""Hosts of the framework: programs that serve any `HostedComponent` (see
`component.framework.hosting`) to something other than Python code."""
