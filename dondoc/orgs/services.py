"""Writes to organisation units and committee members: create and edit a unit with its aliases
and its merger; create the units and members an import names but the system lacks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from dondoc.core.text import fold
from dondoc.orgs.models import Member, OrgAlias, OrgUnit

#: The fields of a unit that its form edits.
UNIT_FIELDS = (
    "code",
    "kind",
    "name",
    "short_name",
    "parent",
    "valid_from",
    "valid_to",
    "successor",
)


class StaleEdit(Exception):
    """The unit changed after the form was loaded: saving would undo that change."""


def version_of(unit: OrgUnit) -> str:
    """A mark that changes whenever the unit or its aliases change (form versions)."""
    own = unit.history.order_by("-history_id").values_list("history_id", flat=True).first()
    aliases = (
        OrgAlias.history.filter(org_unit_id=unit.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return f"{own or 0}.{aliases or 0}"


@transaction.atomic
def save_unit(
    unit: OrgUnit | None,
    *,
    data: dict[str, Any],
    aliases: list[str],
    by: Any,
    version: str | None = None,
) -> OrgUnit:
    """Create (``unit`` None) or change a unit, and make its aliases exactly ``aliases``.
    The caller has validated ``data`` (``forms.OrgUnitForm``): no loop of successors or
    parents, aliases used by no other unit. With ``version`` (``version_of`` when the form was
    loaded), refuse with ``StaleEdit`` if somebody changed the unit since."""
    unit = OrgUnit() if unit is None else OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.pk and version is not None and version != version_of(unit):
        raise StaleEdit
    for name in UNIT_FIELDS:
        setattr(unit, name, data[name])
    unit._history_user = by
    unit.save()
    wanted = {fold(a): a for a in aliases}
    for alias in OrgAlias.objects.filter(org_unit=unit):
        if alias.alias_folded in wanted and wanted[alias.alias_folded] == alias.alias:
            del wanted[alias.alias_folded]
            continue
        alias._history_user = by
        alias.delete()
    for text in wanted.values():
        alias = OrgAlias(org_unit=unit, alias=text)
        alias._history_user = by
        alias.save()
    return unit


def _free_code(name: str) -> str:
    """A code for a new unit, from its folded name ("Bộ Nội vụ" -> "bo-noi-vu", "-2"...)."""
    base = slugify(fold(name))[:56].strip("-") or "unit"
    taken = set(OrgUnit.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, suffix = base, 2
    while code in taken:
        code, suffix = f"{base}-{suffix}", suffix + 1
    return code


@transaction.atomic
def create_unit(*, name: str, kind: str, short_name: str = "", by: Any = None) -> OrgUnit:
    """Create a unit named ``name`` (an import's missing agency), with a code made from it."""
    unit = OrgUnit(code=_free_code(name), kind=kind, name=name[:300], short_name=short_name[:120])
    unit._history_user = by
    unit.save()
    return unit


@transaction.atomic
def create_member(*, program: Any, full_name: str, by: Any = None) -> Member:
    """Add a member to ``program``'s steering committee (an import's missing member)."""
    member = Member(program=program, full_name=full_name[:200])
    member._history_user = by
    member.save()
    return member
