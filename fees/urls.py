"""URLs of the fees pages."""

urlpatterns = []
