"""The JSON API: read-only access to the index and its search, described by OpenAPI."""
