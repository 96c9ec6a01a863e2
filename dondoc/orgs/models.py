"""Organisation units with history, and the members of a program's steering committee.

An organisation unit (cơ quan, đơn vị) lives between ``valid_from`` and ``valid_to``. When units
merge (63 provinces became 34 on 01/07/2025) each old unit gets ``valid_to`` and a ``successor``,
so tasks and figures recorded against it follow the successor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, models
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
        """This unit and every unit merged into it, directly or through earlier mergers
        (``lineages`` gives those of many units in one query)."""
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


class OrgGroupQuerySet(models.QuerySet):
    def containing(self, units: list[OrgUnit], on: dt.date | None = None) -> list[OrgGroup]:
        """The groups of which any of ``units`` is a member (on ``on`` when given: a unit not
        valid that day is no member then)."""
        if on is not None:
            units = [unit for unit in units if unit.is_valid_on(on)]
        if not units:
            return []
        kinds = {unit.kind for unit in units}
        ids = {unit.pk for unit in units}
        groups = self.prefetch_related("units")
        return [
            group
            for group in groups
            if kinds & set(group.kind_list) or ids & {u.pk for u in group.units.all()}
        ]


class OrgGroup(models.Model):
    """A collective agency (cơ quan chủ trì tập thể): "Các bộ, ngành, địa phương".

    Not a unit of its own: its members are the organisation units of its ``kinds`` that are
    valid on a date (the 63 provinces until 30/06/2025, the 34 from 01/07/2025), plus any units
    named in ``units``. A task led by a group is every member's task; each member reports on it
    for itself. Documents cite a group in many ways ("UBND các tỉnh, thành phố trực thuộc Trung
    ương", "các địa phương"): ``phrases`` holds them, one per line, and
    ``dondoc.orgs.groups.resolve_group`` reads them.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kinds = models.CharField(
        _("kinds of member units"),
        max_length=200,
        blank=True,
        help_text=_("Kinds of organisation unit that are members, separated by commas."),
    )
    units = models.ManyToManyField(
        OrgUnit,
        blank=True,
        related_name="explicit_groups",
        verbose_name=_("other member units"),
    )
    phrases = models.TextField(
        _("other phrasings"), blank=True, help_text=_("One per line, as documents write them.")
    )
    history = HistoricalRecords(bases=[AuditedHistory])

    objects = OrgGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("group of agencies")
        verbose_name_plural = _("groups of agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def kind_list(self) -> list[str]:
        return [kind.strip() for kind in self.kinds.split(",") if kind.strip()]

    def phrase_list(self) -> list[str]:
        return [self.name, *(line.strip() for line in self.phrases.splitlines() if line.strip())]

    def members_on(self, day: dt.date) -> models.QuerySet:
        """The member units valid on ``day``."""
        chosen = models.Q(kind__in=self.kind_list) | models.Q(explicit_groups=self)
        valid = (models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day)) & (
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )
        return OrgUnit.objects.filter(chosen & valid).distinct()

    def contains(self, unit: OrgUnit, on: dt.date | None = None) -> bool:
        if on is not None and not unit.is_valid_on(on):
            return False
        return unit.kind in self.kind_list or self.units.filter(pk=unit.pk).exists()


def lineages(ids: Iterable[int]) -> dict[int, set[int]]:
    """``OrgUnit.lineage_ids`` of each of ``ids`` in one query: a recursive walk from the
    units back through ``successor`` (a commune form of a whole province asks it for every
    commune)."""
    ids = sorted(set(ids))
    found: dict[int, set[int]] = {pk: {pk} for pk in ids}
    if not ids:
        return found
    table = connection.ops.quote_name(OrgUnit._meta.db_table)
    sql = (
        "WITH RECURSIVE lineage(root, id) AS ("
        f"SELECT id, id FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
        f"UNION SELECT l.root, u.id FROM {table} u INNER JOIN lineage l ON u.successor_id = l.id"
        ") SELECT root, id FROM lineage"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for root, pk in cursor.fetchall():
            found[root].add(pk)
    return found
