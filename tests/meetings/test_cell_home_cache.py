"""The cell home kept in the cache (meetings/views/cell.py): every write that changes what it shows
is seen on the next request, whichever service makes it (meetings, fees, members, series, the tree),
the clock moves it on (a deadline, a meeting's start, midnight), one cell's or one variant's part
never shows in another's page, and a kept page needs fewer queries."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fees.services import fee_sheet_record
from meetings.services.schedule import meeting_schedule
from meetings.services.series import series_deactivate, series_set_up
from members.models import MemberImport, MemberStatus, Role
from members.services import (
    member_attend_temporarily,
    member_change_status,
    member_receive_temporary,
    member_update,
    membership_end_temporary,
    membership_set_role,
)
from members.services_tree import organization_split, organizations_merge
from tests import factories as f
from tests.fees.conftest import salaried
from tests.meetings.conftest import FROZEN_NOW, grow
from tests.pages.test_page_cache import queries_of
from tests.roster.files import csv_bytes, rows_of

D = dt.date
TZ = FROZEN_NOW.tzinfo


def summoned(n: int) -> str:
    return f"{n} đảng viên được triệu tập sinh hoạt"


@pytest.fixture
def page(login, frozen):
    """page(who, cell): the cell home as `who` sees it now (signed in again: time may have moved)."""
    def fetch(who, cell):
        response = login(who).get(reverse("cell_home", args=[cell.public_id]))
        assert response.status_code == 200
        return response.content.decode()
    return fetch


# --- Writes -------------------------------------------------------------------------------------

def test_unpaid_fees_recorded_or_paid_show_at_once(cast, page):
    importlib.import_module("fees.migrations.0002_default_rates").add_rates(apps, None)  # as tests/fees do
    salaried(cast.secretary)
    salaried(cast.member)
    assert "Lê Thị Hoa" not in page(cast.secretary, cast.tree.a1)
    for month in (1, 2):
        fee_sheet_record(cell=cast.tree.a1, month=D(2026, month, 1), collected_on=D(2026, month, 5),
                         received={cast.member.pk: 0, cast.secretary.pk: 50_000})
    assert "Lê Thị Hoa" in page(cast.secretary, cast.tree.a1)  # two months unpaid: a warning
    fee_sheet_record(cell=cast.tree.a1, month=D(2026, 2, 1), collected_on=D(2026, 5, 12),
                     received={cast.member.pk: 50_000})
    assert "Lê Thị Hoa" not in page(cast.secretary, cast.tree.a1)


def test_a_new_member_is_counted_at_once(cast, page):
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    f.member(cast.tree.a1)
    assert summoned(3) in page(cast.secretary, cast.tree.a1)


def test_a_probation_recognised_leaves_the_to_do_list_at_once(cast, page):
    probationer = f.member(cast.tree.a1, name="Dự Bị Xong", official=False, admitted=D(2025, 5, 1))
    assert "Dự Bị Xong" in page(cast.secretary, cast.tree.a1)
    member_change_status(member=probationer, status=MemberStatus.OFFICIAL, effective_date=D(2026, 5, 12))
    assert "Dự Bị Xong" not in page(cast.secretary, cast.tree.a1)


def test_a_record_renamed_or_its_admission_date_corrected_shows_at_once(cast, page):
    probationer = f.member(cast.tree.a1, name="Mới Vào", official=False, admitted=D(2025, 12, 1))
    assert "Mới Vào" not in page(cast.secretary, cast.tree.a1)  # probation ends in December
    member_update(member=probationer, admission_date=D(2025, 6, 20))
    assert "Mới Vào" in page(cast.secretary, cast.tree.a1) and "20/06/2026" in page(cast.secretary, cast.tree.a1)
    member_update(member=probationer, full_name="Mới Vào Đổi Tên")
    assert "Mới Vào Đổi Tên" in page(cast.secretary, cast.tree.a1)


def test_a_temporary_transfer_counts_where_the_member_attends_in_both_cells_at_once(cast, page):
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    assert summoned(2) in page(cast.committee, cast.tree.a2)
    member_change_status(member=cast.orgcom, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=D(2026, 5, 3),
                         temporary_cell=cast.tree.a1)
    assert summoned(3) in page(cast.secretary, cast.tree.a1)
    assert summoned(1) in page(cast.committee, cast.tree.a2)
    member_change_status(member=cast.orgcom, status=MemberStatus.OFFICIAL, effective_date=D(2026, 5, 12))
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    assert summoned(2) in page(cast.committee, cast.tree.a2)


def test_a_member_received_from_another_cell_and_leaving_again_counts_at_once(cast, page):
    member_change_status(member=cast.outsider, status=MemberStatus.TEMPORARY_TRANSFER, effective_date=D(2026, 5, 3),
                         other_organization="Chi bộ ngoài tỉnh")
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    member_receive_temporary(cell=cast.tree.a1, party_card_number=cast.outsider.party_card_number,
                             full_name=cast.outsider.full_name, start_date=D(2026, 5, 4))
    assert summoned(3) in page(cast.secretary, cast.tree.a1)
    membership_end_temporary(member=cast.outsider, cell=cast.tree.a1, end_date=D(2026, 5, 12))
    assert summoned(2) in page(cast.secretary, cast.tree.a1)


def test_a_visitor_from_outside_counts_at_once(cast, page):
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    member_attend_temporarily(cell=cast.tree.a1, effective_date=D(2026, 5, 4), other_organization="Chi bộ ngoài tỉnh",
                              full_name="Khách Tạm Thời", party_card_number="998877665544")
    assert summoned(3) in page(cast.secretary, cast.tree.a1)


def test_members_split_off_to_a_new_cell_leave_the_count_at_once(cast, page):
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    organization_split(source=cast.tree.a1, parts=[{"name": "Chi bộ thôn Đông Hai"}], on=D(2026, 5, 13),
                       assignment={cast.member.pk: 0})
    assert summoned(1) in page(cast.secretary, cast.tree.a1)


def test_members_of_a_cell_merged_in_count_at_once(cast, page):
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    organizations_merge(sources=[cast.tree.a2], target=cast.tree.a1, on=D(2026, 5, 13))
    assert summoned(4) in page(cast.secretary, cast.tree.a1)


def test_members_imported_from_a_file_count_at_once(cast, page, login):
    assert summoned(2) in page(cast.secretary, cast.tree.a1)
    client = login(cast.secretary)
    client.post(reverse("member_import", args=[cast.tree.a1.public_id]),
                {"file": SimpleUploadedFile("danh-sach.csv", csv_bytes(rows_of(3)))})
    job = MemberImport.objects.get()
    client.post(reverse("member_import_confirm", args=[cast.tree.a1.public_id, job.public_id]))
    assert summoned(5) in page(cast.secretary, cast.tree.a1)


def test_a_member_made_an_officer_gets_the_officers_page(cast, page, login):
    assert login(cast.member).get(reverse("cell_home", args=[cast.tree.a1.public_id])).status_code == 404
    membership_set_role(member=cast.member, cell=cast.tree.a1, role=Role.DEPUTY_SECRETARY)
    assert reverse("meeting_new", args=[cast.tree.a1.public_id]) in page(cast.member, cast.tree.a1)


def test_the_series_stopped_leaves_the_summary_at_once(cast, page):
    series = series_set_up(cell=cast.tree.a1, day_of_month=5, start_time=dt.time(19, 30))
    line = "sinh hoạt thường kỳ ngày 5 hằng tháng lúc 19:30"
    assert line in page(cast.secretary, cast.tree.a1)
    series_deactivate(series=series.series)
    assert line not in page(cast.secretary, cast.tree.a1)


# --- The clock ------------------------------------------------------------------------------------

# Each moves on by less than page_cache.MAX_AGE: the part ends at the moment, not by its age.

def test_documents_become_overdue_at_their_deadline(cast, page, frozen):
    frozen(FROZEN_NOW.replace(hour=19, minute=25))
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(1))  # due today at 19:30
    assert page(cast.secretary, cast.tree.a1).count("Quá hạn") == 0
    frozen(FROZEN_NOW.replace(hour=19, minute=31))
    assert page(cast.secretary, cast.tree.a1).count("Quá hạn") == 1


def test_the_next_meeting_is_in_progress_from_its_start(cast, page, frozen):
    frozen(FROZEN_NOW.replace(hour=13, minute=55))
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(0, hour=14, minute=0))
    assert "đang diễn ra" not in page(cast.secretary, cast.tree.a1)
    frozen(FROZEN_NOW.replace(hour=14, minute=1))
    assert "đang diễn ra" in page(cast.secretary, cast.tree.a1)


def test_a_probation_ending_tomorrow_is_overdue_after_midnight(cast, page, frozen):
    frozen(FROZEN_NOW.replace(hour=23, minute=55))
    f.member(cast.tree.a1, name="Hết Ngày Mai", official=False, admitted=D(2025, 5, 14))
    assert page(cast.secretary, cast.tree.a1).count("Quá hạn") == 0
    frozen(dt.datetime(2026, 5, 14, 0, 1, tzinfo=TZ))
    assert page(cast.secretary, cast.tree.a1).count("Quá hạn") == 1


# --- Cells, variants, queries -------------------------------------------------------------------

def test_a_kept_home_never_shows_in_another_cells_page_nor_to_an_outsider(cast, page, login):
    meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), place="Nhà văn hóa thôn Đông")
    assert "Nhà văn hóa thôn Đông" in page(cast.secretary, cast.tree.a1)
    assert login(cast.outsider).get(reverse("cell_home", args=[cast.tree.a1.public_id])).status_code == 404
    assert "Nhà văn hóa thôn Đông" not in page(cast.outsider, cast.tree.b1)
    assert "Nhà văn hóa thôn Đông" not in page(cast.committee, cast.tree.a2)


def test_the_committees_above_never_get_the_officers_controls_kept_for_the_secretary(cast, page):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3))
    edit = reverse("meeting_edit", args=[meeting.public_id])
    assert edit in page(cast.secretary, cast.tree.a1)
    assert edit not in page(cast.committee, cast.tree.a1)
    assert edit in page(cast.secretary, cast.tree.a1)


def test_a_kept_home_needs_fewer_queries_whatever_the_cell_size(cast, login, frozen, settings):
    for days in (-8, 3, 7):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(days), kind="extraordinary")
    client = login(cast.secretary)
    path = reverse("cell_home", args=[cast.tree.a1.public_id])

    client.get(path)
    kept = queries_of(client, path)
    settings.HANDBOOK_PAGE_CACHE = False
    rendered = queries_of(client, path)
    assert kept <= 5 < rendered  # the session, the user and the access checks: none of the cell's rows
    grow(cast.tree.a1, 20)
    settings.HANDBOOK_PAGE_CACHE = True
    client.get(path)
    assert queries_of(client, path) == kept
