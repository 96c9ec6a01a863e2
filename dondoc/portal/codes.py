"""Tracking codes (mã theo dõi) of the public portal: random, unguessable, easy to read aloud.

Ten characters from an alphabet of 31 without the look-alikes 0/O, 1/I/L: 31**10 ≈ 8·10**14
possibilities drawn by ``secrets``: not a sequence, not an id in disguise. They are shown in
groups ("K7QM-2XPA-9T") and stored without the dashes; what a citizen types is normalised
(case, spaces, dashes) before it is looked up. Pure Python.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
_GROUPS = (4, 4, 2)
_NOT_CODE = re.compile(r"[\s\-–—.]+")


def new_code() -> str:
    """A fresh random code, stored form (10 characters, no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """ "K7QM2XPA9T" -> "K7QM-2XPA-9T"."""
    parts, start = [], 0
    for size in _GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(p for p in parts if p)


def normalise(text: str) -> str | None:
    """The stored form of what a citizen typed, or None when it cannot be a code."""
    code = _NOT_CODE.sub("", text or "").upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code
