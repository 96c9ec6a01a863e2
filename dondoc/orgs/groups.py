"""Collective agencies (cơ quan tập thể): resolve a phrase to its group, count its members.

Plans and notices assign tasks to "Các bộ, ngành, địa phương", "UBND các tỉnh, thành phố trực
thuộc Trung ương", "các địa phương": not one agency but every agency of a kind, on the date.
A phrase is folded (diacritics and case ignored) and stripped of what does not change the
group: punctuation, "và", a leading "UBND" / "Đảng ủy", "trực thuộc Trung ương". "Liên quan"
is kept: "các bộ, ngành liên quan" names some ministries, not all of them, and is no group.

The standard groups (``data/groups.json``) exist in every database: a data migration creates
them, and ``ensure_standard_groups`` (called by the loaders) restores any that is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dondoc.core.text import fold
from dondoc.orgs.models import OrgGroup, OrgKind

GROUPS_FILE = Path(__file__).parent / "data" / "groups.json"

_NOISE = (
    r"\btruc thuoc trung uong\b",
    r"\btruc thuoc tw\b",
    r"^(ubnd|uy ban nhan dan|dang uy|ban can su dang)\s+",
)


def group_key(text: str | None) -> str:
    """The form a group phrase is compared under ("UBND các tỉnh, thành phố trực thuộc Trung
    ương" -> "cac tinh thanh pho")."""
    key = fold(text or "")
    key = re.sub(r"[,.;:()\[\]\"“”'…/&-]+", " ", key)
    key = re.sub(r"\bva\b", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    for pattern in _NOISE:
        key = re.sub(pattern, "", key).strip()
    if key and not key.startswith("cac "):  # "Bộ, ngành, địa phương" means all of them too
        key = f"cac {key}"
    return re.sub(r"\s+", " ", key).strip()


def group_index() -> dict[str, OrgGroup]:
    """Every group under each of its phrasings' keys."""
    index: dict[str, OrgGroup] = {}
    for group in OrgGroup.objects.all():
        for phrase in group.phrase_list():
            index.setdefault(group_key(phrase), group)
    return index


def resolve_group(
    name: str, on: dt.date | None = None, *, index: dict[str, OrgGroup] | None = None
) -> OrgGroup | None:
    """The group a document means by ``name``, or None when it names no group.

    ``on`` is the date of the document: accepted for symmetry with unit resolution (a group
    exists at every date; its members depend on the date, see ``OrgGroup.members_on``).
    ``index`` (from ``group_index``) saves a query per name in a loop.
    """
    key = group_key(name)
    if not key:
        return None
    return (index if index is not None else group_index()).get(key)


_KIND_COUNTS = {
    OrgKind.PROVINCE: lambda n: ngettext("%(n)s province", "%(n)s provinces", n),
    OrgKind.MINISTRY: lambda n: ngettext("%(n)s ministry", "%(n)s ministries", n),
    OrgKind.CENTRAL: lambda n: ngettext("%(n)s central body", "%(n)s central bodies", n),
    OrgKind.COMMUNE: lambda n: ngettext("%(n)s commune", "%(n)s communes", n),
}


def members_summary(group: OrgGroup, day: dt.date) -> str:
    """ "34 provinces, 13 ministries": the group's members on ``day``, counted by kind."""
    counts = Counter(group.members_on(day).values_list("kind", flat=True))
    order = [OrgKind.PROVINCE, OrgKind.MINISTRY, OrgKind.CENTRAL, OrgKind.COMMUNE]
    parts = [
        _KIND_COUNTS[kind](counts[kind]) % {"n": counts[kind]} for kind in order if counts[kind]
    ]
    others = sum(n for kind, n in counts.items() if kind not in order)
    if others:
        parts.append(ngettext("%(n)s other unit", "%(n)s other units", others) % {"n": others})
    return ", ".join(parts) or _("no member units")


def standard_groups() -> list[dict]:
    return json.loads(GROUPS_FILE.read_text(encoding="utf-8"))["groups"]


def ensure_standard_groups() -> int:
    """Create the standard groups that are missing (by code); an existing one is left as it
    is, so an edit made in the application stays. Returns how many were created."""
    created = 0
    for spec in standard_groups():
        if OrgGroup.objects.filter(code=spec["code"]).exists():
            continue
        OrgGroup.objects.create(
            code=spec["code"],
            name=spec["name"],
            kinds=",".join(spec["kinds"]),
            phrases="\n".join(spec["phrases"]),
        )
        created += 1
    return created
