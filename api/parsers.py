"""JSON bodies only, with a size cap and clear errors (DRF's own parser reads any size)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json  # rejects NaN and Infinity

from api.exceptions import RequestTooLarge


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.HANDBOOK_API_MAX_BODY_BYTES
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestTooLarge()
        encoding = parsers.get_encoding(parser_context or {})
        try:
            return json.loads(body.decode(encoding))
        except (ValueError, RecursionError):  # bad bytes, bad JSON, NaN, absurd nesting
            raise ParseError(_("The request body is not valid JSON.")) from None
