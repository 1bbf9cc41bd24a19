"""What every endpoint shares: the caller's scope and paginated responses."""

from rest_framework.generics import GenericAPIView
from rest_framework.metadata import SimpleMetadata

from members.access import scope_for


class NameOnlyMetadata(SimpleMetadata):
    """OPTIONS names the endpoint; its inputs are described by the OpenAPI schema."""

    def determine_actions(self, request, view):
        return {}


class ApiView(GenericAPIView):
    # Schema generation walks every view; nothing here is a model-backed generic view.
    queryset = None
    metadata_class = NameOnlyMetadata

    @property
    def scope(self):
        return scope_for(self.request.user)

    def paginated(self, queryset, serializer_class, *, load=None):
        """`load` turns the page's items into what the serializer reads (e.g. a month into its figures)."""
        page = self.paginate_queryset(queryset)
        if load is not None:
            page = load(page)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def valid(self, serializer_class, data, **kwargs):
        if hasattr(data, "dict"):
            # A plain dict: DRF reads an empty query parameter as "absent"; here it is an error.
            data = data.dict()
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
