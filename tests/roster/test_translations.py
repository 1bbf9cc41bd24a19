"""The roster speaks Vietnamese first (its own catalog, not shadowed by another app's) and English too."""

from pathlib import Path

import polib
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

CATALOG = Path(__file__).resolve().parents[2] / "members" / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_string_of_the_roster_is_translated_and_shown_as_written():
    catalog = polib.pofile(str(CATALOG))
    assert catalog.untranslated_entries() == [] and catalog.fuzzy_entries() == []
    shadowed = []
    with translation.override("vi"):
        for entry in catalog:
            if entry.msgid_plural:
                continue
            shown = pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)
            if shown != entry.msgstr:
                shadowed.append((entry.msgid, entry.msgstr, shown))
    # An app listed before `members` (admin, auth, DRF...) with the same msgid would win.
    assert shadowed == []


def test_the_roster_speaks_english_when_asked(cast, login):
    client = login(cast.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("roster", args=[cast.tree.a1.public_id])).content.decode()
    assert "Party member roster" in page and "Add a member" in page and "Official" in page
