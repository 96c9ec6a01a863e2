"""Choosing organisation units in a form: one list for every drop-down of units.

A list of units reads like the official directories: one group per kind (``<optgroup
label="Bộ, ngành">``) in a fixed order, the names of a group in Vietnamese alphabetical order,
and only the units that exist today: after the merger of 01/07/2025 "Tỉnh ủy Bắc Ninh" names one
unit, not two. A unit that no longer exists is offered only where the field's current value is
that unit (``keep``), marked with its last day, "(đến 30/06/2025)", so that editing an old record
neither hides its value nor silently changes it.

``OrgUnitChoiceField`` and ``OrgUnitMultipleChoiceField`` are the form fields;
``grouped_choices`` gives the same list as (value, label) pairs for a plain ``ChoiceField`` or a
hand-written ``<select>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dondoc.core.collation import vi_sort_key
from dondoc.core.params import is_id
from dondoc.orgs.models import OrgKind, OrgUnit

#: The group of each kind, in the order the lists show them.
KIND_GROUPS = {
    OrgKind.CENTRAL: _("Central Party bodies"),
    OrgKind.COMMITTEE: _("Steering committee and its bodies"),
    OrgKind.MINISTRY: _("Ministries and agencies"),
    OrgKind.PROVINCE: _("Provinces and cities"),
    OrgKind.COMMUNE: _("Communes and wards"),
    OrgKind.OTHER: _("Other"),
}
_KIND_ORDER = {kind: n for n, kind in enumerate(KIND_GROUPS)}


def _ids(keep: Iterable[Any]) -> list[int]:
    out = []
    for value in keep:
        value = getattr(value, "pk", value)
        # A value from the query string may be anything: only a number an id can be.
        if value not in (None, "") and is_id(str(value)):
            out.append(int(value))
    return out


def in_force(
    units: QuerySet,
    *,
    on: dt.date | None = None,
    keep: Iterable[Any] = (),
    upcoming: bool = False,
) -> QuerySet:
    """``units`` that exist on ``on`` (today; with ``upcoming``, also those that start later),
    and those of ``keep`` (units or ids) whatever their dates."""
    on = on or timezone.localdate()
    valid = Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    if not upcoming:
        valid &= Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    kept = _ids(keep)
    return units.filter(valid | Q(pk__in=kept) if kept else valid)


def dated_label(
    name: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    on: dt.date | None = None,
) -> str:
    """``name`` with the unit's dates when it does not exist on ``on`` (today)."""
    on = on or timezone.localdate()
    if valid_to is not None and valid_to < on:
        return gettext("%(name)s (until %(date)s)") % {"name": name, "date": f"{valid_to:%d/%m/%Y}"}
    if valid_from is not None and valid_from > on:
        return gettext("%(name)s (from %(date)s)") % {
            "name": name,
            "date": f"{valid_from:%d/%m/%Y}",
        }
    return name


def unit_label(unit: OrgUnit, on: dt.date | None = None) -> str:
    """The unit's name as lists show it, with its dates when it does not exist on ``on``."""
    return dated_label(str(unit), unit.valid_from, unit.valid_to, on)


def kind_order() -> Case:
    """The position of a unit's kind in the lists, as a database expression."""
    return Case(
        *(When(kind=kind, then=Value(n)) for kind, n in _KIND_ORDER.items()),
        default=Value(len(_KIND_ORDER)),
        output_field=IntegerField(),
    )


def group_rows(rows: Iterable[tuple[Any, str, int]]) -> list[tuple[str, list[tuple[Any, str]]]]:
    """(value, label, position of the kind) rows as grouped choices, each group in Vietnamese
    order: for lists read as plain values rather than units."""
    ordered = sorted(rows, key=lambda r: (r[2], vi_sort_key(r[1])))
    names = list(KIND_GROUPS.values())
    groups: list[tuple[str, list[tuple[Any, str]]]] = []
    for value, label, position in ordered:
        name = str(names[position] if 0 <= position < len(names) else KIND_GROUPS[OrgKind.OTHER])
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append((value, label))
    return groups


def _sorted(units: Iterable[OrgUnit], label) -> list[tuple[str, list[tuple[OrgUnit, str]]]]:
    rows = [(unit, label(unit)) for unit in units]
    rows.sort(key=lambda r: (_KIND_ORDER.get(r[0].kind, len(_KIND_ORDER)), vi_sort_key(r[1])))
    groups: list[tuple[str, list[tuple[OrgUnit, str]]]] = []
    for unit, text in rows:
        name = str(KIND_GROUPS.get(unit.kind, KIND_GROUPS[OrgKind.OTHER]))
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append((unit, text))
    return groups


def grouped_choices(
    units: Iterable[OrgUnit], *, on: dt.date | None = None
) -> list[tuple[str, list[tuple[int, str]]]]:
    """``units`` as grouped choices: [(kind's group, [(pk, label), ...]), ...]."""
    return [
        (group, [(unit.pk, text) for unit, text in rows])
        for group, rows in _sorted(units, lambda u: unit_label(u, on))
    ]


class _GroupedUnits(ModelChoiceIterator):
    """The field's units in groups; reads ``field.queryset`` when iterated, so that units kept
    after the form was built are listed."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for group, rows in _sorted(self.field.queryset, self.field.label_from_instance):
            yield (group, [(self.choice(unit)[0], text) for unit, text in rows])

    def __len__(self) -> int:
        return self.field.queryset.count() + (1 if self.field.empty_label is not None else 0)


class _UnitChoices:
    """What both fields share: the units offered are ``in_force`` on ``on`` (today by
    default; ``upcoming`` adds those that start later), plus the field's current values given
    to ``keep``."""

    iterator = _GroupedUnits

    def __init__(
        self,
        queryset: QuerySet | None = None,
        *,
        on: dt.date | None = None,
        upcoming: bool = False,
        **kwargs,
    ):
        self.on = on
        self.upcoming = upcoming
        self.kept: list[int] = []
        super().__init__(OrgUnit.objects.all() if queryset is None else queryset, **kwargs)

    def _get_queryset(self) -> QuerySet | None:
        if self._queryset is None:
            return None
        return in_force(self._queryset, on=self.on, keep=self.kept, upcoming=self.upcoming)

    def _set_queryset(self, queryset: QuerySet | None) -> None:
        self._queryset = None if queryset is None else queryset.all()
        self.widget.choices = self.choices

    queryset = property(_get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.kept = list(self.kept)
        result.queryset = self._queryset  # the units before the filter of the day
        return result

    def keep(self, *values: Any) -> None:
        """Offer these units (or ids, or lists of them) even if they no longer exist."""
        for value in values:
            many = isinstance(value, list | tuple | set | frozenset | QuerySet)
            self.kept.extend(_ids(value if many else [value]))
        self.widget.choices = self.choices

    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_label(obj, self.on)


class OrgUnitChoiceField(_UnitChoices, forms.ModelChoiceField):
    """One organisation unit, chosen from a grouped list of the units in force."""


class OrgUnitMultipleChoiceField(_UnitChoices, forms.ModelMultipleChoiceField):
    """Several organisation units, chosen from a grouped list of the units in force."""
