"""One error body for every 4xx: {"error": {"code", "message", "fields"}}, in the client's language.

Django's ValidationError (raised by the services) becomes a 400 with its fields; Http404 a
404 (out of scope looks exactly like absent); everything DRF raises keeps its status.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class APIError(exceptions.APIException):
    """An error with its own code (e.g. `invalid_credentials`) and, optionally, fields."""

    def __init__(self, message, *, code: str, status_code: int = status.HTTP_400_BAD_REQUEST, fields=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.fields = fields or {}


def flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"entries": [{}, {"status": ["…"]}]} → {"entries.1.status": ["…"]}: one level for clients."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                out.update(flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                out.setdefault(prefix or NON_FIELD, []).append(str(item))
    else:
        out.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return out


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # never echo what was looked up
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it be a logged 500
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_fields(exc.detail)
        others = fields.get(NON_FIELD)
        message = others[0] if others and len(fields) == 1 else _("Some of the data sent are not valid.")
        response.data = error_body("invalid", message, fields)
    elif isinstance(exc, APIError):
        response.data = error_body(exc.detail.code, exc.detail, exc.fields)
    elif isinstance(exc, exceptions.Throttled):
        # DRF formats the wait before translating it, so its sentence cannot be translated.
        message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": int(exc.wait or 1)} \
            if exc.wait else _("Too many requests. Try again later.")
        response.data = error_body("throttled", message)
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        response.data = error_body(code, detail)
    return response


@csrf_exempt  # a 404 changes nothing; without this a POST to an unknown path would be a CSRF 403
def not_found(request, *args, **kwargs):
    """Any unknown path under /api/: the same JSON 404 as the endpoints give."""
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)
