"""API routes of the petitions; the api app includes them under /api/v1/."""

from django.urls import path

from petitions import api

api_urlpatterns = [
    path("petition-categories/", api.CategoriesView.as_view(), name="api_petition_categories"),
    path("petitions/", api.PetitionsView.as_view(), name="api_petitions"),
    path("petitions/<uuid:petition_id>/", api.PetitionDetailView.as_view(), name="api_petition_detail"),
    path("petitions/<uuid:petition_id>/act/", api.PetitionActView.as_view(), name="api_petition_act"),
    path("organizations/<uuid:organization_id>/petitions/", api.OrganizationPetitionsView.as_view(),
         name="api_organization_petitions"),
    path("organizations/<uuid:organization_id>/petitions/received/", api.OrganizationPetitionsReceivedView.as_view(),
         name="api_organization_petitions_received"),
    path("organizations/<uuid:organization_id>/petition-figures/", api.OrganizationPetitionFiguresView.as_view(),
         name="api_organization_petition_figures"),
]
