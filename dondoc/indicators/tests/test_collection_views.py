"""The entry form, its XLSX template and the reporting-status page, as their users use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
from dondoc.core.xlsx_reader import read_xlsx_table
from dondoc.indicators import services
from dondoc.indicators.models import IndicatorValue, ValueState
from dondoc.indicators.tests.collection_world import Q2, Q3
from dondoc.rounds.services import open_round

ENTRY = reverse("indicators:entry")


def _url(agency, period=Q3) -> str:
    return f"{ENTRY}?agency={agency.pk}&period={period.code}"


def _key(indicator, unit) -> str:
    return f"{indicator.pk}-{unit.pk}"


@pytest.fixture
def entering(client, tq_reporter, share, firms, firms_ai):
    client.force_login(tq_reporter)
    return client


def test_the_form_shows_only_the_agencys_indicators_with_the_previous_value_and_unit(
    entering, tq_new, tq_old, share, firms, economy
):
    row = services.save_value(
        share, org_unit=tq_old, period_start=Q2.start, period_end=Q2.end, value=Decimal("40.5")
    )[0]
    IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)
    row = services.save_value(
        share, org_unit=tq_new, period_start=Q2.start, period_end=Q2.end, value=Decimal("41")
    )[0]  # the new unit's own earlier figure (entered after the merger for Q2)
    IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)

    page = entering.get(_url(tq_new)).content.decode()

    assert "Tỷ lệ hộ gia đình có cáp quang" in page and "Số doanh nghiệp công nghệ số" in page
    assert "Quy mô kinh tế số" not in page  # the ministry's national figure
    assert ">41<" in page and "doanh nghiệp" in page


def test_another_agencys_form_does_not_exist(entering, hanoi):
    assert entering.get(_url(hanoi)).status_code == 404


def test_a_reporter_saves_vietnamese_figures_as_drafts(entering, tq_new, share, firms):
    response = entering.post(
        _url(tq_new),
        {"action": "save", f"v-{_key(share, tq_new)}": "25,5", f"v-{_key(firms, tq_new)}": "1.234"},
    )
    assert response.status_code == 302
    values = dict(IndicatorValue.objects.values_list("indicator__code", "value"))
    assert values == {"21": Decimal("25.5"), "22": Decimal(1234)}
    assert set(IndicatorValue.objects.values_list("state", flat=True)) == {"draft"}


def test_text_a_percentage_over_100_and_a_missing_reason_are_refused(
    entering, tq_new, share, firms
):
    response = entering.post(
        _url(tq_new),
        {
            "action": "save",
            f"v-{_key(share, tq_new)}": "120",
            f"v-{_key(firms, tq_new)}": "abc",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not IndicatorValue.objects.exists()
    assert "“abc”" in page and "100" in page


def test_a_jump_is_a_warning_the_reporter_confirms(entering, tq_new, share):
    row = services.save_value(
        share, org_unit=tq_new, period_start=Q2.start, period_end=Q2.end, value=Decimal(20)
    )[0]
    IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)
    form = {"action": "save", f"v-{_key(share, tq_new)}": "45"}

    warned = entering.post(_url(tq_new), form)
    assert warned.status_code == 200 and "entry-warnings" in warned.content.decode()
    assert not IndicatorValue.objects.filter(period_end=Q3.end).exists()

    assert entering.post(_url(tq_new), {**form, "confirm": "1"}).status_code == 302
    saved = IndicatorValue.objects.get(period_end=Q3.end)
    assert saved.value == 45 and saved.jump_confirmed


def test_not_available_with_its_reason(entering, tq_new, share):
    key = _key(share, tq_new)
    entering.post(_url(tq_new), {"action": "save", f"na-{key}": "1", f"r-{key}": "Chưa điều tra"})
    assert IndicatorValue.objects.get().not_available == "Chưa điều tra"


def test_sub_indicators_above_their_sum_parent_are_refused(entering, tq_new, firms, firms_ai):
    response = entering.post(
        _url(tq_new),
        {"action": "save", f"v-{_key(firms, tq_new)}": "10", f"v-{_key(firms_ai, tq_new)}": "12"},
    )
    assert response.status_code == 200 and "22.1" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_the_head_submits_and_the_working_group_approves_or_returns(
    client, tq_new, share, firms, firms_ai, tq_head, tracker
):
    client.force_login(tq_head)
    form = {"action": "submit", f"v-{_key(share, tq_new)}": "30"}
    refused = client.post(_url(tq_new), form)  # 22 and 22.1 are still empty
    assert refused.status_code == 200 and not IndicatorValue.objects.exists()
    form |= {f"v-{_key(firms, tq_new)}": "12", f"v-{_key(firms_ai, tq_new)}": "3"}
    assert client.post(_url(tq_new), form).status_code == 302
    assert set(IndicatorValue.objects.values_list("state", flat=True)) == {"submitted"}

    client.force_login(tracker)
    assert reverse("indicators:entry") in client.get(ENTRY + f"?period={Q3.code}").content.decode()
    client.post(_url(tq_new), {"action": "return"})  # a return says why
    assert set(IndicatorValue.objects.values_list("state", flat=True)) == {"submitted"}
    client.post(_url(tq_new), {"action": "approve"})
    assert set(IndicatorValue.objects.values_list("state", flat=True)) == {"approved"}
    assert client.post(_url(tq_new), {"action": "approve"}).status_code == 302  # nothing left


def _template(client, agency) -> bytes:
    response = client.get(
        reverse("indicators:entry-template") + f"?agency={agency.pk}&period={Q3.code}"
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _with_values(data: bytes, values: dict[str, object]) -> bytes:
    """The template with column F filled by indicator code."""
    table = read_xlsx_table(data)
    book = new_workbook()
    sheet = book.active
    for number, row in enumerate(table, start=1):
        row = (list(row) + [None] * 9)[:9]
        if number >= 3 and row[0] in values:
            row[5] = values[row[0]]
        append_row(sheet, row)
    return workbook_bytes(book)


def test_the_xlsx_template_round_trips(entering, tq_new, share, firms, firms_ai):
    data = _with_values(_template(entering, tq_new), {"21": 25.5, "22": "1.200", "22.1": 7})
    upload = SimpleUploadedFile("so-lieu.xlsx", data)
    response = entering.post(_url(tq_new), {"action": "upload", "file": upload})
    assert response.status_code == 302
    values = dict(IndicatorValue.objects.values_list("indicator__code", "value"))
    assert values == {"21": Decimal("25.5"), "22": Decimal(1200), "22.1": Decimal(7)}
    again = read_xlsx_table(_template(entering, tq_new))
    assert [row[5] for row in again[2:]] == [25.5, 1200, 7]


def test_a_bad_cell_is_named_and_nothing_is_saved(entering, tq_new, share, firms, firms_ai):
    data = _with_values(_template(entering, tq_new), {"21": 25, "22": "abc"})
    response = entering.post(
        _url(tq_new), {"action": "upload", "file": SimpleUploadedFile("x.xlsx", data)}
    )
    page = response.content.decode()
    assert "F4: “abc”" in page
    assert not IndicatorValue.objects.exists()


def test_reporting_status_counts_before_and_after_the_merger(
    client, tracker, share, hanoi, tq_old, hg_old, tq_new, tq_head
):
    for unit, period in [(hanoi, Q2), (tq_old, Q2), (tq_new, Q3)]:
        row = services.save_value(
            share, org_unit=unit, period_start=period.start, period_end=period.end, value=Decimal(1)
        )[0]
        services.submit_values([row], by=tq_head)
    client.force_login(tracker)
    before = client.get(reverse("indicators:reporting-status") + "?period=Quý II/2025")
    after = client.get(reverse("indicators:reporting-status") + "?period=2025-Q3")
    assert "2/3" in before.content.decode() and "Hà Giang" in before.content.decode()
    assert "1/2" in after.content.decode() and "Hà Nội" in after.content.decode()
    bad = client.get(reverse("indicators:reporting-status") + "?period=Quý V/2025")
    assert bad.status_code == 400


def test_a_quarterly_round_asks_for_the_indicator_values(
    entering, client, tracker, tq_new, clerk, share
):
    round_ = open_round(
        program=share.program,
        title="Quý III/2025",
        period_start=Q3.start,
        period_end=Q3.end,
        due_on=Q3.end,
        agencies=[tq_new],
        requires_indicator_values=True,
        by=clerk,
    )
    page = entering.get(f"{ENTRY}?agency={tq_new.pk}&round={round_.pk}").content.decode()
    assert "Quý III/2025" in page and "Tỷ lệ hộ gia đình có cáp quang" in page
    client.force_login(tracker)
    status = client.get(reverse("indicators:reporting-status") + "?period=2025-Q3")
    assert "Quý III/2025 (" in status.content.decode()  # the round, with its due date


def test_the_indicator_page_shows_a_draft_only_inside_its_agency(
    client, share, tq_new, tq_reporter, other_reporter, tracker
):
    services.save_value(
        share, org_unit=tq_new, period_start=Q3.start, period_end=Q3.end, value=Decimal("77.7")
    )
    url = reverse("indicators:detail", args=[share.pk])
    for user, shown in [(tq_reporter, True), (tracker, True), (other_reporter, False)]:
        client.force_login(user)
        assert ("77,7" in client.get(url).content.decode()) is shown, user
