"""Vietnamese alphabetical order for lists of names, the same on PostgreSQL and SQLite.

Vietnamese sorts by letters first, then by tone: ``a ă â b c d đ e ê … o ô ơ … u ư …``, so
"Bạc Liêu" comes before "Bình Định" and "Đà Nẵng" after every name in "D". The database orders
with a collation named ``COLLATION``:

- PostgreSQL: an ICU collation created by the migration ``orgs.0003_vietnamese_collation``
  (locale ``vi``; where the server lacks ICU, the libc ``vi_VN.utf8`` locale, else byte order);
- SQLite: the same name registered on every connection, comparing ``vi_sort_key``.

Order a queryset with ``vi_order("name")``; sort Python lists with ``key=vi_sort_key``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from django.db.models import F
from django.db.models.functions import Collate

COLLATION = "dondoc_vi"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
#: Letters with a mark that makes a letter of its own rather than a tone.
_WITH_MARK = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
#: Tones, in the order Vietnamese dictionaries use: none, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_BASE = 1000


def _primary(ch: str) -> int:
    if ch in _ALPHABET:
        return _LETTER_BASE + _ALPHABET.index(ch)
    if ch.isspace():
        return 1
    if ch.isdigit():
        return 500 + int(unicodedata.digit(ch, 0))
    if ch.isalpha():  # a letter of another alphabet: after Vietnamese letters
        return _LETTER_BASE + 100 + ord(ch)
    return 10 + (ord(ch) % 400)  # punctuation and symbols: before digits and letters


@lru_cache(maxsize=65536)
def vi_sort_key(text: str | None) -> tuple:
    """A key that sorts strings in Vietnamese order: letters first (``ă``, ``â``, ``đ``… are
    letters of their own), then tones, then lower case before upper case."""
    if not text:
        return ((), (), ())
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFC", text):
        lower = ch.lower()
        decomposed = unicodedata.normalize("NFD", lower)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        for mark in marks:
            if (base, mark) in _WITH_MARK:
                base = _WITH_MARK[base, mark]
            elif mark in _TONES:
                tone = _TONES[mark]
        primary.append(_primary(base))
        tones.append(tone)
        cases.append(0 if ch == lower else 1)
    return (tuple(primary), tuple(tones), tuple(cases))


def vi_order(field: str, *, descending: bool = False):
    """An ``order_by`` term sorting ``field`` in Vietnamese order."""
    expression = Collate(F(field), COLLATION)
    return expression.desc() if descending else expression.asc()


def _compare(left: str | None, right: str | None) -> int:
    a, b = vi_sort_key(left), vi_sort_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: teach SQLite the Vietnamese collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


POSTGRESQL_SQL = (
    # ICU: the same order everywhere, whatever the server's system locales.
    f"CREATE COLLATION IF NOT EXISTS {COLLATION} (provider = icu, locale = 'vi')",
    # Without ICU: the system's Vietnamese locale, if installed.
    f"CREATE COLLATION IF NOT EXISTS {COLLATION} (locale = 'vi_VN.utf8')",
    # Else byte order: lists still work, in a less helpful order.
    f'CREATE COLLATION IF NOT EXISTS {COLLATION} FROM "C"',
)
