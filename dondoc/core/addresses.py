"""Addresses reversed once. ``reverse()`` walks the URL patterns on every call: a page that
links 100 rows or 20 menu entries paid for it 100 or 20 times. An address whose only argument
is an id is reversed once around a stand-in id, which each row's id then replaces.

    head, tail = split_at_id(reverse("task-detail", args=[STAND_IN]))
    f"{head}{task.pk}{tail}"
"""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

#: Stands for an id in an address reversed once: no real row has it.
STAND_IN = 2_147_480_001

_ADDRESSES: dict[tuple, str] = {}
_PATTERNS: dict[tuple, tuple[str, str]] = {}


def split_at_id(url: str) -> tuple[str, str]:
    """``url`` (an address made around ``STAND_IN``) cut where the stand-in stands."""
    head, found, tail = url.rpartition(str(STAND_IN))
    if not found:
        raise ValueError(f"{url!r} does not hold the stand-in id")
    return head, tail


def pattern(name: str) -> tuple[str, str]:
    """The address of the URL ``name`` (one id argument) before and after its id."""
    return split_at_id(reverse(name, args=[STAND_IN]))


def attribute_pattern(name: str) -> tuple[str, str]:
    """``pattern(name)`` escaped for an HTML attribute, worked out once per URL configuration
    and script prefix."""
    key = _key(name, "pattern")
    found = _PATTERNS.get(key)
    if found is None:
        head, tail = pattern(name)
        found = _PATTERNS[key] = (escape(head), escape(tail))
    return found


def with_id(parts: tuple[str, str], pk: int) -> str:
    return f"{parts[0]}{int(pk)}{parts[1]}"


def _key(*parts: str) -> tuple:
    return (*parts, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def address(name: str) -> str:
    """``reverse(name)`` for a URL without arguments, escaped for an attribute: worked out once
    per URL configuration and script prefix (the patterns do not change while the process
    runs)."""
    key = _key(name)
    found = _ADDRESSES.get(key)
    if found is None:
        found = _ADDRESSES[key] = escape(reverse(name))
    return found


def address_of(name: str, pk: int) -> SafeString:
    """``reverse(name, args=[pk])`` for an address whose only argument is an id, escaped for
    an attribute, reversed once per URL configuration around the stand-in id."""
    key = _key(name, "pk")
    found = _ADDRESSES.get(key)
    if found is None:
        found = _ADDRESSES[key] = escape(reverse(name, args=[STAND_IN]))
    head, stand_in, tail = found.rpartition(str(STAND_IN))
    return mark_safe(f"{head}{int(pk)}{tail}" if stand_in else escape(reverse(name, args=[pk])))
