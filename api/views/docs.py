"""Swagger UI, served from drf-spectacular-sidecar's files under our CSP (no inline code)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    # The split view loads its init script from "?script" instead of an inline <script>, and our
    # template takes drf-spectacular's inline <style> from a static file.
    template_name = "api/swagger_ui.html"
