"""The OpenAPI contract: every operation lists the errors it can really give, in one shape.

A schemathesis run (tests/api/test_schema_fuzz.py) holds the schema to the truth.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.permissions import AllowAny

from api.throttles import WriteThrottle

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, for programs: invalid, invalid_credentials, invalid_code, "
                                   "invalid_challenge, mfa_setup_required, mfa_sign_in_required, mfa_required, no_token, "
                                   "not_authenticated, authentication_failed, token_expired, token_revoked, "
                                   "permission_denied, not_found, method_not_allowed, "
                                   "unsupported_media_type, parse_error, too_large, throttled.",
                },
                "message": {"type": "string", "description": "For people, in the language asked for (vi or en)."},
                "fields": {
                    "type": "object",
                    "description": "Messages per input field; nested fields are dotted (`entries.2.status`). "
                                   "Errors not tied to one field are under `non_field_errors`.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

DESCRIPTION = """
The API of the electronic party member handbook, for the mobile app. It sees exactly what the
web pages show the same person: anything outside the caller's scope answers **404**, never 403.

**Sign-in.** `POST /api/v1/auth/token/` with a username (or email) and password returns a token
valid for 90 days; send it as `Authorization: Bearer <token>`. An account with two-factor
sign-in first gets `mfa_required` and a challenge, then `POST /api/v1/auth/token/mfa/` with the
challenge and a TOTP or recovery code returns the token. Members see and revoke their tokens on
the page *Settings → API tokens* (`/settings/api-tokens/`) or with `POST /api/v1/auth/sign-out/`.
The browser session works too (send the CSRF token on changes). Officers and staff (when the
site requires it) work only with a token issued after the second factor: one issued on the
password alone answers 403 `mfa_setup_required` (no TOTP yet) or `mfa_sign_in_required` (sign
in again with a code). Changing the password or turning TOTP on or off revokes every token.

**Errors.** Every 4xx has the body `{"error": {"code", "message", "fields"}}`; the message is in
the language of `Accept-Language` (`vi`, the default, or `en`). Unknown paths are 404 and
methods an endpoint does not have are 405, both with the same body.

**Lists** are paginated: `?page=` and `?page_size=` (at most 100); the body has `count`,
`next`, `previous` and `results`.

**Limits.** Sign-in and the second factor are rate-limited per address and per account; changes
(POST, PUT, PATCH, DELETE) per account. Over the limit: 429 with `Retry-After`. Bodies are JSON,
at most 256 KB.
"""


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in self._error_responses():
            responses.setdefault(code, _error(description))
        return dict(sorted(responses.items()))

    def _error_responses(self):
        view = self.view
        public = any(isinstance(p, AllowAny) for p in view.get_permissions())
        has_body = bool(self._get_request_body())
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if self.method != "GET" or has_query:
            yield "400", "The input is not valid (see `fields`), or a rule of the work refuses it."
        if not public:
            yield "401", "No credentials, or a bad, expired or revoked token."
            yield "403", "A browser session without its CSRF token, or an officer who has not yet set up two-factor sign-in."
        elif self.method == "POST":
            yield "403", "An officer who must set up two-factor sign-in before getting a token."
        if "{" in self.path or self._is_paginated() or getattr(view, "may_be_not_found", False):
            yield "404", "Not found, or outside what the caller may see (the two are not told apart); or no such page."
        if has_body:
            yield "413", "The body is larger than 256 KB."
            yield "415", "The body is not JSON."
        if public or (self.method not in ("GET", "HEAD") and WriteThrottle in view.throttle_classes):
            yield "429", "Too many requests: wait for the seconds in `Retry-After`."

    def _is_paginated(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self.view.pagination_class is not None


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A token from POST /api/v1/auth/token/."}


def postprocess_schema(result, generator, request, public):
    result["info"]["description"] = DESCRIPTION.strip()
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    return result
