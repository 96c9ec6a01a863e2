"""The indicator page draws its chart and province map in headless chromium."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from dondoc.conftest import PASSWORD
from dondoc.indicators import services
from dondoc.indicators.models import Indicator, Target

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_indicator_page_draws_the_series_and_the_map(page, program, hanoi, clerk):
    indicator = Indicator.objects.create(program=program, code="7", name="Tỉ lệ", unit="%")
    Target.objects.create(
        indicator=indicator, due_on=dt.date(2030, 12, 31), operator="ge", value=80, text="≥ 80"
    )
    for year, value in ((2021, 30), (2023, 40), (2025, 50)):
        services.record_value(
            indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(value),
            state="approved",
        )
    services.record_value(
        indicator,
        org_unit=hanoi,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        value=Decimal(45),
        state="approved",
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"{page.base_url}/indicators/{indicator.pk}/?as_of=31/12/2025")

    page.locator("#indicator-chart canvas").first.wait_for()
    page.locator("#indicator-map canvas").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "indicator-page.png"), full_page=True)
    assert errors == []
    assert "Đúng tiến độ" in page.content()  # 30 → 50 in four years; 80 by 2030 needs less
