"""Resolve agency and member names as documents print them to organisation units and members.

Documents cite one unit in many ways: "Đảng uỷ Bộ Khoa học và Công nghệ", "Đảng ủy Bộ KH&CN",
"Bộ Khoa học và Công nghệ"; "Thành uỷ TP Hà Nội", "Thành ủy Hà Nội", "Hà Nội". A name is
folded (``dondoc.core.text.fold``: no diacritics, so "uỷ" and "ủy" are equal) and looked up among
the units' official names, short names and aliases (``OrgAlias``); the Party committee of a
province is also found under the usual variants of its locality ("Tỉnh ủy X", "Thành ủy TP X",
"TP X", "X"). Units that share a name across a merger ("Tỉnh ủy Lào Cai" before and after
01/07/2025) are told apart by the date of the document. Nothing is ever created here: an unknown
name is reported to the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from dondoc.core.text import fold
from dondoc.orgs.models import Member, OrgAlias, OrgKind, OrgUnit

_TRIM = " .,;:-–…"
_PROVINCE_HEADS = ("tinh uy", "thanh uy", "dang bo tinh", "dang bo thanh pho")
_LOCALITY_PREFIXES = ("thanh pho", "tp.", "tp", "tinh")


def name_key(name: str | None) -> str:
    """The folded form a name is looked up under ("Đảng uỷ Bộ KH&CN" -> "dang uy bo kh&cn")."""
    key = fold(name).strip(_TRIM)
    return re.sub(r"\s*-\s*", " - ", key)


def _locality(short: str) -> str:
    key = name_key(short)
    for prefix in _LOCALITY_PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :].strip()
    return key


def _province_keys(unit: OrgUnit) -> set[str]:
    """Usual ways of citing a province's Party committee ("Thành ủy TP Hà Nội", "Hà Nội")."""
    place = _locality(unit.short_name) if unit.short_name else ""
    if not place:
        name = name_key(unit.name)
        for head in _PROVINCE_HEADS:
            if name.startswith(head + " "):
                place = _locality(name[len(head) + 1 :])
                break
    if not place:
        return set()
    keys = {place}
    for head in ("tinh uy", "thanh uy", "ubnd", "uy ban nhan dan", "dang bo"):
        keys.add(f"{head} {place}")
        for prefix in ("tp", "thanh pho", "tinh"):
            keys.add(f"{head} {prefix} {place}")
    for prefix in ("tp", "thanh pho", "tinh"):
        keys.add(f"{prefix} {place}")
    return keys


class OrgResolver:
    """Look up organisation units by any of their names, on a given date."""

    def __init__(self) -> None:
        self._index: dict[str, list[OrgUnit]] = defaultdict(list)
        self._spellings: dict[str, None] = {}
        units = {unit.pk: unit for unit in OrgUnit.objects.all()}
        for unit in units.values():
            self._spellings.update(dict.fromkeys(filter(None, (unit.name, unit.short_name))))
            keys = {name_key(unit.name)}
            if unit.short_name:
                keys.add(name_key(unit.short_name))
            if unit.kind == OrgKind.PROVINCE:
                keys |= _province_keys(unit)
            for key in keys:
                self._add(key, unit)
        for alias in OrgAlias.objects.all():
            unit = units.get(alias.org_unit_id)
            if unit is not None:
                self._add(name_key(alias.alias), unit)
                self._spellings[alias.alias] = None

    def names(self) -> list[str]:
        """Every name a unit is known by, as spelled (to split agency cells on known names)."""
        return list(self._spellings)

    def _add(self, key: str, unit: OrgUnit) -> None:
        if key and unit not in self._index[key]:
            self._index[key].append(unit)

    def resolve(self, name: str, on: dt.date | None = None) -> OrgUnit | None:
        """The unit called ``name`` (valid on ``on`` when several share the name), or None."""
        found = self._index.get(name_key(name), [])
        if len(found) <= 1 or on is None:
            return found[0] if len(found) == 1 else self._prefer_current(found)
        valid = [unit for unit in found if unit.is_valid_on(on)]
        if len(valid) == 1:
            return valid[0]
        return self._prefer_current(valid or found)

    @staticmethod
    def _prefer_current(units: list[OrgUnit]) -> OrgUnit | None:
        if not units:
            return None
        current = [unit for unit in units if unit.valid_to is None]
        return (current or units)[0]


class MemberResolver:
    """Look up the committee members of a program by full name (diacritics ignored)."""

    def __init__(self, program) -> None:
        self._index: dict[str, Member] = {}
        for member in Member.objects.filter(program=program):
            self._index[name_key(member.full_name)] = member

    def resolve(self, name: str) -> Member | None:
        return self._index.get(name_key(name))
