"""Names on the roll call, the minutes and the print in Vietnamese order, as on the roster."""

from django.urls import reverse

from common.text import vietnamese_sort_key
from meetings.roll_call_selectors import roll_call_sheet
from meetings.services.minutes import minutes_finalize, minutes_save
from meetings.services.roll_call import attendance_record
from tests import factories as f

FAMILIES_IN_ORDER = ["Bùi", "Dương", "Đặng", "Đỗ", "Vũ"]


def test_the_sort_key_puts_d_stroke_after_every_d_and_shapes_after_their_letter():
    names = ["Vũ Văn An", "Đỗ Văn An", "Dương Văn An", "Đặng Văn An", "Bùi Văn An", "Âu Văn An", "Ân Văn An"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Ân Văn An", "Âu Văn An", "Bùi Văn An", "Dương Văn An", "Đặng Văn An", "Đỗ Văn An", "Vũ Văn An"]
    # By the given name first, as the roster: "Trần Diệu Hạnh" under H; tones only break ties.
    assert sorted(["Trần Diệu Hạnh", "Lê Văn Đức", "Lê Văn Dũng", "Ông Thị Anh", "Bà Thị Ánh"],
                  key=vietnamese_sort_key) == ["Ông Thị Anh", "Bà Thị Ánh", "Lê Văn Dũng", "Lê Văn Đức", "Trần Diệu Hạnh"]


def test_the_roll_call_minutes_and_print_list_names_in_vietnamese_order(cast, login, meeting):
    members = {family: f.member(cast.tree.a1, name=f"{family} Văn An") for family in reversed(FAMILIES_IN_ORDER)}
    names = [f"{family} Văn An" for family in FAMILIES_IN_ORDER]
    sheet = [row.member.full_name for row in roll_call_sheet(meeting).summoned]
    assert sheet[:5] == names
    attendance_record(meeting=meeting, entries={
        cast.secretary.pk: ("present", ""), cast.member.pk: ("present", ""),
        **{m.pk: ("unexcused", "") for m in members.values()},
    })
    meeting.refresh_from_db()
    assert [row.member.full_name for row in roll_call_sheet(meeting).summoned][:5] == names
    client = login(cast.secretary)
    page = client.get(reverse("roll_call", kwargs={"meeting_id": meeting.public_id})).content.decode()
    assert sorted(names, key=page.index) == names
    minutes_save(meeting=meeting, chair=cast.secretary, minute_taker=cast.member, contents="Nội dung")
    minutes_finalize(meeting=meeting)
    for name in ("minutes_edit", "minutes_print"):
        page = client.get(reverse(name, kwargs={"meeting_id": meeting.public_id})).content.decode()
        assert ", ".join(f"đồng chí {n}" for n in names) in page, name
