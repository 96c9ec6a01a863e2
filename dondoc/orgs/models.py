"""Organisation units with history, and the members of a program's steering committee.

An organisation unit (cơ quan, đơn vị) lives between ``valid_from`` and ``valid_to``. When units
merge (63 provinces became 34 on 01/07/2025) each old unit gets ``valid_to`` and a ``successor``,
so tasks and figures recorded against it follow the successor.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.collation import vi_order
from dondoc.core.history import AuditedHistory
from dondoc.core.text import fold


class OrgKind(models.TextChoices):
    CENTRAL = "central", _("Central Party body")  # Cơ quan Đảng Trung ương
    COMMITTEE = "committee", _("Steering committee and its bodies")  # BCĐ, TGV, CQTT
    MINISTRY = "ministry", _("Party committee of a ministry or agency")  # Đảng ủy bộ, ngành
    PROVINCE = "province", _("Province or city")  # Tỉnh ủy, thành ủy
    COMMUNE = "commune", _("Commune or ward")  # Xã, phường
    OTHER = "other", _("Other")


class OrgUnit(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    name = models.CharField(_("official name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["kind", vi_order("name")]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["kind", "valid_to"])]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def current(self) -> OrgUnit:
        """The unit that carries this one's work today (itself when it was never merged)."""
        unit, seen = self, set()
        while unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return unit

    def lineage_ids(self) -> set[int]:
        """This unit and every unit merged into it, directly or through earlier mergers."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(
                OrgUnit.objects.filter(successor_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids


class OrgAlias(models.Model):
    """Another name under which documents cite a unit ("Đảng ủy Bộ KH&CN")."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=300)
    alias_folded = models.CharField(max_length=300, unique=True, editable=False)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs):
        self.alias_folded = fold(self.alias)
        super().save(*args, **kwargs)


class Member(models.Model):
    """A member of a program's steering committee (thành viên Ban Chỉ đạo)."""

    program = models.ForeignKey(
        "tasks.Program", on_delete=models.CASCADE, related_name="members", verbose_name=_("program")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=400, blank=True)
    committee_role = models.CharField(
        _("role in the committee"), max_length=100, blank=True
    )  # Trưởng ban, Phó Trưởng ban, Ủy viên
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("agency")
    )
    term_from = models.DateField(_("term from"), null=True, blank=True)
    term_to = models.DateField(_("term to"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=100)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["sort_order", vi_order("full_name")]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["program", "full_name"], name="unique_member_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)
