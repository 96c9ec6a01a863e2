"""The plain-SQL reads of the list and the composite give what the ORM queries they replace
gave: the same rows and columns, the related objects, the catalogue order, and a fixed number
of statements for any number of indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.test.utils import CaptureQueriesContext

from dondoc.indicators import composite, national, reads, rollup
from dondoc.indicators.models import Indicator, IndicatorValue, StatusOverride, Target
from dondoc.indicators.queries import catalogue
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.tasks.models import SolutionGroup

pytestmark = pytest.mark.django_db

END = dt.date(2026, 3, 31)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def indicators(program, hanoi, most):
    groups = list(SolutionGroup.objects.filter(program=program).order_by("number")[:2])
    made = []
    for n in range(12):
        indicator = Indicator.objects.create(
            program=program,
            code=f"{12 - n}",  # created out of catalogue order
            name=f"Chỉ tiêu {n}",
            unit="%",
            aggregation="sum",
            levels=["province"],
            group=groups[n % 2] if n % 3 else None,
            responsible_agency=most if n % 2 else None,
            baseline_value=Decimal("1.5") if n % 4 == 0 else None,
            baseline_on=dt.date(2024, 12, 31) if n % 4 == 0 else None,
        )
        Target.objects.create(indicator=indicator, due_on=dt.date(2030, 12, 31), operator="ge",
                              value=Decimal(80 + n), text=f"≥ {80 + n}")  # fmt: skip
        Target.objects.create(indicator=indicator, due_on=dt.date(2045, 12, 31), operator="range",
                              low=Decimal(1), high=Decimal("2.5"), text="1 - 2,5")  # fmt: skip
        for month, value in ((1, "10.25"), (2, None), (3, "12")):
            start = dt.date(2026, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            IndicatorValue.objects.create(
                indicator=indicator, org_unit=hanoi, period_start=start, period_end=end,
                value=Decimal(value) * n if value else None, state="approved",
                not_available="" if value else "Chưa có",
            )  # fmt: skip
        made.append(indicator)
    IndicatorValue.objects.create(
        indicator=made[0], period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31),
        value=Decimal(99), state="approved",
    )  # fmt: skip
    StatusOverride.objects.create(indicator=made[1], status="on_track", reason="Đã kiểm tra",
                                  set_on=dt.date(2026, 2, 1))  # fmt: skip
    rollup.rebuild()
    return made


def test_indicators_come_as_the_orm_gives_them_with_shared_related_objects(program, indicators):
    queryset = Indicator.objects.filter(program=program)
    expected = list(queryset.select_related("group", "responsible_agency", "program"))
    got = reads.indicators(queryset)
    assert [i.pk for i in got] == [i.pk for i in expected]  # catalogue order
    for mine, theirs in zip(got, expected, strict=True):
        assert _fields(mine) == _fields(theirs)
        for related in ("group", "responsible_agency", "program"):
            a, b = getattr(mine, related), getattr(theirs, related)
            assert (a and _fields(a)) == (b and _fields(b))
        assert not mine._state.adding and mine._state.db == theirs._state.db
    # one object per group, not one per indicator
    grouped = [i.group for i in got if i.group]
    assert len({id(g) for g in grouped}) == len({g.pk for g in grouped}) == 2
    # an explicit order is kept
    reverse = reads.indicators(queryset.order_by("-code"))
    assert [i.code for i in reverse] == list(
        queryset.order_by("-code").values_list("code", flat=True)
    )


def test_targets_and_structure_match_the_orm(program, indicators):
    got = reads.with_targets(Indicator.objects.filter(program=program))
    for indicator in got:
        expected = list(Target.objects.filter(indicator=indicator).order_by("due_on", "id"))
        assert [_fields(t) for t in reads.targets_of(indicator)] == [_fields(t) for t in expected]
        assert all(t.indicator is indicator for t in reads.targets_of(indicator))
    # the units' fingerprint is the one the roll-up tables were stamped with
    expected = OrgUnit.objects.filter(
        kind__in=[OrgKind.PROVINCE, OrgKind.MINISTRY, OrgKind.COMMUNE]
    ).aggregate(
        n=Count("id"), top=Max("id"), start=Max("valid_from"), end=Max("valid_to"),
        parents=Sum(F("parent_id")), successors=Sum(F("successor_id")),
        provinces=Count("id", filter=Q(kind=OrgKind.PROVINCE)),
    )  # fmt: skip
    text = "|".join(str(expected[k]) for k in ("n", "top", "start", "end", "parents", "successors"))
    assert national.structure() == (text, None, expected["provinces"])
    assert national.table_answers(END, None)


def test_the_list_and_the_composite_read_a_fixed_number_of_statements(program, indicators):
    queryset = Indicator.objects.filter(program=program)
    with CaptureQueriesContext(connection) as list_queries:
        rows = catalogue(queryset, END, ends_only=True)
    # indicators, targets, structure, national ends, roll-ups, overrides
    assert len(list_queries) == 6
    first = next(r for r in rows if r.indicator.pk == indicators[0].pk)
    assert first.latest.value == Decimal(0)  # its national 99 in January, then March's roll-up
    assert first.latest.period_end == END
    assert next(r for r in rows if r.indicator.pk == indicators[1].pk).override.reason
    exact = national.national_figures(indicators, END, exact=True)
    for row in rows:
        assert row.national.latest.row.value == exact[row.indicator.pk].latest.row.value
    with CaptureQueriesContext(connection) as composite_queries:
        chosen = reads.with_targets(queryset)
        indexes = composite.by_province(chosen, END)
    assert len(composite_queries) == 4  # indicators, targets, weight changes, series ends
    assert [x.label for x in indexes] == ["Thành ủy Hà Nội"]
    assert len(indexes[0].scores) == 12
