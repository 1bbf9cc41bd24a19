"""The site's URLs plus a page that fails, to see the 500 page (tests only)."""

from django.urls import path

from handbook.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken_page(request):
    raise RuntimeError("a fault on our side")


urlpatterns = [path("broken/", broken_page), *urlpatterns]
