"""The REST API for mobile clients: tokens, OpenAPI schema, /api/v1/ endpoints."""
