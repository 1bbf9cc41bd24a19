"""The site's URLs with the conduct API in front, as the lead wires it under /api/v1/."""

from django.urls import include, path

from conduct.api_urls import api_urlpatterns
from handbook.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("api/v1/", include(api_urlpatterns)), *site_urlpatterns]
