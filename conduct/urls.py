"""URLs of the conduct pages."""

urlpatterns = []
