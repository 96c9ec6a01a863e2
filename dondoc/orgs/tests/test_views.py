"""Organisation and committee member pages."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.tasks import services


@pytest.fixture
def merged_province(hanoi) -> OrgUnit:
    """Hà Tây, merged into Hà Nội: its tasks are now Hà Nội's."""
    return OrgUnit.objects.create(
        code="ha-tay",
        kind=OrgKind.PROVINCE,
        name="Tỉnh ủy Hà Tây",
        short_name="Hà Tây",
        valid_to=dt.date(2008, 7, 31),
        successor=hanoi,
    )


@pytest.fixture
def tasks(program, notice, most, hanoi, merged_province, member_person):
    def task(content, lead, coordinators=()):
        return services.create_task(
            program=program,
            content=content,
            assigned_on=dt.date(2025, 1, 22),
            deadline="Quý II/2025",
            sources=[(notice, "", "")],
            leads=[lead],
            coordinators=coordinators,
            members=[member_person],
        )

    return {
        "science": task("Đề án khoa học", most, coordinators=[hanoi]),
        "capital": task("Đề án thủ đô", hanoi),
        "old": task("Việc của tỉnh cũ", merged_province),
    }


def test_org_list_search_ignores_diacritics(client, tracker, most, hanoi):
    client.force_login(tracker)
    response = client.get("/orgs/", {"q": "ha noi"})
    assert list(response.context["units"]) == [hanoi]
    by_alias = client.get("/orgs/", {"q": "dang uy bo kh&cn"})
    assert most in list(by_alias.context["units"])


def test_org_list_filters_by_kind(client, tracker, most, hanoi):
    client.force_login(tracker)
    response = client.get("/orgs/", {"kind": "province"})
    assert list(response.context["units"]) == [hanoi]


def test_org_list_query_count_is_constant(client, tracker, tasks, django_assert_max_num_queries):
    for n in range(20):
        OrgUnit.objects.create(code=f"unit-{n}", kind=OrgKind.MINISTRY, name=f"Bộ số {n}")
    client.force_login(tracker)
    with django_assert_max_num_queries(6):
        client.get("/orgs/")


def test_org_page_includes_tasks_of_units_merged_into_it(client, tracker, hanoi, tasks):
    client.force_login(tracker)
    response = client.get(f"/orgs/{hanoi.pk}/")
    lead = {t.pk for t in response.context["lead_tasks"]}
    assert lead == {tasks["capital"].pk, tasks["old"].pk}
    assert [t.pk for t in response.context["coordinating_tasks"]] == [tasks["science"].pk]
    assert response.context["counts"]["assigned"] == 2
    assert "Hà Tây" in response.content.decode()


def test_merged_unit_page_points_to_its_successor(client, tracker, merged_province, hanoi):
    client.force_login(tracker)
    body = client.get(f"/orgs/{merged_province.pk}/").content.decode()
    assert f"/orgs/{hanoi.pk}/" in body
    assert "31/07/2008" in body


def test_org_page_shows_a_reporter_only_tasks_in_scope(
    client, other_reporter, program, most, tasks
):
    ministry_only = services.create_task(
        program=program, content="Việc riêng của Bộ", assigned_on=dt.date(2025, 1, 22), leads=[most]
    )
    client.force_login(other_reporter)  # Hà Nội's reporter looks at the ministry's page
    response = client.get(f"/orgs/{most.pk}/")
    assert response.status_code == 200
    shown = [t.pk for t in response.context["lead_tasks"]]
    assert tasks["science"].pk in shown  # Hà Nội coordinates it
    assert ministry_only.pk not in shown


def test_member_page_lists_supervised_tasks(client, committee_member, member_person, tasks):
    client.force_login(committee_member)
    response = client.get(f"/members/{member_person.pk}/")
    assert {t.pk for t in response.context["tasks"]} == {t.pk for t in tasks.values()}
    assert "Nguyễn Mạnh Hùng" in response.content.decode()
    listing = client.get("/members/")
    assert listing.context["members"][0].task_count == 3


def test_unknown_org_is_404(client, tracker, db):
    client.force_login(tracker)
    assert client.get("/orgs/999999/").status_code == 404


def test_an_agencys_figures_seen_by_another_agency_say_whose_view_they_are(
    client, other_reporter, program, most, member_person, tasks
):
    services.create_task(
        program=program, content="Việc riêng của Bộ", assigned_on=dt.date(2025, 1, 22),
        leads=[most], members=[member_person],
    )  # fmt: skip
    client.force_login(other_reporter)  # Hà Nội's reporter: shares one of the ministry's tasks
    page = client.get(f"/orgs/{most.pk}/")
    assert page.context["counts"]["assigned"] == 1
    body = page.content.decode()
    assert "data-scope-note" in body and "Hà Nội" in body.split("data-scope-note")[1][:400]
    units = {u.pk: u.lead_count for u in client.get("/orgs/").context["units"]}
    assert units[most.pk] == 1  # not the ministry's two
    assert client.get("/members/").context["members"][0].task_count == 3  # of 4


def test_figures_of_a_user_who_sees_everything_carry_no_scope_note(client, tracker, most, tasks):
    client.force_login(tracker)
    page = client.get(f"/orgs/{most.pk}/")
    assert "data-scope-note" not in page.content.decode()
    units = {u.pk: u.lead_count for u in client.get("/orgs/").context["units"]}
    assert units[most.pk] == 1


def test_a_reporters_dashboard_is_titled_with_their_agency(client, reporter, tracker, tasks):
    client.force_login(reporter)
    body = client.get("/").content.decode()
    title = body.split("<h1>")[1].split("</h1>")[0]
    assert "Bộ KH&amp;CN" in title
    client.force_login(tracker)
    assert "KH&amp;CN" not in client.get("/").content.decode().split("<h1>")[1].split("</h1>")[0]
