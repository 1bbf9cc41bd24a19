"""Page-number pagination with strict parameters: a bad `page` or `page_size` is a 400."""

import re

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, pagination

# ASCII digits only, the whole value: "²" or "١" are digits to str.isdigit() (and int() takes
# "١"), and "$" alone would let "5\n" through.
_NUMBER = re.compile(r"[0-9]{1,9}")


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = gettext_lazy("There is no such page.")
    template = None

    def _number(self, request, name: str, default: int, maximum: int | None = None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        number = int(raw) if _NUMBER.fullmatch(raw) else 0
        if number < 1 or (maximum is not None and number > maximum):
            message = (_("Enter a whole number from 1 to %(max)s.") % {"max": maximum}) if maximum \
                else _("Enter a whole number from 1.")
            raise exceptions.ValidationError({name: [message]})
        return number

    def get_page_size(self, request):
        return self._number(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_page_number(self, request, paginator):
        return self._number(request, self.page_query_param, 1)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise exceptions.NotFound(self.invalid_page_message) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_query_param, "in": "query", "required": False,
             "description": "Page number, from 1.", "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999}},
            {"name": self.page_size_query_param, "in": "query", "required": False,
             "description": f"Items per page (default {self.page_size}, at most {self.max_page_size}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response
