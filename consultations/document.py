"""An organisation's sent summary as an A4 party document (PDF through WeasyPrint, as the minutes)."""

from django.template.loader import render_to_string
from django.utils import timezone

from common import pdf


def render_pdf(page) -> bytes:
    html = render_to_string("consultations/summary_pdf.html", {
        "page": page, "sent_on": timezone.localtime(page.summary.sent_at).date()})
    return pdf.render_pdf(html, stylesheets=["css/print.css"])
