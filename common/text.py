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


# The Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. A
# letter's shape (breve, circumflex, horn) ranks it after its base letter; the tone marks
# rank only between words of the same letters, in dictionary order: none, huyền, hỏi, ngã,
# sắc, nặng.
_LETTER_MARKS = {"\u0306": "1", "\u0302": "2", "\u031b": "3"}  # breve, circumflex, horn
_TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _collation_parts(text: str) -> tuple[str, str]:
    """(letters, tones) of a word or name: each letter ranked as its base and shape."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", (text or "").lower()):
        if char in _LETTER_MARKS and letters:
            letters[-1] = letters[-1][0] + _LETTER_MARKS[char]
        elif char in _TONE_MARKS and tones:
            tones[-1] = _TONE_MARKS[char]
        elif not unicodedata.combining(char):
            # "đ" is a letter of its own, after every "d".
            letters.append("d1" if char == "đ" else char + "0")
            tones.append("0")
    return "".join(letters), "".join(tones)


def vietnamese_sort_key(full_name: str) -> tuple[str, str, str, str]:
    """Order names as Vietnamese lists are read (the roster's order): by the given name (the
    last word: "Trần Diệu Hạnh" under H; "Anh" before "Ánh"), then by the whole name, letter by
    letter in the Vietnamese alphabet ("Đặng", "Đỗ" after every "D…", not after "Vũ")."""
    name = " ".join((full_name or "").split())
    given, given_tones = _collation_parts(name.rsplit(" ", 1)[-1])
    whole, whole_tones = _collation_parts(name)
    return given, given_tones, whole, whole_tones


def normalize_text(text: str) -> str:
    """What people type or paste, in one Unicode form (NFC): "Nguyễn" typed in decomposed form
    (NFD, as macOS and some keyboards send it) is stored as the same letters as everyone's."""
    return unicodedata.normalize("NFC", text or "")


def control_characters(text: str) -> list[str]:
    """Characters no text field may hold: NUL and the other control characters (tab and line
    breaks aside), which PostgreSQL refuses or which break files and terminals."""
    return [c for c in text or "" if unicodedata.category(c) == "Cc" and c not in "\t\n\r"]


def invisible_characters(text: str) -> list[str]:
    """Characters a name may not hold: controls, and the invisible format characters (zero-width
    spaces and joiners, direction overrides such as U+202E) that make two names look alike or a
    name read backwards."""
    return [c for c in text or "" if unicodedata.category(c) in ("Cc", "Cf")]


def search_query(text: str, *, max_length: int = 100) -> str:
    """A search box's text made safe to send to the database: one Unicode form, without the
    control and invisible characters no stored name holds (a NUL would be refused by
    PostgreSQL), trimmed."""
    text = normalize_text(text)
    hidden = set(invisible_characters(text))
    return "".join(c for c in text if c not in hidden).strip()[:max_length]


def positive_int(text: str | None, *, default: int, below: int) -> int:
    """A page number or a count typed in a URL: ASCII digits only ("²" and "١" are digits to
    Python's str.isdigit but not to int()), between 1 and `below`; else `default`."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and 0 < int(text) < below:
        return int(text)
    return default
