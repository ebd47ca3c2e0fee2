"""The configuration screen: a component served over HTTP, with a JSON API and a page (`server`)."""
