"""Diacritic-insensitive normalisation of Vietnamese text, shared by Python and SQL."""

import unicodedata

# The embedded PostgreSQL has no `unaccent`, so the search column is a generated column
# built with translate(); these two strings are its table and must stay in step with
# `normalize_search` below (a test checks that they agree).
VIETNAMESE_ACCENTED = (
    "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
)
VIETNAMESE_PLAIN = (
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
)
assert len(VIETNAMESE_ACCENTED) == len(VIETNAMESE_PLAIN)


def normalize_search(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = text.translate(str.maketrans(VIETNAMESE_ACCENTED, VIETNAMESE_PLAIN))
    # Anything left (combining marks typed in decomposed form) is stripped the slow way.
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    return " ".join(text.split())
