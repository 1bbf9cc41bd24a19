"""URLs of the admissions pages."""

urlpatterns = []
