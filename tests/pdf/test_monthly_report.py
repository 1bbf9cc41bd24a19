"""The monthly report PDF is tagged: its tables have header cells and captions, its charts alt text."""

from django.urls import reverse

from tests.pdf import structure
from tests.reports.conftest import MAY, data, frozen_clock  # noqa: F401 (fixtures)


def test_the_monthly_report_pdf_is_tagged_in_vietnamese_with_its_tables_and_charts(data, login):  # noqa: F811
    url = reverse("monthly_report_pdf", kwargs={"org_id": data.tree.commune_a.public_id}) + f"?month={MAY}"
    response = login(data.committee).get(url)
    assert response.status_code == 200
    pdf = structure.read(response.content)
    assert pdf.marked and pdf.ua_claimed and pdf.display_title
    assert pdf.lang == "vi"
    assert pdf.title == f"Báo cáo tình hình sinh hoạt chi bộ tháng 05/2026 — {data.tree.commune_a.name}"
    assert pdf.elements["H1"] == 1 and pdf.elements["H2"] >= 5
    assert pdf.elements["Table"] >= 5 and pdf.elements["Caption"] >= 5
    assert pdf.elements["TH"] >= 20 and pdf.elements["TD"] and pdf.elements["THead"]
    assert len(pdf.alt_texts) == 2 and all(pdf.alt_texts), "each chart is a figure named by its title"
    for phrase in ("Báo cáo tình hình sinh hoạt chi bộ tháng 05/2026", "Chi bộ thôn Đông", "Chi bộ thôn Đoài",
                   "Tỷ lệ dự họp"):
        assert phrase in pdf.text, phrase


def test_the_monthly_report_pdf_is_in_english_for_a_reader_who_chose_english(data, login):  # noqa: F811
    data.committee.user.language = "en"
    data.committee.user.save(update_fields=["language"])
    url = reverse("monthly_report_pdf", kwargs={"org_id": data.tree.commune_a.public_id}) + f"?month={MAY}"
    pdf = structure.read(login(data.committee).get(url).content)
    assert pdf.lang == "en" and pdf.title.startswith("Report on party cell meetings, month 05/2026 — ")
    assert "Report on party cell meetings, month 05/2026" in pdf.text
