"""The sent summary of comments on a draft is a tagged PDF in Vietnamese."""

from django.urls import reverse

from tests.consultations.conftest import comment, draft, send  # noqa: F401 (fixtures and helpers)
from tests.pdf import structure


def test_the_summary_pdf_is_tagged_in_vietnamese_with_its_title(cast, login, draft):  # noqa: F811
    send(draft, cast.tree.a1, comments=[comment(draft, cast.member, cast.tree.a1, text="Đề nghị bổ sung chỉ tiêu "
                                                                                     "về chuyển đổi số.")],
         text="Chi bộ thống nhất với dự thảo.")
    url = reverse("consultation_summary_pdf", args=[draft.public_id, cast.tree.a1.public_id])
    response = login(cast.secretary).get(url)
    assert response.status_code == 200
    pdf = structure.read(response.content)
    assert pdf.marked and pdf.ua_claimed and pdf.display_title
    assert pdf.lang == "vi"
    assert pdf.title == f"Tổng hợp ý kiến — {cast.tree.a1.name}"
    assert pdf.elements["H1"] == 1 and pdf.elements["H2"] >= 2 and pdf.elements["L"] and pdf.elements["LI"]
    for phrase in ("TỔNG HỢP Ý KIẾN", "Chi bộ thống nhất với dự thảo.", "Đề nghị bổ sung chỉ tiêu về chuyển đổi số."):
        assert phrase in pdf.text, phrase
