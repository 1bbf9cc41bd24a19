"""The Django admin is no side door: what only services may write is shown read-only."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cells.models import Organization
from meetings.models import AbsenceExcuse, Attendance, Meeting, Minutes, MinutesAmendment
from meetings.services.roll_call import attendance_record
from meetings.services.schedule import meeting_schedule
from members.models import CellMembership, CommitteeSeat, Role
from rollups.models import CellMonth, MemberYear, OrganizationMonth

READ_ONLY = [Organization, Meeting, Attendance, AbsenceExcuse, Minutes, MinutesAmendment, CommitteeSeat,
             CellMonth, OrganizationMonth, MemberYear]


@pytest.fixture
def superuser(cast, login):
    return login(cast.admin)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_the_admin_may_look_at_but_not_write_rows_kept_by_services(cast, model):
    request = RequestFactory().get("/admin/")
    request.user = cast.admin
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_superuser_cannot_move_an_organisation_without_its_path(cast, superuser):
    cell = cast.tree.a1
    response = superuser.post(reverse("admin:cells_organization_change", args=[cell.pk]), {
        "name": cell.name, "kind": cell.kind, "parent": cast.tree.commune_b.pk,
    })
    assert response.status_code == 403
    cell.refresh_from_db()
    assert cell.parent_id == cast.tree.commune_a.pk and cell.path.startswith(cast.tree.commune_a.path)


def test_the_organisation_page_has_no_form_to_save(cast, superuser):
    response = superuser.get(reverse("admin:cells_organization_change", args=[cast.tree.a1.pk]))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content and b'name="parent"' not in response.content


def test_a_superuser_cannot_change_an_attendance_mark(cast, superuser):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=timezone.now() + dt.timedelta(minutes=30))
    attendance_record(meeting=meeting, entries={cast.member.pk: ("unexcused", "")})
    row = Attendance.objects.get(meeting=meeting, member=cast.member)
    response = superuser.post(reverse("admin:meetings_attendance_change", args=[row.pk]), {
        "meeting": meeting.pk, "member": cast.member.pk, "status": "present", "basis": row.basis,
    })
    assert response.status_code == 403
    response = superuser.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), {"title": "Sửa"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == Attendance.Status.UNEXCUSED


def _as_posted(response) -> dict:
    """The admin change form's data as the browser would send it back."""
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    for formset in (inline.formset for inline in response.context["inline_admin_formsets"]):
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        data.update({f"{formset.prefix}-{i}-id": form.instance.pk for i, form in enumerate(formset.initial_forms)})
    return {k: v for k, v in data.items() if not isinstance(v, list | dict)}


def test_a_superuser_cannot_change_a_membership_or_a_seat(cast, superuser):
    membership = CellMembership.objects.get(member=cast.member, end_date__isnull=True)
    url = reverse("admin:members_member_change", args=[cast.member.pk])
    response = superuser.get(url)
    assert b'name="memberships-0-role"' not in response.content
    data = {**_as_posted(response), "memberships-0-member": cast.member.pk,
            "memberships-0-cell": cast.tree.a2.pk, "memberships-0-role": Role.SECRETARY,
            "memberships-0-kind": membership.kind, "memberships-0-start_date": "01/01/2024"}
    response = superuser.post(url, data)
    assert response.status_code == 302  # the record itself saved; the membership did not move
    membership.refresh_from_db()
    assert (membership.cell_id, membership.role) == (cast.tree.a1.pk, Role.MEMBER)
    seat = CommitteeSeat.objects.get(member=cast.committee)
    response = superuser.post(reverse("admin:members_committeeseat_change", args=[seat.pk]), {
        "member": cast.outsider.pk, "organization": seat.organization_id, "body": seat.body,
        "start_date": "01/01/2020",
    })
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.member_id == cast.committee.pk


def test_the_outsider_without_staff_rights_sees_no_admin(cast, login):
    response = login(cast.outsider).get(reverse("admin:cells_organization_change", args=[cast.tree.a1.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
