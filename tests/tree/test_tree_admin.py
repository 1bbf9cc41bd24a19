"""The admin shows the tree's history and the members in charge of cells, and writes neither."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from cells.models import Organization, OrganizationChange
from members.models import CellInCharge, CellMembership, CommitteeSeat


@pytest.mark.parametrize("model", [Organization, OrganizationChange, CellInCharge, CommitteeSeat],
                         ids=lambda m: m.__name__)
def test_the_admin_shows_the_tree_seats_and_charges_read_only(cast, model):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request))


def test_memberships_are_shown_on_the_member_read_only(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    inline = next(i for i in admin.site._registry[type(cast.member)].get_inline_instances(request)
                  if i.model is CellMembership)
    assert not (inline.has_add_permission(request, cast.member) or inline.has_change_permission(request, cast.member))
