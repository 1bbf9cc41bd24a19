"""The site's URLs with the admissions API under /api/v1/ (until api/urls.py includes it)."""

from django.urls import include, path

from admissions.api_urls import api_urlpatterns
from handbook.urls import urlpatterns as site

urlpatterns = [path("api/v1/", include(api_urlpatterns)), *site]
