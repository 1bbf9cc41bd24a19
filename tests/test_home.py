from django.urls import reverse

from meetings.services.schedule import meeting_schedule
from tests import factories as f


def test_home_needs_a_sign_in(db, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_shows_the_next_meeting_in_vietnamese_date_form(cast, login):
    meeting = meeting_schedule(cell=cast.tree.a1, starts_at=f.at(3), agenda="Bàn kế hoạch tháng")
    response = login(cast.member).get(reverse("home"))
    page = response.content.decode()
    assert "Cuộc họp tiếp theo" in page or "Buổi sinh hoạt tiếp theo" in page
    assert meeting.starts_at.astimezone().strftime("%d/%m/%Y") in page
    assert "Bàn kế hoạch tháng" in page
    assert "Nhà văn hóa thôn Đông" in page


def test_home_does_not_show_another_cells_meeting(cast, login):
    meeting_schedule(cell=cast.tree.b1, starts_at=f.at(3), agenda="Việc riêng thôn Nam")
    page = login(cast.member).get(reverse("home")).content.decode()
    assert "Việc riêng thôn Nam" not in page


def test_home_speaks_english_when_asked(cast, login):
    client = login(cast.member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Next meeting" in page


def test_home_keeps_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.member)
    for day in range(3, 40, 9):
        meeting_schedule(cell=cast.tree.a1, starts_at=f.at(day), kind="extraordinary")
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))
