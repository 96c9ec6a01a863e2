"""The task list sorted by lead agency reads the name of each task's first lead unit from its
status spans (``TaskStatusSpan.task_lead_name``): kept when leads change and when a unit is
renamed, so the list is in the order the tasks' agencies give."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import OrgGroup, OrgKind, OrgUnit
from dondoc.orgs.services import UNIT_FIELDS, save_unit
from dondoc.tasks import services, spans, statements
from dondoc.tasks.filters import build_tasks, filtered_rows, parse_filters, task_rows
from dondoc.tasks.models import AgencyRole, SpanPart, TaskAgency, TaskStatusSpan

AS_OF = "2025-06-30"


@pytest.fixture
def led(program, notice, most, hanoi):
    """Four tasks: led by the ministry, by Hà Nội, by both, and by no unit."""
    day = dt.date(2025, 2, 1)

    def task(leads):
        return services.create_task(
            program=program,
            content="Hạ tầng số",
            assigned_on=day,
            deadline="Tháng 12/2025",
            sources=[(notice, "", "")],
            leads=leads,
        )

    return [task([most]), task([hanoi]), task([hanoi, most]), task([])]


def _names(task) -> set:
    return set(
        TaskStatusSpan.objects.filter(task=task, part=SpanPart.TASK).values_list(
            "task_lead_name", flat=True
        )
    )


def _listed(user, sort: str) -> list[int]:
    statements._KEPT.clear()
    _qs, _state, rows, _total = filtered_rows(user, {"as_of": AS_OF, "sort": sort}, 0, 50)
    return [r.pk for r in rows]


def _by_timeline(user, sort: str) -> list[int]:
    _state, values = parse_filters({"as_of": AS_OF, "sort": sort})
    rows, _total = task_rows(build_tasks(user, values), 0, 50)
    return [r.pk for r in rows]


@pytest.mark.django_db
def test_a_tasks_rows_carry_the_name_shown_of_its_first_lead_unit(led, most, hanoi):
    by_most, by_hanoi, by_both, by_none = led
    # The short names the list shows; Hà Nội, given first, for the task both lead.
    assert _names(by_most) == {"Bộ KH&CN"}
    assert _names(by_hanoi) == {"Hà Nội"}
    assert _names(by_both) == {"Hà Nội"}
    assert _names(by_none) == {None}
    other = TaskStatusSpan.objects.filter(task__in=led).exclude(part=SpanPart.TASK)
    assert set(other.values_list("task_lead_name", flat=True)) == {None}


@pytest.mark.django_db
def test_the_list_sorted_by_lead_agency_is_in_the_order_of_the_first_leads_names(led, clerk):
    by_most, by_hanoi, by_both, by_none = led
    # Ties (the same first lead) in id order; no lead unit last, either way.
    assert _listed(clerk, "lead") == [by_most.pk, by_hanoi.pk, by_both.pk, by_none.pk]
    assert _listed(clerk, "-lead") == [by_hanoi.pk, by_both.pk, by_most.pk, by_none.pk]
    for sort in ("lead", "-lead"):
        assert _listed(clerk, sort) == _by_timeline(clerk, sort)


def _rename(unit, by, **names):
    data = {name: getattr(unit, name) for name in UNIT_FIELDS} | names
    return save_unit(unit, data=data, aliases=[], by=by)


@pytest.mark.django_db
def test_renaming_a_unit_reorders_the_list_in_vietnamese_order(led, clerk, most, hanoi):
    by_most, by_hanoi, by_both, by_none = led
    most = _rename(most, clerk, short_name="Văn phòng Bộ")
    assert _names(by_most) == {"Văn phòng Bộ"}
    assert _listed(clerk, "lead") == [by_hanoi.pk, by_both.pk, by_most.pk, by_none.pk]
    # In Vietnamese order "Đ" comes after "D" and before "H" (in code points, after "Z").
    _rename(most, clerk, short_name="", name="Đảng ủy Bộ")
    assert _names(by_most) == {"Đảng ủy Bộ"}
    assert _listed(clerk, "lead") == [by_most.pk, by_hanoi.pk, by_both.pk, by_none.pk]
    _rename(hanoi, clerk, short_name="Cần Thơ")
    assert _names(by_hanoi) == _names(by_both) == {"Cần Thơ"}
    assert _listed(clerk, "lead") == [by_hanoi.pk, by_both.pk, by_most.pk, by_none.pk]
    for sort in ("lead", "-lead"):
        assert _listed(clerk, sort) == _by_timeline(clerk, sort)
    assert list(spans.differences()) == []


@pytest.mark.django_db
def test_a_task_led_only_by_a_collective_agency_sorts_by_its_name(
    led, program, notice, clerk, reporter, most
):
    by_most, by_hanoi, by_both, by_none = led
    ensure_standard_groups()
    provinces = OrgGroup.objects.get(code="tinh-thanh-pho")  # "Các tỉnh, thành phố"

    def task(leads):
        return services.create_task(
            program=program,
            content="Chuyển đổi số",
            assigned_on=dt.date(2025, 2, 1),
            deadline="Tháng 12/2025",
            sources=[(notice, "", "")],
            leads=leads,
        )

    collective, mixed = task([provinces]), task([provinces, most])
    assert _names(collective) == {"Các tỉnh, thành phố"}  # what its row shows as its lead
    assert _names(mixed) == {"Bộ KH&CN"}  # a unit leads it too: the unit's name
    # "Bộ KH&CN" < "Các tỉnh, thành phố" < "Hà Nội"; still nothing leads the last one.
    order = [by_most.pk, mixed.pk, collective.pk, by_hanoi.pk, by_both.pk, by_none.pk]
    assert _listed(clerk, "lead") == order
    descending = [by_hanoi.pk, by_both.pk, collective.pk, by_most.pk, mixed.pk, by_none.pk]
    assert _listed(clerk, "-lead") == descending  # ties in id order either way

    provinces.name = "Ủy ban nhân dân các tỉnh, thành phố"  # renamed: the list follows
    provinces.save()
    assert _names(collective) == {"Ủy ban nhân dân các tỉnh, thành phố"}
    assert _names(mixed) == {"Bộ KH&CN"}
    assert _listed(clerk, "lead") == [
        by_most.pk, mixed.pk, by_hanoi.pk, by_both.pk, collective.pk, by_none.pk
    ]  # fmt: skip
    for user in (clerk, reporter):
        for sort in ("lead", "-lead"):
            assert _listed(user, sort) == _by_timeline(user, sort)
    assert list(spans.differences()) == []


@pytest.mark.django_db
def test_a_lead_added_or_removed_through_the_models_moves_the_task(led, clerk, most, hanoi):
    _by_most, _by_hanoi, by_both, by_none = led
    agency = TaskAgency.objects.create(task=by_none, org_unit=most, role=AgencyRole.LEAD)
    assert _names(by_none) == {"Bộ KH&CN"}
    TaskAgency.objects.get(task=by_both, org_unit=hanoi).delete()
    assert _names(by_both) == {"Bộ KH&CN"}
    agency.delete()
    assert _names(by_none) == {None}
    assert list(spans.differences()) == []
    for sort in ("lead", "-lead"):
        assert _listed(clerk, sort) == _by_timeline(clerk, sort)


@pytest.mark.django_db
def test_a_save_that_keeps_the_names_rewrites_no_row(led, hanoi, monkeypatch):
    calls = []
    monkeypatch.setattr(spans, "renamed", calls.append)
    unit = OrgUnit.objects.get(pk=hanoi.pk)
    unit.kind = OrgKind.OTHER
    unit.save()
    assert calls == []
    unit.short_name = "Thủ đô Hà Nội"
    unit.save()
    assert calls == [hanoi.pk]


@pytest.mark.django_db
def test_a_rename_rewrites_the_rows_of_the_tasks_it_leads_first(led, most, hanoi):
    by_most, by_hanoi, by_both, _by_none = led  # Hà Nội is the first lead of both
    rows = TaskStatusSpan.objects.filter(part=SpanPart.TASK)
    assert spans.renamed(most.pk) == rows.filter(task=by_most).count()
    assert spans.renamed(hanoi.pk) == rows.filter(task__in=[by_hanoi, by_both]).count()
