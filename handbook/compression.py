"""Compressed HTML, kept away from the pages that show a secret (BREACH).

Decision: Django compresses the pages itself, because the described stack (docker-compose)
puts no proxy in front of gunicorn and the member home must stay small on a weak 3G signal.
BREACH needs a secret and text the attacker chooses in the same compressed answer, and the
sizes of many such answers. Against it: Django masks the CSRF token anew in every answer,
GZipMiddleware pads each answer with random bytes (Django ≥ 4.2), and the pages that show a
secret or echo what was typed — sign-in, passwords, two-factor setup and recovery codes
(/accounts/), API tokens (/settings/), the API's sign-in (/api/) — are never compressed.
Static files are compressed once at collectstatic (WhiteNoise), before this runs.
"""

from django.middleware.gzip import GZipMiddleware

UNCOMPRESSED_PREFIXES = ("/accounts/", "/settings/", "/api/", "/admin/")
# Documents (PDF, DOCX, XLSX, images) are compressed already or gain little.
COMPRESSED_TYPES = ("text/", "application/json", "application/manifest+json", "image/svg+xml")


class PageGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if request.path.startswith(UNCOMPRESSED_PREFIXES) or not response.get(
                "Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
