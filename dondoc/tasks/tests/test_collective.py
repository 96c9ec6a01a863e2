"""Tasks of collective agencies: each member sees the task, reports for itself, and is counted."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.accounts.models import Role
from dondoc.accounts.policy import can, own_task_agency, visible_tasks
from dondoc.api.tests.test_api import bearer
from dondoc.conftest import _user
from dondoc.orgs.carriers import carried_ids
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import OrgGroup, OrgKind, OrgUnit
from dondoc.rounds import services as rounds
from dondoc.rounds.queries import agency_tasks
from dondoc.rounds.todo import agency_todo
from dondoc.tasks import services
from dondoc.tasks.collective import carried_units_and_groups, group_ids_of, group_reporting
from dondoc.tasks.importers.nq57 import LoadSummary, load_provinces
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import ProgressUpdate, Task
from dondoc.tasks.tests.test_import_template import filled_csv

BEFORE, AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


@pytest.fixture
def groups(db) -> dict[str, OrgGroup]:
    ensure_standard_groups()
    return {group.code: group for group in OrgGroup.objects.all()}


@pytest.fixture
def hue(db) -> OrgUnit:
    return OrgUnit.objects.create(
        code="hue", kind=OrgKind.PROVINCE, name="Thành ủy Huế", short_name="Huế"
    )


@pytest.fixture
def provinces_task(program, notice, groups, most) -> Task:
    """ "The provinces set up their own steering committees", led by every province."""
    return services.create_task(
        program=program,
        content="Các tỉnh, thành phố thành lập Ban Chỉ đạo.",
        assigned_on=notice.date,
        sources=[(notice, "Ý 11", "")],
        leads=[groups["tinh-thanh-pho"]],
        coordinators=[most],
    )


def test_create_task_sorts_units_and_groups_into_their_roles(provinces_task, groups, most):
    assert provinces_task.lead_agencies() == []
    assert provinces_task.lead_groups() == [groups["tinh-thanh-pho"]]
    assert provinces_task.coordinating_agencies() == [most]
    assert not services.link_task(provinces_task, leads=[groups["tinh-thanh-pho"]])


def test_a_province_reporter_sees_the_group_task_and_reports_for_its_own_unit(
    client, other_reporter, hanoi, provinces_task
):
    client.force_login(other_reporter)
    assert client.get(f"/tasks/?program=NQ57&agency={hanoi.pk}").context["page"].paginator.count
    page = client.get(f"/tasks/{provinces_task.pk}/")
    assert page.status_code == 200
    assert "Các tỉnh, thành phố" in page.content.decode()

    response = client.post(
        f"/tasks/{provinces_task.pk}/", {"text": "Đã thành lập.", "reported_on": "05/04/2025"}
    )

    assert response.status_code == 302
    update = ProgressUpdate.objects.get(task=provinces_task)
    assert update.agency == hanoi
    assert provinces_task in agency_tasks(hanoi, dt.date(2025, 4, 10))


def test_another_provinces_update_does_not_count_as_theirs(provinces_task, hanoi, hue, clerk):
    services.post_update(provinces_task, by=clerk, text="Huế đã thành lập.", agency=hue)

    (reporting,) = group_reporting(provinces_task, dt.date.today())

    assert reporting.reported == [hue]
    assert reporting.missing == [hanoi]
    assert reporting.expected == 2


def test_completeness_counts_the_63_provinces_until_the_merger_and_the_34_after(
    provinces_task, clerk
):
    load_provinces(LoadSummary())
    yen_bai = OrgUnit.objects.get(code="yen-bai")  # merged into Lào Cai on 01/07/2025
    hanoi = OrgUnit.objects.get(code="ha-noi")
    for unit in (yen_bai, hanoi):
        services.post_update(
            provinces_task, by=clerk, text="Đã thành lập.", agency=unit, recorded_on=BEFORE
        )

    (before,) = group_reporting(provinces_task, BEFORE)
    (after,) = group_reporting(provinces_task, AFTER)

    assert (len(before.reported), before.expected) == (2, 63)
    assert (len(after.reported), after.expected) == (2, 34)
    assert {u.code for u in after.reported} == {"lao-cai-2025", "ha-noi"}
    (late,) = group_reporting(provinces_task, AFTER, since=AFTER)
    assert late.reported == []


def test_a_ministry_reporter_sees_a_ministries_task_and_a_province_reporter_does_not(
    program, notice, groups, reporter, other_reporter, most
):
    task = services.create_task(
        program=program,
        content="Các bộ, ngành rà soát thủ tục.",
        assigned_on=notice.date,
        leads=[groups["bo-nganh"]],
    )
    tasks = Task.objects.filter(pk=task.pk)

    assert list(visible_tasks(reporter, tasks)) == [task]
    assert can(reporter, "task.post_update", task)
    assert own_task_agency(reporter, task) == most
    assert not visible_tasks(other_reporter, tasks).exists()
    assert not can(other_reporter, "task.view", task)


def test_a_member_of_no_group_sees_nothing_more(program, notice, groups, hanoi):
    party_body = OrgUnit.objects.create(code="ban-x", kind=OrgKind.CENTRAL, name="Ban X")
    user = _user("central", Role.REPORTER, party_body)
    services.create_task(
        program=program,
        content="Các bộ, ngành, địa phương báo cáo.",
        assigned_on=notice.date,
        leads=[groups["bo-nganh-dia-phuong"]],
    )
    assert not visible_tasks(user, Task.objects.all()).exists()


def test_the_importer_reads_a_collective_agency_as_its_group(program, notice, most, groups):
    row = {
        "stt": "1",
        "noi_dung": "Thành lập Ban Chỉ đạo cấp tỉnh.",
        "van_ban": "01-TB/BCĐTW ngày 22/01/2025",
        "co_quan_chu_tri": "UBND các tỉnh, thành phố trực thuộc Trung ương",
        "co_quan_phoi_hop": "Đảng uỷ Bộ KH&CN; Các bộ, ngành",
        "thoi_han": "Quý II/2025",
    }

    summary = import_file(filled_csv([row]), filename="t.csv", program=program)

    assert summary.ok, summary.rejected
    task = Task.objects.get(content__startswith="Thành lập Ban Chỉ đạo")
    assert task.lead_groups() == [groups["tinh-thanh-pho"]]
    assert task.coordinating_agencies() == [most]
    assert task.coordinating_groups() == [groups["bo-nganh"]]


def test_the_api_lists_the_group_beside_the_lead_agencies(client, clerk, provinces_task, hanoi):
    response = client.get("/api/tasks", {"program": "NQ57"}, **bearer(clerk))
    item = response.json()["items"][0]

    assert item["lead_agencies"] == []
    assert item["lead_groups"] == [
        {
            "group": True,
            "id": provinces_task.lead_groups()[0].pk,
            "code": "tinh-thanh-pho",
            "name": "Các tỉnh, thành phố",
            "members": 1,
        }
    ]


def test_the_reporters_to_do_counts_the_group_task_in_a_round(provinces_task, program, hanoi):
    rounds.open_round(
        program=program,
        title="Quý II/2025",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        due_on=dt.date(2025, 7, 10),
        kinds=[OrgKind.PROVINCE],
    )

    (item,) = agency_todo(hanoi, dt.date(2025, 6, 1)).rounds

    assert (item.updated, item.required) == (0, 1)


@pytest.mark.django_db
def test_a_units_carried_units_and_groups_are_read_in_one_query(
    most, hanoi, django_assert_num_queries
):
    ensure_standard_groups()
    new = OrgUnit.objects.create(
        code="tuyen-quang-moi", kind=OrgKind.PROVINCE, name="Tuyên Quang",
        valid_from=dt.date(2025, 7, 1),
    )  # fmt: skip
    OrgUnit.objects.create(
        code="ha-giang-cu", kind=OrgKind.PROVINCE, name="Hà Giang",
        valid_to=dt.date(2025, 6, 30), successor=new,
    )  # fmt: skip
    named = OrgGroup.objects.create(code="nhom-rieng", name="Nhóm riêng", kinds="")
    named.units.add(most)
    for unit in (new, hanoi, most):
        for day in (dt.date(2025, 3, 1), dt.date(2025, 8, 1)):
            with django_assert_num_queries(1):
                found = carried_units_and_groups(unit.pk, day)
            expected_units = carried_ids(unit.pk, day)
            assert found == (expected_units, group_ids_of(expected_units, day)), (unit, day)
    assert len(carried_units_and_groups(new.pk, dt.date(2025, 8, 1))[0]) == 2  # Hà Giang's work
    assert named.pk in carried_units_and_groups(most.pk, dt.date(2025, 8, 1))[1]
