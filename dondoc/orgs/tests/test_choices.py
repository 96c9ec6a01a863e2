"""Every drop-down of organisation units lists them grouped by kind, in Vietnamese alphabetical
order, and only those that exist today, except a field's own value merged away since."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from dondoc.accounts.people_forms import InviteForm
from dondoc.core.collation import vi_sort_key
from dondoc.orgs.choices import OrgUnitChoiceField, grouped_choices, in_force
from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.portal import services
from dondoc.reader.forms import HeaderForm

pytestmark = pytest.mark.django_db

MERGER = dt.date(2025, 7, 1)


@pytest.fixture
def provinces(db) -> dict[str, OrgUnit]:
    """Cần Thơ, Sóc Trăng and Hậu Giang became Cần Thơ on 01/07/2025."""
    new = OrgUnit.objects.create(
        code="can-tho", kind=OrgKind.PROVINCE, name="Thành ủy Cần Thơ", short_name="Cần Thơ",
        valid_from=MERGER,
    )  # fmt: skip
    old = OrgUnit.objects.create(
        code="can-tho-cu", kind=OrgKind.PROVINCE, name="Thành ủy Cần Thơ", short_name="Cần Thơ",
        valid_to=MERGER - dt.timedelta(days=1), successor=new,
    )  # fmt: skip
    units = {"new": new, "old": old}
    for code, name in [("bac-ninh", "Bắc Ninh"), ("an-giang", "An Giang"), ("da-nang", "Đà Nẵng")]:
        units[code] = OrgUnit.objects.create(
            code=code, kind=OrgKind.PROVINCE, name=f"Tỉnh ủy {name}", short_name=name
        )
    units["ministry"] = OrgUnit.objects.create(
        code="bo-tc", kind=OrgKind.MINISTRY, name="Đảng ủy Bộ Tài chính", short_name="Bộ Tài chính"
    )
    return units


def _groups(html: str) -> list[tuple[str, list[str]]]:
    return [
        (label, re.findall(r"<option[^>]*>([^<]*)</option>", body))
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', html, re.S)
    ]


@time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC))
def test_units_come_grouped_by_kind_in_vietnamese_order_and_only_those_in_force(provinces):
    with translation.override("vi"):
        groups = _groups(str(InviteForm()["agency"]))
    assert groups == [
        ("Bộ, ngành", ["Bộ Tài chính"]),
        ("Tỉnh, thành phố", ["An Giang", "Bắc Ninh", "Cần Thơ", "Đà Nẵng"]),
    ]


@time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC))
def test_a_unit_merged_away_is_listed_only_as_the_current_value_with_its_last_day(provinces):
    old = provinces["old"]
    with translation.override("vi"):
        html = str(HeaderForm(initial={"issuer": old.pk}, issuer_id=old.pk)["issuer"])
    cities = dict(_groups(html))["Tỉnh, thành phố"]
    assert cities == ["An Giang", "Bắc Ninh", "Cần Thơ", "Cần Thơ (đến 30/06/2025)", "Đà Nẵng"]
    assert f'<option value="{old.pk}" selected>' in html
    # Sent back unchanged it is valid; another form may not pick it.
    data = {"number": "1-TB", "date": "01/03/2025", "issuer": old.pk, "kind": "notice"}
    assert "issuer" not in HeaderForm(data, issuer_id=old.pk).errors
    assert "issuer" in HeaderForm(data).errors


def test_a_unit_that_starts_later_is_left_out_before_its_first_day(provinces):
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)):
        units = set(in_force(OrgUnit.objects.all()))
        field = OrgUnitChoiceField(upcoming=True)
        labels = [t for _g, rows in field.choices if isinstance(rows, list) for _v, t in rows]
    assert provinces["old"] in units and provinces["new"] not in units
    assert "Cần Thơ (từ 01/07/2025)" in labels


def test_the_invite_page_lists_agencies_in_groups(client, clerk, provinces):
    client.force_login(clerk)
    html = client.get("/people/invite/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<optgroup label="Tỉnh, thành phố">' in html
    assert "(đến 30/06/2025)" not in html


def test_the_back_office_routes_to_units_in_force_grouped_by_kind(
    client, program, clerk, provinces
):
    item = services.submit(
        program=program, kind="initiative", title="Bản đồ số", description="Đề xuất.",
        name="Trần Thị Bình", email="binh@example.org", consent_to_publish=True,
    )  # fmt: skip
    client.force_login(clerk)
    detail = client.get(reverse("portal:detail", args=[item.pk])).content.decode()
    queue = client.get(reverse("portal:queue")).content.decode()
    for html in (detail, queue):
        groups = dict(_groups(html))
        assert groups["Tỉnh, thành phố"] == ["An Giang", "Bắc Ninh", "Cần Thơ", "Đà Nẵng"]
    refused = client.post(
        reverse("portal:route", args=[item.pk]),
        {"agency": provinces["old"].pk, "version": item.version},
    )
    item.refresh_from_db()
    assert refused.status_code != 302 or item.routed_to_id is None


def test_grouped_choices_put_kinds_in_a_fixed_order(provinces):
    groups = grouped_choices(OrgUnit.objects.filter(valid_to__isnull=True))
    assert [label for label, _rows in groups] == ["Bộ, ngành", "Tỉnh, thành phố"]


@time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC))
def test_the_reader_review_lists_issuers_and_mappings_once_each_and_grouped(
    client, clerk, program, committee, most, hanoi, member_person, provinces
):
    from dondoc.reader import drafts
    from dondoc.reader.tests.review_fixtures import sample_reading

    draft = drafts.create_draft(program=program, reading=sample_reading(), by=clerk)
    client.force_login(clerk)
    html = client.get(reverse("reader-review", args=[draft.pk])).content.decode()
    issuer = re.search(r'<select name="issuer".*?</select>', html, re.S).group(0)
    mapping = re.search(r'<select name="map_leads_0".*?</select>', html, re.S).group(0)
    for select in (issuer, mapping):
        cities = dict(_groups(select))["Tỉnh, thành phố"]
        assert cities == sorted(set(cities), key=vi_sort_key)
        assert cities.count("Cần Thơ") == 1


@time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC))
def test_the_task_lists_lead_filter_groups_its_agencies_and_dates_a_merged_one(
    client, clerk, program, provinces
):
    from dondoc.tasks import services as tasks

    for unit in (provinces["old"], provinces["new"], provinces["ministry"], provinces["bac-ninh"]):
        tasks.create_task(
            program=program, content=f"Nhiệm vụ của {unit}", assigned_on=dt.date(2025, 1, 5),
            leads=[unit],
        )  # fmt: skip
    client.force_login(clerk)
    html = client.get("/tasks/", {"program": program.code}).content.decode()
    select = re.search(r'<select name="lead".*?</select>', html, re.S).group(0)
    assert _groups(select) == [
        ("Bộ, ngành", ["Bộ Tài chính"]),
        ("Tỉnh, thành phố", ["Bắc Ninh", "Cần Thơ", "Cần Thơ (đến 30/06/2025)"]),
    ]
