"""API endpoints, one module per area. Thin: scope, selector or service, serializer."""
