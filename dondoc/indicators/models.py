"""The indicator set (bộ chỉ số theo dõi, giám sát, đánh giá) of a program.

An ``Indicator`` (chỉ số / chỉ tiêu) belongs to a program and usually to one of its solution
groups (nhóm nhiệm vụ, giải pháp); "11.1" is a sub-indicator of "11" (``parent``). It carries
its milestone ``Target``s (mục tiêu: "≥ 80" by 31/12/2030, "≤ 3 Đông Nam Á; ≤ 50 Thế giới"), its
baseline (giá trị cơ sở) and, later, its ``IndicatorValue``s per period and organisation unit.

Versions. A definition change (name, definition, unit, direction, aggregation, formula) raises
``Indicator.version`` by one; django-simple-history keeps every earlier state of the row, so the
definition in force under version *n* is the history record with ``version == n``
(``Indicator.definition(n)``). A value records the version in force when it was entered
(``IndicatorValue.indicator_version``): a value entered "in %" stays readable as a percentage
after the unit is changed, without copying the catalogue into a second table. Changes that do
not alter what a value means (responsible agency, weight, public flag) keep the version.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dondoc.core.history import AuditedHistory


class IndicatorKind(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")  # chỉ tiêu chiến lược, vĩ mô
    OPERATIONAL = "operational", _("Operational")  # chỉ số tác nghiệp


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")  # càng cao càng tốt
    LOWER = "lower", _("Lower is better")  # càng thấp càng tốt (thứ bậc, "≤")
    QUALITATIVE = "qualitative", _("Qualitative")  # định tính, đánh giá thủ công


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    NONE = "none", _("None")


class Frequency(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-yearly")
    YEAR = "year", _("Yearly")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


#: Weights of the composite score (điểm số động): High 2.0, Medium 1.5, Low 1.0.
WEIGHTS = {"high": "2.0", "medium": "1.5", "low": "1.0"}

#: Fields whose change alters what a value means: changing one raises the version.
DEFINITION_FIELDS = (
    "name",
    "definition",
    "unit",
    "direction",
    "aggregation",
    "weight_indicator_id",
    "numerator_code",
    "denominator_code",
    "scale",
)


class Indicator(models.Model):
    """An indicator of a program's indicator set (chỉ số, chỉ tiêu)."""

    program = models.ForeignKey(
        "tasks.Program", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=32)  # "11", "11.1", "CT-05"
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.TextField(_("name"))
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)  # a key of units.UNITS
    group = models.ForeignKey(
        "tasks.SolutionGroup",
        verbose_name=_("solution group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.STRATEGIC
    )
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=16, choices=Aggregation.choices, default=Aggregation.NONE
    )
    weight_indicator = models.ForeignKey(
        "self",
        verbose_name=_("weight indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a weighted mean: the indicator whose values weigh each unit."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.YEAR
    )
    levels = models.JSONField(_("levels"), default=list, blank=True)  # ["national", "province"]
    data_source = models.TextField(_("data source"), blank=True)
    responsible_agency = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("responsible agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    responsible_text = models.CharField(
        _("responsible agency as written"), max_length=400, blank=True
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    numerator_code = models.CharField(_("numerator indicator"), max_length=32, blank=True)
    denominator_code = models.CharField(_("denominator indicator"), max_length=32, blank=True)
    #: A derived indicator's factor: numerator / denominator × scale. Empty: 100 for a "%"
    #: unit, else 1 (``effective_scale``).
    scale = models.DecimalField(_("scale"), max_digits=20, decimal_places=6, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1)
    public = models.BooleanField(_("public"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)  # "57-NQ/TW, mục II.1"
    sort_key = models.CharField(max_length=64, editable=False, default="")
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["program", "sort_key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="unique_indicator_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"

    def save(self, *args, **kwargs):
        self.sort_key = code_sort_key(self.code)
        super().save(*args, **kwargs)

    def definition_at(self, version: int):
        """The history record holding this indicator's definition under ``version``."""
        return self.history.filter(version=version).order_by("-history_date").first()

    @property
    def derived(self) -> bool:
        """Computed from two other indicators (chỉ số tính toán), never entered."""
        return bool(self.numerator_code and self.denominator_code)

    @property
    def effective_scale(self):
        """The factor of a derived indicator: its ``scale``, else 100 for "%", else 1."""
        if self.scale is not None:
            return self.scale
        return Decimal(100) if self.unit == "%" else Decimal(1)

    @property
    def formula_text(self) -> str:
        """ "3.1 / 3.2 × 100" (empty when not derived)."""
        if not self.derived:
            return ""
        scale = self.effective_scale
        factor = "" if scale == 1 else f" × {format(scale.normalize(), 'f')}"
        return f"{self.numerator_code} / {self.denominator_code}{factor}"


def code_sort_key(code: str) -> str:
    """ "2" < "11" < "11.1" < "11.12": numbers padded, other text kept."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), code.lower())[:64]


class TargetOperator(models.TextChoices):
    GE = "ge", "≥"
    GT = "gt", ">"
    LE = "le", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    RANGE = "range", _("range")
    TEXT = "text", _("qualitative")


class Target(models.Model):
    """A milestone target of an indicator (mục tiêu, chỉ tiêu đến năm …), as written."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    due_on = models.DateField(_("due date"))
    operator = models.CharField(_("operator"), max_length=8, choices=TargetOperator.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    low = models.DecimalField(_("low"), max_digits=20, decimal_places=6, null=True, blank=True)
    high = models.DecimalField(_("high"), max_digits=20, decimal_places=6, null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=120, blank=True)  # "Đông Nam Á", "Thế giới"
    text = models.TextField(_("as written"))
    qualitative = models.BooleanField(_("qualitative"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["indicator", "due_on", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.due_on:%d/%m/%Y}: {self.text}"


class ValueState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # nháp
    SUBMITTED = "submitted", _("Submitted")  # đã gửi
    APPROVED = "approved", _("Approved")  # đã duyệt
    RETURNED = "returned", _("Returned")  # trả lại để chỉnh sửa, with the reviewer's comment


class IndicatorValue(models.Model):
    """A value of an indicator for a period and an organisation unit (số liệu kỳ báo cáo).

    ``org_unit`` empty is the national figure. ``value`` empty needs a ``not_available`` reason
    (không có số liệu). ``indicator_version`` is the catalogue version the value was entered
    under (see the module's docstring).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    indicator_version = models.PositiveIntegerField(_("indicator version"), default=1)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    period_label = models.CharField(_("period"), max_length=40, blank=True)  # "Quý I/2025"
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    not_available = models.CharField(_("not available because"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ValueState.choices, default=ValueState.DRAFT
    )
    comment = models.TextField(_("comment"), blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    jump_confirmed = models.BooleanField(_("change from the last period confirmed"), default=False)
    #: Raised by every change of a collected value: a form carries the version it was loaded
    #: at, and a stale form is a conflict (``dondoc.core.transitions``).
    version = models.PositiveIntegerField(_("version"), default=1)
    source_directive = models.ForeignKey(
        "tasks.Directive",
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator_values",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    #: The day the value was approved (ngày phê duyệt), set with the state in one transaction;
    #: a report as of an earlier day leaves it out, so a past report does not change.
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        ordering = ["indicator", "period_end", "id"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [
            models.Index(
                fields=["indicator", "org_unit", "period_end"], name="indicator_value_lookup"
            ),
            models.Index(fields=["period_end", "state"], name="indicator_value_period"),
            # The national rows (no unit) in period order, ties by id: the list's probes for
            # each indicator's first and latest national value read one or two entries
            # instead of sorting the indicator's 60 rows (``national._national_rows``).
            models.Index(
                fields=["indicator", "period_end", "id"],
                condition=models.Q(org_unit__isnull=True),
                name="indicator_value_national",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | ~models.Q(not_available=""),
                name="indicator_value_or_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="indicator_value_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_end:%d/%m/%Y}: {self.value}"


class StatusOverride(models.Model):
    """A status set by hand (đánh giá thủ công), with its reason; the rows are the history.

    The override in force on a date is the latest row created by then; a row with an empty
    ``status`` lifts the override (the computed status applies again).
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="status_overrides"
    )
    status = models.CharField(_("status"), max_length=32, blank=True)  # status.IndicatorStatus
    reason = models.TextField(_("reason"))
    set_on = models.DateField(_("effective from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "-set_on", "-id"]
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.set_on:%d/%m/%Y}: {self.status or '-'}"


class WeightChange(models.Model):
    """A dated weight of an indicator in the composite score (trọng số).

    The weight on a date is that of the latest change effective on or before it; without one,
    the catalogue's ``Indicator.weight``. Rows are never edited, so a past score recomputes.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="weight_changes"
    )
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2)
    effective_on = models.DateField(_("effective from"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "effective_on", "id"]
        verbose_name = _("weight change")
        verbose_name_plural = _("weight changes")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="weight_change_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.effective_on:%d/%m/%Y}: {self.weight}"


class IndicatorRollup(models.Model):
    """The roll-up (tổng hợp) of the approved values of organisation units, per indicator,
    period and area: ``area`` empty is the whole country, else a province (its own values;
    when it has none for the period, those of its communes). Count, sum, minimum, maximum and
    a weighted mean's parts are kept, so every aggregation reads from one row.

    Maintained by ``rollup.refresh`` in the transaction that approves a value (never a cache
    that can lag behind): the read paths of the pages and the benchmark trust it.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    area = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    count = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=28, decimal_places=6)
    minimum = models.DecimalField(max_digits=20, decimal_places=6)
    maximum = models.DecimalField(max_digits=20, decimal_places=6)
    #: A weighted mean's parts: Σ value × weight, Σ weight, and how many values had a weight
    #: (the unit's value of the indicator named as weight, same period).
    weighted = models.DecimalField(max_digits=38, decimal_places=12, null=True, blank=True)
    weights = models.DecimalField(max_digits=28, decimal_places=6, null=True, blank=True)
    weighed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["indicator", "area", "period_end"]
        indexes = [
            models.Index(
                fields=["indicator", "area", "period_end"], name="indicator_rollup_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id or '-'} {self.period_end}: {self.total}"

    def value_for(self, aggregation: str) -> Decimal | None:
        return rollup_value(
            aggregation, self.count, self.total, self.minimum, self.maximum,
            weighted=self.weighted, weights=self.weights, weighed=self.weighed,
        )  # fmt: skip


def rollup_value(
    aggregation: str, count, total, minimum, maximum, *, weighted=None, weights=None, weighed=0
) -> Decimal | None:
    """The figure of a roll-up row for an indicator's aggregation. One value is itself,
    whatever the aggregation (a province reporting alone); several do not roll up under
    ``none``; a weighted mean needs every value's weight and weights not adding up to zero."""
    if not count:
        return None
    if count == 1:
        return total
    if aggregation == Aggregation.WEIGHTED_MEAN:
        if weighed < count or not weights:
            return None
        return Decimal(weighted) / Decimal(weights)
    if aggregation == Aggregation.SUM:
        return total
    if aggregation == Aggregation.MEAN:
        return total / count
    if aggregation == Aggregation.MIN:
        return minimum
    if aggregation == Aggregation.MAX:
        return maximum
    return None


class IndicatorSeriesEnds(models.Model):
    """The first and the latest approved value (with a figure) of one unit's series of an
    indicator: all that the status and the composite score read of a series
    (``status.evaluate`` uses only the baseline and the latest point).

    Maintained with the roll-up (``rollup.refresh``) in the approving transaction; the
    provinces' composite reads it instead of probing every (province, indicator) pair."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    #: The unit's kind, copied (a unit keeps its kind): the provinces' 2 % of the rows are then
    #: one index range, not a scan of every commune's series.
    unit_kind = models.CharField(max_length=16)
    count = models.PositiveIntegerField()
    first_id = models.BigIntegerField()  # the IndicatorValue
    first_on = models.DateField()
    first_value = models.DecimalField(max_digits=20, decimal_places=6)
    last_id = models.BigIntegerField()
    last_on = models.DateField()
    last_value = models.DecimalField(max_digits=20, decimal_places=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "indicator"], name="indicator_series_ends_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["unit_kind", "indicator"], name="indicator_series_ends_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.org_unit_id}: {self.first_on} – {self.last_on}"


class IndicatorNationalRollup(models.Model):
    """The national figure rolled up from the units for one indicator and period, exactly as
    ``national.national_figures`` computes it (provinces' own values, else their communes';
    provinces merged into their successors; the indicator's aggregation), with the units'
    structure in force after its last recorded change (``IndicatorRollupStructure``).

    Kept for every period, whether or not a national value exists (the reader prefers the
    national value); coverage against the expected units is judged when read, since it
    depends on the date. Maintained by ``rollup.refresh`` in the approving transaction."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=80, blank=True)
    #: The figure as text: the exact ``Decimal`` the computation gave (no rounding by a
    #: column type, on any database); empty when it could not be rolled up.
    value = models.CharField(max_length=80, blank=True)
    reported = models.PositiveIntegerField()  # units (provinces or ministries) with a figure
    units = models.PositiveIntegerField()  # values counted (a weighted mean's note)
    missing_weights = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end", "period_start"],
                name="indicator_national_rollup_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_end}: {self.value or '-'}"


class IndicatorRollupStructure(models.Model):
    """One row: the fingerprint of the organisation units' structure (validity dates,
    successors, parents) that ``IndicatorNationalRollup`` was computed with. When the units
    change (a merger recorded), the fingerprint no longer matches and the readers compute
    from the values until the tables are rebuilt (``dondoc check-figures --repair``)."""

    fingerprint = models.CharField(max_length=200)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.fingerprint
