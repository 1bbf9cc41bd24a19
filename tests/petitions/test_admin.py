"""The admin shows petitions read-only: every step goes through petitions.services."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from petitions.models import Petition, PetitionCategory, PetitionStep


@pytest.mark.parametrize("model", [Petition, PetitionStep, PetitionCategory], ids=lambda m: m.__name__)
def test_the_admin_may_look_at_but_not_write_petitions(cast, model):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
