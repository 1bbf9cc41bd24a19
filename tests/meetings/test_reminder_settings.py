"""A member's reminder lead times page (/settings/reminders/), and the organisation's list of
lead times members may choose on the tree's settings page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cells.models import Organization
from cells.selectors import organization_settings
from cells.services import organization_settings_change
from meetings.models import ReminderChoice
from meetings.selectors import reminder_choices_of
from meetings.services.reminders import reminder_choice_save

DAY, HOUR = 24 * 60, 60
PAGE = "/settings/reminders/"


@pytest.fixture
def offered(cast):
    """Commune A lets its members choose 3 days, 1 day or 1 hour; the default is 1 day."""
    organization_settings_change(org=cast.tree.commune_a, effective_date=timezone.localdate(),
                                 reminder_offsets_minutes=[DAY], reminder_choices_minutes=[3 * DAY, DAY, HOUR])


def _ticked(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="offsets_minutes" value="(\d+)"[^>]*\bchecked\b', page)


def test_the_page_offers_the_cell_s_lead_times_in_words_with_the_default_ticked(cast, login, offered,
                                                                               django_assert_max_num_queries):
    client = login(cast.member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reminder_settings")).content.decode()
    assert reverse("reminder_settings") == PAGE
    assert "3 ngày trước" in page and "1 ngày trước" in page and "1 giờ trước" in page
    assert "mặc định của chi bộ" in page
    assert _ticked(page) == ["1440"]


def test_a_member_chooses_a_day_and_an_hour_before(cast, login, offered):
    client = login(cast.member)
    response = client.post(PAGE, {"offsets_minutes": ["1440", "60"]})
    assert response.status_code == 302
    assert ReminderChoice.objects.get(member=cast.member).offsets_minutes == [DAY, HOUR]
    page = client.get(PAGE).content.decode()
    assert _ticked(page) == ["1440", "60"] and "đồng chí tự chọn" in page


def test_a_lead_time_the_cell_does_not_offer_is_refused_and_the_ticks_are_kept(cast, login, offered):
    client = login(cast.member)
    response = client.post(PAGE, {"offsets_minutes": ["1440", "120"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chi bộ của đồng chí không có mốc nhắc 2 giờ trước" in page
    assert _ticked(page) == ["1440"]
    assert not ReminderChoice.objects.exists()


def test_nothing_ticked_is_refused(cast, login, offered):
    response = login(cast.member).post(PAGE, {})
    assert "Hãy chọn ít nhất một mốc nhắc" in response.content.decode()
    assert not ReminderChoice.objects.exists()


def test_the_member_goes_back_to_the_cell_s_default(cast, login, offered):
    reminder_choice_save(member=cast.member, offsets_minutes=[HOUR])
    client = login(cast.member)
    assert "Nhắc theo mặc định của chi bộ" in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"default": "1", "offsets_minutes": ["60"]}, follow=True)
    assert not ReminderChoice.objects.exists()
    assert "Đồng chí sẽ được nhắc theo mặc định của chi bộ" in response.content.decode()


def test_narrowing_the_organisation_s_list_drops_the_choices_it_no_longer_offers(cast, login, offered):
    reminder_choice_save(member=cast.member, offsets_minutes=[DAY, HOUR])
    organization_settings_change(org=cast.tree.commune_a, effective_date=timezone.localdate(),
                                 reminder_choices_minutes=[3 * DAY, DAY])
    assert reminder_choices_of(cast.member).effective == (DAY,)
    page = login(cast.member).get(PAGE).content.decode()
    assert "Chi bộ không còn cho chọn 1 giờ trước" in page and 'value="60"' not in page
    with pytest.raises(ValidationError):  # the default must stay among the choices
        organization_settings_change(org=cast.tree.commune_a, effective_date=timezone.localdate(),
                                     reminder_choices_minutes=[HOUR])
    organization_settings_change(org=cast.tree.commune_a, effective_date=timezone.localdate(),
                                 reminder_offsets_minutes=[3 * DAY], reminder_choices_minutes=[3 * DAY])
    assert reminder_choices_of(cast.member).effective == (3 * DAY,)  # none of hers left: the default


def test_the_page_only_ever_changes_the_signed_in_member_s_own_choice(cast, login, offered):
    reminder_choice_save(member=cast.member, offsets_minutes=[HOUR])
    client = login(cast.outsider)
    page = client.get(PAGE, {"member": str(cast.member.public_id)}).content.decode()
    assert "1 giờ trước" not in page  # the outsider's cell offers its own default only
    assert client.get(f"/settings/reminders/{cast.member.public_id}/").status_code == 404
    client.post(PAGE, {"offsets_minutes": ["4320"], "member": str(cast.member.public_id),
                       "member_id": str(cast.member.pk)})
    assert ReminderChoice.objects.get(member=cast.member).offsets_minutes == [HOUR]
    assert ReminderChoice.objects.get(member=cast.outsider).offsets_minutes == [3 * DAY]


def test_an_account_without_a_member_record_is_told_so(cast, login):
    page = login(cast.admin).get(PAGE).content.decode()
    assert "tài khoản này chưa gắn với chi bộ nào" in page
    assert login(cast.admin).post(PAGE, {"offsets_minutes": ["60"]}).status_code == 404
    assert not ReminderChoice.objects.exists()


def test_the_page_needs_a_sign_in(db, client):
    assert client.get(PAGE).status_code == 302


def test_the_notification_settings_page_links_to_it(cast, login):
    assert PAGE in login(cast.member).get(reverse("notification_settings")).content.decode()


# --- The organisation's list, on the tree's settings page -----------------------------------

def _settings_url(org):
    return reverse("tree_settings", kwargs={"org_id": org.public_id})


def test_the_committee_sets_the_lead_times_its_members_may_choose(cast, login):
    client = login(cast.committee)
    response = client.post(_settings_url(cast.tree.commune_a), {
        "reminder_hours": "24", "reminder_choices_minutes": ["4320", "1440", "60"],
        "effective_date": timezone.localdate().isoformat()})
    assert response.status_code == 302
    below = organization_settings(Organization.objects.get(pk=cast.tree.a1.pk))
    assert (below.reminder_offsets_minutes, below.reminder_choices_minutes) == ((DAY,), (3 * DAY, DAY, HOUR))
    page = client.get(_settings_url(cast.tree.commune_a)).content.decode()
    assert "Các mốc nhắc đảng viên được tự chọn" in page and "3 ngày trước" in page and "15 phút trước" in page


def test_the_lead_times_offered_are_checked(cast, login):
    client = login(cast.committee)
    url, today = _settings_url(cast.tree.commune_a), timezone.localdate().isoformat()
    too_many = client.post(url, {"reminder_hours": "24", "effective_date": today,
                                 "reminder_choices_minutes": ["4320", "1440", "60", "15"]})
    assert "Chỉ chọn tối đa 3 mốc nhắc" in too_many.content.decode()
    outside = client.post(url, {"reminder_hours": "24", "effective_date": today,
                                "reminder_choices_minutes": ["20160"]})
    assert "reminder_choices_minutes" in outside.context["form"].errors
    without_default = client.post(url, {"reminder_hours": "24", "effective_date": today,
                                        "reminder_choices_minutes": ["60"]})
    assert "phải gồm các mốc nhắc mặc định (24 giờ trước)" in without_default.content.decode()
    assert Organization.objects.get(pk=cast.tree.commune_a.pk).reminder_choices_minutes is None
