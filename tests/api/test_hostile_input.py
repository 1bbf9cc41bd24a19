"""Hostile values in every query parameter of every list and read, as each role: a 4xx or an
answer, never a 5xx; text sent in decomposed form or with hidden characters is read as the
pages read it. (The schemathesis run, test_schema_fuzz.py, stays inside the schema; these
values are the ones that broke pages before.)"""

import unicodedata
from urllib.parse import quote

import pytest

HOSTILE = [
    "\x00",  # NUL
    "x" * 5000,  # very long
    "²",  # a superscript digit: isdigit() but not int()
    "١٢",  # Arabic-Indic digits: int() takes them
    "２０２６-01-01",  # full-width digits
    "1\n",  # a trailing line break ("$" in a regex lets it through)
    "9" * 30,  # beyond any integer column
    "-1",
    "Nguye\u0302\u0303n",  # decomposed (NFD) Vietnamese
    "\u202eabc",  # right-to-left override
]
# Bytes that are not UTF-8 (a lone surrogate, a stray byte), sent as they are.
RAW = ["%ED%A0%80", "%FF", "%C0%80"]
# Every GET operation with query parameters, and the parameters it reads.
PARAMS = ["page", "page_size", "q", "status", "when", "date_from", "date_to", "month", "month_from", "month_to",
          "unread", "format"]
# Each with a role that reaches its code (others get a 404 before reading a parameter).
OPERATIONS = [
    ("member", "/api/v1/auth/tokens/"),
    ("member", "/api/v1/meetings/"),
    ("member", "/api/v1/notifications/"),
    ("member", "/api/v1/meetings/{meeting}/comments/"),
    ("secretary", "/api/v1/cells/{a1}/meetings/"),
    ("secretary", "/api/v1/cells/{a1}/members/"),
    ("committee", "/api/v1/organizations/"),
    ("committee", "/api/v1/organizations/{commune}/cells/"),
    ("committee", "/api/v1/organizations/{commune}/months/"),
    ("committee", "/api/v1/organizations/{commune}/cell-figures/"),
]


@pytest.mark.parametrize(("role", "operation"), OPERATIONS)
def test_no_hostile_query_value_gives_a_5xx(cast, api, meeting, role, operation):
    client = api(getattr(cast, role))
    path = operation.format(a1=cast.tree.a1.public_id, meeting=meeting.meeting.public_id,
                            commune=cast.tree.commune_a.public_id)
    for name in PARAMS:
        for value in [quote(value) for value in HOSTILE] + RAW:
            response = client.get(f"{path}?{name}={value}")
            assert response.status_code < 500, (path, name, value)
            assert response["Content-Type"] == "application/json", (path, name, value)


@pytest.mark.parametrize("value", ["²", "١", "1\n", " 1", "+1", "1e3", "0", "-1", "1000000000", "\x00"])
@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_page_number_or_size_that_is_not_plain_ascii_digits_is_a_400(cast, api, name, value):
    response = api(cast.member).get("/api/v1/auth/tokens/", {name: value})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == [name]


@pytest.mark.parametrize("month", ["2026-05\n", "２０２６-05", "2026-0٥"])
def test_a_month_in_other_digits_or_with_a_line_break_is_a_400(cast, api, month):
    response = api(cast.committee).get(f"/api/v1/organizations/{cast.tree.commune_a.public_id}/cell-figures/",
                                       {"month": month})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["month"]


@pytest.mark.parametrize("query", ["Thi\u0323 Hoa", "Ho\u200ba", "\u202eHoa", "Hoa\x00"])
def test_the_roster_search_reads_decomposed_text_and_ignores_hidden_characters(cast, api, query):
    response = api(cast.secretary).get(f"/api/v1/cells/{cast.tree.a1.public_id}/members/", {"q": query})
    assert response.status_code == 200
    assert [m["full_name"] for m in response.json()["results"]] == ["Lê Thị Hoa"]


def test_text_sent_decomposed_is_stored_composed(cast, api, meeting):
    text = unicodedata.normalize("NFD", "Đề nghị bổ sung chỉ tiêu.")
    response = api(cast.member).post(f"/api/v1/meetings/{meeting.meeting.public_id}/comments/", {"text": text},
                                     format="json")
    assert response.status_code == 201
    assert response.json()["text"] == unicodedata.normalize("NFC", text) != text


@pytest.mark.parametrize("text", ["Ý kiến\x00", "Ý kiến\x1b[31m", "\x07"])
def test_text_with_control_characters_is_a_400(cast, api, meeting, text):
    response = api(cast.member).post(f"/api/v1/meetings/{meeting.meeting.public_id}/comments/", {"text": text},
                                     format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["text"]


def test_a_password_is_taken_exactly_as_sent(cast, api):
    from members.models import User

    password = unicodedata.normalize("NFD", "Mật-khẩu-2026")
    user = User.objects.get(pk=cast.member.user_id)
    user.set_password(password)
    user.save()
    composed = api().post("/api/v1/auth/token/", {"login": "member", "password": unicodedata.normalize("NFC", password)},
                          format="json")
    assert composed.status_code == 400
    assert api().post("/api/v1/auth/token/", {"login": "member", "password": password}, format="json").status_code == 201
