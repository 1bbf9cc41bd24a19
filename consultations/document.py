"""An organisation's sent summary as an A4 party document (PDF through WeasyPrint, as the minutes)."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone


def render_pdf(page) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment
    from weasyprint.urls import URLFetcher

    html = render_to_string("consultations/summary_pdf.html", {
        "page": page, "sent_on": timezone.localtime(page.summary.sent_at).date()})
    no_fetching = URLFetcher(allowed_protocols=())  # nothing in the text makes the server call out
    stylesheet = CSS(filename=finders.find("css/print.css"), url_fetcher=no_fetching)
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(stylesheets=[stylesheet])
