"""Every Vietnamese catalog is complete, keeps its placeholders and is compiled."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(p for p in ROOT.glob("**/locale*/vi/LC_MESSAGES/django.po") if ".venv" not in p.parts)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_a_fuzzy_guess(path):
    po = polib.pofile(str(path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_their_placeholders(path):
    for entry in polib.pofile(str(path)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalog_matches_the_source(path):
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path)).translated_entries() if not e.msgid_plural}
    binary = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural}
    assert source == {k: v for k, v in binary.items() if k[1]}, "run: python -m handbook.compilemessages"


def test_a_message_reads_the_same_in_every_catalog():
    """gettext is global: where two apps' catalogs translate the same message differently, the
    one earlier in INSTALLED_APPS wins on every page, the other's pages included. So each
    message has one translation."""
    seen: dict[tuple, tuple[str, str]] = {}
    differing = []
    for path in CATALOGS:
        if "locale_vendor" in path.parts:
            continue
        for entry in polib.pofile(str(path)).translated_entries():
            if entry.msgid_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            first = seen.setdefault(key, (str(path.relative_to(ROOT)), entry.msgstr))
            if first[1] != entry.msgstr:
                differing.append((entry.msgid, first, (str(path.relative_to(ROOT)), entry.msgstr)))
    assert differing == []
