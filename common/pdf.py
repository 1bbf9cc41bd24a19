"""Every PDF the handbook writes goes through here: tagged PDF/UA-1 from one HTML template.

The language (`<html lang>`), the title (`<title>`), headings, tables (`th scope`) and the
alternative text of images and charts (`alt`, SVG `<title>`) come from the template; this
module turns them into the PDF's /Lang, title metadata and structure tree, so a screen
reader reads the minutes or a report as it reads the page."""

from django.contrib.staticfiles import finders

# PDF/UA-1 implies pdf_tags (the structure tree, /MarkInfo) and PDF 1.7, and writes the
# title into the XMP metadata with DisplayDocTitle so readers show it instead of the file name.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(html: str, *, stylesheets: list[str], allow_data_urls: bool = False) -> bytes:
    """`stylesheets` are static file names (read from disk). Nothing else is fetched: no URL in
    the text can make the server call out, or call itself back; `allow_data_urls` lets inline
    `data:` images through and nothing more."""
    from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"] if allow_data_urls else ())
    sheets = [CSS(filename=finders.find(name), url_fetcher=fetcher) for name in stylesheets]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=sheets, pdf_variant=PDF_VARIANT)
