"""Every PDF test also checks that WeasyPrint found nothing missing for PDF/UA (it logs an
error for an image without alt text or a document without a language, and goes on)."""

import logging

import pytest


@pytest.fixture(autouse=True)
def _weasyprint_finds_nothing_missing(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    complaints = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.ERROR]
    assert complaints == []
