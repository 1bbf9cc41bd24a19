"""Compile every catalog (locale/, locale_vendor/ and each app's locale/) to .mo with polib
(no GNU gettext needed)."""

import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent


def catalogs():
    for folder in ("locale", "locale_vendor"):
        yield from sorted((BASE_DIR / folder).glob("*/LC_MESSAGES/*.po"))
    yield from sorted(BASE_DIR.glob("*/locale/*/LC_MESSAGES/*.po"))


def main() -> int:
    for po_path in catalogs():
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(BASE_DIR)}: {po.percent_translated()}% translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
