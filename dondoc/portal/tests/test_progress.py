"""The public progress page: no login, only what is public and published, rules stated, cached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from dondoc.indicators import services as indicators
from dondoc.indicators.collection import parse_report_period
from dondoc.indicators.models import IndicatorValue, Target
from dondoc.indicators.tests.collection_world import (  # noqa: F401  (fixtures)
    hg_old,
    share,
    tq_new,
    tq_old,
)
from dondoc.tasks import services
from dondoc.tasks.models import ClosureKind, Program, UpdateState

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "Bản nháp chưa duyệt: đã hoàn thành"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_program(program, most, clerk):
    """Three tasks of group 1: one completed (published), one completed only in a draft, one
    overdue; a public indicator with an approved and a newer draft value; a private one."""
    program.public = True
    program.save()
    group = program.groups.get(number=1)
    today = dt.date.today()
    tasks = [
        services.create_task(
            program=program,
            content=f"Nhiệm vụ {n}",
            assigned_on=today - dt.timedelta(days=100),
            deadline=(today - dt.timedelta(days=10)).strftime("%d/%m/%Y"),
            group=group,
            leads=[most],
        )
        for n in range(3)
    ]
    services.post_update(
        tasks[0], by=clerk, text="Đã ban hành", status_change=ClosureKind.COMPLETED
    )
    services.post_update(
        tasks[1],
        by=clerk,
        text=DRAFT_TEXT,
        status_change=ClosureKind.COMPLETED,
        state=UpdateState.DRAFT,
    )
    shown, _ = indicators.upsert_indicator(
        program=program,
        code="PB-1",
        fields={"name": "Tỷ lệ dịch vụ công trực tuyến", "unit": "%", "public": True},
    )
    Target.objects.create(
        indicator=shown, due_on=dt.date(2030, 12, 31), operator="ge", value=80, text="≥ 80%"
    )
    for value, state, end in ((Decimal("41.5"), "approved", 2024), (Decimal("99"), "draft", 2025)):
        indicators.record_value(
            shown,
            period_start=dt.date(end, 1, 1),
            period_end=dt.date(end, 3, 31),
            value=value,
            state=state,
        )
    private, _ = indicators.upsert_indicator(
        program=program, code="KN-9", fields={"name": "Chỉ số nội bộ", "public": False}
    )
    indicators.record_value(
        private,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        value=Decimal(7),
        state="approved",
    )
    return program


def test_anyone_sees_published_counts_and_public_indicators_only(client, public_program):
    response = client.get(reverse("portal:progress"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["totals"]["assigned"] == 3
    assert figures["totals"]["completed"] == 1  # the draft completion does not count
    assert figures["totals"]["overdue"] == 2
    text = response.content.decode()
    assert DRAFT_TEXT not in text
    assert "PB-1" in text and "41,5" in text and "31/03/2024" in text and "≥ 80%" in text
    assert "99" not in [i["value"] for i in figures["indicators"]]
    assert "KN-9" not in text and "Chỉ số nội bộ" not in text
    # Every aggregate states its rule.
    assert "Tỷ lệ hoàn thành" in text and "trọng số" in text


def test_page_may_be_kept_a_minute_by_any_cache_and_sets_no_cookie(client, public_program, clerk):
    first = client.get(reverse("portal:progress"))
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert not first.cookies  # Vary: Cookie only because the language is chosen by a cookie
    task = public_program.tasks.get(content="Nhiệm vụ 2")
    services.post_update(task, by=clerk, text="Xong", status_change=ClosureKind.COMPLETED)
    # Within the minute the page comes from the cache; then it is computed again.
    assert client.get(reverse("portal:progress")).content == first.content
    cache.clear()
    assert client.get(reverse("portal:progress")).context["figures"]["totals"]["completed"] == 2


def test_only_public_programs_are_offered(client, public_program):
    hidden = Program.objects.create(code="KH-NOIBO", name="Kế hoạch nội bộ")
    assert client.get(reverse("portal:progress"), {"program": hidden.code}).status_code == 404
    assert client.get(reverse("portal:progress"), {"program": "x" * 500}).status_code == 404
    assert "Kế hoạch nội bộ" not in client.get(reverse("portal:progress")).content.decode()
    public_program.public = False
    public_program.save()
    cache.clear()  # a minute later
    assert client.get(reverse("portal:progress")).status_code == 404


def test_a_province_only_indicator_shows_its_roll_up_and_warns_when_incomplete(
    client,
    program,
    share,  # noqa: F811
    tq_new,  # noqa: F811
):
    program.public = True
    program.save()
    share.public = True
    share.save()
    period = parse_report_period("2025-Q3")
    IndicatorValue.objects.create(
        indicator=share,
        org_unit=tq_new,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        value=Decimal("25.5"),
        state="approved",
    )
    text = client.get(reverse("portal:progress")).content.decode()
    assert "25,5" in text and "tổng hợp từ 1/2 tỉnh, thành phố" in text
    assert "chưa đủ số liệu" in text
