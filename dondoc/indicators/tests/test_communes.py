"""Commune-level collection: a province enters its communes' values (a commune with an account
enters its own), the head submits, the Working Group approves; the policy keeps each province
to its own communes; the reporting status counts submitted and approved values apart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dondoc.accounts.models import ApiToken
from dondoc.accounts.policy import can
from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
from dondoc.core.xlsx_reader import read_xlsx_table
from dondoc.indicators import services
from dondoc.indicators.collection import (
    completeness,
    previous_values,
    slots_for_agency,
    visible_values,
)
from dondoc.indicators.models import Indicator, IndicatorValue, ValueState
from dondoc.indicators.tests.collection_world import MERGER, Q2, Q3
from dondoc.orgs.models import OrgKind, OrgUnit

ENTRY = reverse("indicators:entry")
TEMPLATE = reverse("indicators:entry-template")


def _communes_url(province, period=Q3) -> str:
    return f"{ENTRY}?agency={province.pk}&period={period.code}&communes=1"


def _key(indicator, unit) -> str:
    return f"{indicator.pk}-{unit.pk}"


def _value(indicator, unit, figure, state=ValueState.DRAFT, period=Q3) -> IndicatorValue:
    row = services.save_value(
        indicator,
        org_unit=unit,
        period_start=period.start,
        period_end=period.end,
        value=Decimal(figure),
    )[0]
    if state != ValueState.DRAFT:
        IndicatorValue.objects.filter(pk=row.pk).update(state=state)
    return row


def api_post(client, user, indicator, body):
    _token, key = ApiToken.issue(user, "test", scopes="read,write")
    return client.post(
        f"/api/indicators/{indicator.pk}/values",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


# The policy ----------------------------------------------------------------------------------


def test_a_province_enters_and_submits_for_its_own_communes_only(
    tq_reporter, tq_head, hn_reporter, ward_reporter, tq_wards, hn_wards, tq_new
):
    minh_xuan, _nong_tien, ha_giang_1 = tq_wards
    assert can(tq_reporter, "indicator.enter", minh_xuan)
    assert can(tq_head, "indicator.submit", minh_xuan)
    assert not can(tq_reporter, "indicator.submit", minh_xuan)  # the head submits
    assert not can(tq_reporter, "indicator.enter", hn_wards[0])
    assert not can(hn_reporter, "indicator.enter", minh_xuan)
    assert not can(tq_reporter, "indicator.approve", minh_xuan)
    # A ward with an account enters its own values, not its sibling's nor its province's.
    assert can(ward_reporter, "indicator.enter", ha_giang_1)
    assert not can(ward_reporter, "indicator.enter", minh_xuan)
    assert not can(ward_reporter, "indicator.enter", tq_new)


def test_drafts_of_communes_stay_inside_their_province(
    online, tq_reporter, hn_reporter, ward_reporter, tracker, tq_wards, hn_wards
):
    tq_draft = _value(online, tq_wards[0], 60)
    hn_draft = _value(online, hn_wards[0], 70)
    _value(online, tq_wards[2], 80)

    def seen(user):
        return set(visible_values(user, IndicatorValue.objects.all()).values_list("pk", flat=True))

    assert tq_draft.pk in seen(tq_reporter) and hn_draft.pk not in seen(tq_reporter)
    assert hn_draft.pk in seen(hn_reporter) and tq_draft.pk not in seen(hn_reporter)
    assert {v.org_unit for v in IndicatorValue.objects.filter(pk__in=seen(ward_reporter))} == {
        tq_wards[2]
    }
    assert len(seen(tracker)) == 3


# Who reports what ----------------------------------------------------------------------------


def test_the_commune_form_lists_each_commune_of_the_province_for_commune_level_indicators(
    online, share, tq_new, tq_wards, hn_wards, ward_reporter
):
    indicators = Indicator.objects.all()
    slots = slots_for_agency(indicators, tq_new, Q3, communes=True)
    assert [(s.indicator.code, s.unit.name) for s in slots] == [
        ("31", "Phường Hà Giang 1"),
        ("31", "Phường Minh Xuân"),
        ("31", "Phường Nông Tiến"),
    ]
    assert [s.indicator.code for s in slots_for_agency(indicators, tq_new, Q3)] == ["21", "31"]
    (own,) = slots_for_agency(indicators, tq_wards[2], Q3)
    assert (own.indicator, own.unit) == (online, tq_wards[2])
    assert slots_for_agency(indicators, tq_new, Q2, communes=True) == []  # before the wards


def test_another_provinces_commune_forms_do_not_exist(client, online, tq_reporter, hanoi, hn_wards):
    client.force_login(tq_reporter)
    assert client.get(_communes_url(hanoi)).status_code == 404
    assert client.get(f"{ENTRY}?agency={hn_wards[0].pk}&period={Q3.code}").status_code == 404
    assert client.get(f"{TEMPLATE}?agency={hanoi.pk}&period={Q3.code}&communes=1").status_code == (
        404
    )


def test_a_posted_key_of_another_provinces_ward_is_not_saved(
    client, online, tq_reporter, tq_new, tq_wards, hn_wards
):
    client.force_login(tq_reporter)
    response = client.post(
        _communes_url(tq_new),
        {
            "action": "save",
            f"v-{_key(online, tq_wards[0])}": "61,5",
            f"v-{_key(online, hn_wards[0])}": "50",
        },
    )
    assert response.status_code == 302
    assert list(IndicatorValue.objects.values_list("org_unit__name", "value")) == [
        ("Phường Minh Xuân", Decimal("61.5"))
    ]


def test_the_province_form_links_to_its_communes_form(client, online, tq_reporter, tq_new):
    client.force_login(tq_reporter)
    page = client.get(f"{ENTRY}?agency={tq_new.pk}&period={Q3.code}").content.decode()
    assert "communes=1" in page and "3 xã, phường" in page


# The XLSX template of the communes ------------------------------------------------------------


def _template(client, province) -> bytes:
    response = client.get(f"{TEMPLATE}?agency={province.pk}&period={Q3.code}&communes=1")
    assert response.status_code == 200
    return response.content


def _filled(data: bytes, values: dict[str, object], extra: list | None = None) -> bytes:
    """The template with column F filled by the unit named in column D."""
    book = new_workbook()
    sheet = book.active
    for number, row in enumerate(read_xlsx_table(data), start=1):
        row = (list(row) + [None] * 9)[:9]
        if number >= 3 and row[3] in values:
            row[5] = values[row[3]]
        append_row(sheet, row)
    for row in extra or []:
        append_row(sheet, row)
    return workbook_bytes(book)


def test_the_communes_template_round_trips_and_the_head_submits_them(
    client, online, share, tq_reporter, tq_head, tracker, tq_new, tq_wards
):
    province_draft = _value(share, tq_new, 40)
    client.force_login(tq_reporter)
    data = _template(client, tq_new)
    table = read_xlsx_table(data)
    assert [row[3] for row in table[2:]] == [
        "Phường Hà Giang 1",
        "Phường Minh Xuân",
        "Phường Nông Tiến",
    ]
    filled = _filled(
        data, {"Phường Hà Giang 1": 70, "Phường Minh Xuân": "61,5", "Phường Nông Tiến": 55}
    )
    response = client.post(
        _communes_url(tq_new), {"action": "upload", "file": SimpleUploadedFile("x.xlsx", filled)}
    )
    assert response.status_code == 302
    assert dict(
        IndicatorValue.objects.filter(indicator=online).values_list("org_unit__name", "value")
    ) == {
        "Phường Hà Giang 1": Decimal(70),
        "Phường Minh Xuân": Decimal("61.5"),
        "Phường Nông Tiến": Decimal(55),
    }
    assert [row[5] for row in read_xlsx_table(_template(client, tq_new))[2:]] == [70, 61.5, 55]

    client.force_login(tq_head)
    shown = {
        f"v-{_key(online, w)}": str(v.value) for w in tq_wards for v in w.indicator_values.all()
    }
    assert client.post(_communes_url(tq_new), {"action": "submit", **shown}).status_code == 302
    states = dict(IndicatorValue.objects.values_list("org_unit__name", "state"))
    assert {states[w.name] for w in tq_wards} == {"submitted"}
    province_draft.refresh_from_db()
    assert province_draft.state == ValueState.DRAFT  # the province's own form submits it

    client.force_login(tracker)
    waiting = client.get(f"{ENTRY}?period={Q3.code}").content.decode()
    assert "communes=1" in waiting
    client.post(_communes_url(tq_new), {"action": "approve"})
    assert set(IndicatorValue.objects.filter(indicator=online).values_list("state", flat=True)) == {
        "approved"
    }


def test_a_bad_communes_template_names_each_cell_and_saves_nothing(
    client, online, tq_reporter, tq_new, tq_wards, hn_wards
):
    client.force_login(tq_reporter)
    data = _filled(
        _template(client, tq_new),
        {"Phường Hà Giang 1": "abc", "Phường Minh Xuân": 120, "Phường Nông Tiến": 50},
        extra=[["31", "", "%", "Phường Hoàn Kiếm", None, 50, "", "", _key(online, hn_wards[0])]],
    )
    response = client.post(
        _communes_url(tq_new), {"action": "upload", "file": SimpleUploadedFile("x.xlsx", data)}
    )
    page = response.content.decode()
    assert "F3: “abc”" in page
    assert "I6:" in page  # another province's ward: not a row of this form
    assert "Phường Minh Xuân" in page and "100" in page  # F4: a percentage over 100
    assert not IndicatorValue.objects.exists()


def test_a_ward_with_an_account_enters_its_own_value(client, online, ward_reporter, tq_wards):
    ward = tq_wards[2]
    client.force_login(ward_reporter)
    url = f"{ENTRY}?agency={ward.pk}&period={Q3.code}"
    assert client.post(url, {"action": "save", f"v-{_key(online, ward)}": "75"}).status_code == 302
    assert IndicatorValue.objects.get().org_unit == ward
    sibling = f"{ENTRY}?agency={tq_wards[0].pk}&period={Q3.code}"
    assert client.get(sibling).status_code == 404


def test_the_api_takes_a_communes_value_from_its_province_only(
    client, online, tq_reporter, hn_reporter, tq_wards
):
    body = {"org_unit": tq_wards[0].pk, "period": "2025-Q3", "value": "62"}
    assert api_post(client, hn_reporter, online, body).status_code == 404
    response = api_post(client, tq_reporter, online, body)
    assert response.status_code == 201, response.content
    assert IndicatorValue.objects.get().org_unit == tq_wards[0]


# Completeness --------------------------------------------------------------------------------


def test_completeness_counts_submitted_and_approved_apart_with_communes(
    online, share, hanoi, tq_new, tq_wards, hn_wards
):
    _value(online, tq_new, 50, ValueState.APPROVED)
    _value(online, hanoi, 60, ValueState.SUBMITTED)
    _value(online, tq_wards[0], 40, ValueState.APPROVED)
    _value(online, tq_wards[1], 45, ValueState.SUBMITTED)
    _value(online, hn_wards[0], 45, ValueState.DRAFT)  # a draft has not answered
    _value(share, hanoi, 10, ValueState.SUBMITTED)

    rows = {r.indicator.code: r for r in completeness(Indicator.objects.all(), Q3)}

    assert (len(rows["31"].submitted), len(rows["31"].approved), len(rows["31"].expected)) == (
        2,
        1,
        2,
    )
    assert (
        rows["31"].communes_submitted,
        rows["31"].communes_approved,
        rows["31"].communes_expected,
    ) == (2, 1, 5)
    assert (len(rows["21"].submitted), len(rows["21"].approved)) == (1, 0)
    assert rows["21"].communes_expected == 0
    assert [s.unit for s in rows["21"].missing] == [tq_new]


def test_the_reporting_status_page_leads_with_the_approved_count_and_states_the_rule(
    client, tracker, online, hanoi, tq_new, tq_wards
):
    _value(online, tq_new, 50, ValueState.APPROVED)
    _value(online, hanoi, 60, ValueState.SUBMITTED)
    _value(online, tq_wards[0], 40, ValueState.APPROVED)
    client.force_login(tracker)
    page = client.get(reverse("indicators:reporting-status") + f"?period={Q3.code}")
    text = page.content.decode()
    assert "2/2 tỉnh, thành phố đã báo cáo, 1 đã duyệt" in text
    assert "1/5 xã, phường đã báo cáo, 1 đã duyệt" in text
    assert "1/2 giá trị đã duyệt" in text  # the headline
    assert 'id="status-rule"' in text


# The breakdown: a province drills down to its communes ---------------------------------------


def test_the_breakdown_drills_down_from_a_province_to_its_communes(
    client, tracker, online, hanoi, tq_new, tq_wards, hn_wards
):
    _value(online, tq_new, 50, ValueState.APPROVED)
    _value(online, tq_wards[0], 40, ValueState.APPROVED)
    _value(online, tq_wards[1], 45, ValueState.APPROVED)
    _value(online, tq_wards[2], 99, ValueState.SUBMITTED)  # not approved: not shown
    _value(online, hn_wards[0], 70, ValueState.APPROVED)  # Hà Nội has no value of its own
    client.force_login(tracker)
    url = reverse("indicators:detail", args=[online.pk]) + "?as_of=2025-12-31"
    page = client.get(url).content.decode()
    table = page[page.index('id="unit-breakdown"') :]
    table = table[: table.index("</table>")]
    assert "Phường Minh Xuân" not in table  # communes sit behind their province
    assert f"area={tq_new.pk}" in table and "2 xã, phường" in table
    assert f"area={hanoi.pk}" in table and "1 xã, phường" in table

    drill = client.get(url + f"&area={tq_new.pk}").content.decode()
    communes = drill[drill.index('id="commune-breakdown"') :]
    communes = communes[: communes.index("</table>")]
    assert "Phường Minh Xuân" in communes and "Phường Nông Tiến" in communes
    assert "Phường Hà Giang 1" not in communes and "Phường Hoàn Kiếm" not in communes
    assert client.get(url + f"&area={tq_wards[0].pk}").status_code == 404


@pytest.mark.parametrize("flag", ["1", "true"])
def test_a_commune_has_no_commune_form(client, online, ward_reporter, tq_wards, flag):
    client.force_login(ward_reporter)
    url = f"{ENTRY}?agency={tq_wards[2].pk}&period={Q3.code}&communes={flag}"
    assert client.get(url).status_code == 404


def test_the_commune_form_reads_every_communes_previous_value_in_two_queries(
    online, tq_new, tq_old, tq_wards
):
    # a ward formed on 01/07/2025 from two old communes: its previous value is theirs, rolled up
    olds = [
        OrgUnit.objects.create(
            code=f"tq-cu-{n}",
            kind=OrgKind.COMMUNE,
            name=f"Xã cũ {n}",
            parent=tq_old,
            valid_to=Q2.end,
            successor=tq_wards[0],
        )
        for n in range(2)
    ]
    for unit, figure in ((olds[0], 40), (olds[1], 60), (tq_wards[1], 75)):
        IndicatorValue.objects.create(
            indicator=online, org_unit=unit, period_start=Q2.start, period_end=Q2.end,
            value=Decimal(figure), state=ValueState.APPROVED,
        )  # fmt: skip

    def read() -> tuple[int, dict]:
        slots = slots_for_agency([online], tq_new, Q3, communes=True)
        with CaptureQueriesContext(connection) as queries:
            found = previous_values(slots, Q3)
        return len(queries), {unit: row.value for (_i, unit), row in found.items()}

    count, previous = read()
    assert previous == {tq_wards[0].pk: Decimal(50), tq_wards[1].pk: Decimal(75)}  # a mean
    assert count == 2  # the lineages, then the values
    for n in range(6):  # more communes, the same statements
        OrgUnit.objects.create(code=f"tq-moi-{n}", kind=OrgKind.COMMUNE, name=f"Phường {n}",
                               parent=tq_new, valid_from=MERGER)  # fmt: skip
    assert read() == (2, previous)
