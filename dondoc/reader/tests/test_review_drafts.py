"""Reviewing a reading: cards resolved and matched, edited, merged, split, dropped, accepted
into tasks that keep their source passage; a stale form is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.core.transitions import Conflict
from dondoc.reader import drafts
from dondoc.reader.models import DraftState
from dondoc.reader.tests.review_fixtures import NOTICE, sample_reading
from dondoc.tasks import services
from dondoc.tasks.models import Directive, DirectiveKind, Task, TaskSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(program, committee, most, hanoi, member_person):
    """An earlier plan that already assigned two of the notice's tasks."""
    plan = Directive.objects.create(
        program=program,
        kind=DirectiveKind.PLAN,
        number="02-KH/BCĐTW",
        date=dt.date(2025, 1, 5),
        issuer=committee,
    )
    rare = services.create_task(
        program=program,
        content="Quản lý, khai thác, bảo vệ hiệu quả khoáng sản, đặc biệt là đất hiếm.",
        assigned_on=plan.date,
        deadline="Quý I/2025",
        sources=[(plan, "1", "")],
        leads=[most],
    )
    centre = services.create_task(
        program=program,
        content="Đưa Trung tâm dữ liệu quốc gia vào vận hành.",
        assigned_on=plan.date,
        deadline="Quý II/2025",
        sources=[(plan, "2", "")],
        leads=[hanoi],
    )
    return rare, centre


@pytest.fixture
def draft(program, committee, most, hanoi, member_person, clerk):
    return drafts.create_draft(
        program=program, reading=sample_reading(), by=clerk, source_name="01-TB.txt"
    )


def cards(draft):
    return {c["key"]: c for c in draft.proposals}


def test_names_are_resolved_and_an_unknown_agency_is_left_to_map(draft, most, member_person):
    by_key = cards(draft)
    assert by_key["3"]["label"] == "(3)" and by_key["5.3"]["label"] == "(5).3"
    assert by_key["5.1"]["members"] == [
        {"name": "Nguyễn Mạnh Hùng", "ref": f"member:{member_person.pk}"}
    ]
    assert by_key["5.1"]["leads"][0]["ref"] == f"unit:{most.pk}"
    assert by_key["5.2"]["leads"] == [{"name": "Bộ Quốc phòng Xanh", "ref": ""}]
    assert draft.header["number"] == "01-TB/BCĐTW" and draft.header["date"] == "2025-01-22"


def test_header_issuer_is_found_from_the_issuer_line(draft, committee):
    assert draft.header["issuer_id"] == committee.pk


def test_tasks_of_an_earlier_document_are_proposed_as_link_or_restatement(
    earlier, program, clerk, committee, member_person
):
    rare, centre = earlier
    draft = drafts.create_draft(program=program, reading=sample_reading(), by=clerk)
    by_key = cards(draft)
    assert by_key["3"]["match"]["task_id"] == rare.pk
    assert by_key["3"]["choice"] == drafts.LINK  # same deadline: a new source only
    assert by_key["5.3"]["match"]["task_id"] == centre.pk
    assert by_key["5.3"]["choice"] == drafts.RESTATE  # Quý I/2025 instead of Quý II/2025
    assert by_key["5.1"]["match"] is None


def test_a_stale_form_is_a_conflict_and_changes_nothing(draft, clerk):
    edit = drafts.CardEdit(content="Nội dung mới", parent_key="", deadline="", output="")
    drafts.edit_card(draft, "c2", edit, version=draft.version, by=clerk)
    with pytest.raises(Conflict):
        drafts.edit_card(draft, "c2", edit, version=draft.version - 1, by=clerk)
    draft.refresh_from_db()
    assert draft.version == 2 and cards(draft)["5.1"]["content"] == "Nội dung mới"


def test_editing_reresolves_names_and_reparses_the_deadline(draft, clerk, hanoi):
    edit = drafts.CardEdit(
        content="Ban hành danh mục công nghệ chiến lược.",
        parent_key="5",
        deadline="Tháng 6/2025",
        output="Quyết định",
        leads=["Thành ủy Hà Nội"],
    )
    drafts.edit_card(draft, "c3", edit, version=draft.version, by=clerk)
    c = cards(draft)["5.2"]
    assert c["leads"] == [{"name": "Thành ủy Hà Nội", "ref": f"unit:{hanoi.pk}"}]
    assert c["due"] == "2025-06-30" and c["output"] == "Quyết định"


def test_merge_joins_contents_names_and_spans(draft, clerk):
    a, b = cards(draft)["5.1"], cards(draft)["5.2"]
    kept = drafts.merge_cards(draft, ["c3", "c2"], version=draft.version, by=clerk)
    assert kept == "c2" and len(draft.proposals) == 3
    merged = cards(draft)["5.1"]
    assert merged["content"].startswith("Xây dựng Luật") and "danh mục" in merged["content"]
    assert merged["span"] == [a["span"][0], b["span"][1]]
    assert {e["name"] for e in merged["leads"]} == {
        "Đảng ủy Bộ Khoa học và Công nghệ",
        "Bộ Quốc phòng Xanh",
    }


def test_split_at_the_cursor_makes_two_cards_each_with_its_own_passage(draft, clerk):
    content = draft.proposals[0]["content"]
    at = content.index("đặc biệt")
    drafts.split_card(draft, "c1", content, at, version=draft.version, by=clerk)
    first, second = draft.proposals[0], draft.proposals[1]
    assert (
        first["content"] == "Quản lý, khai thác, bảo vệ hiệu quả khoáng sản,"
        and first["key"] == "3"
    )
    assert second["id"] == "c5" and second["content"] == "đặc biệt là đất hiếm."
    first_passage = NOTICE[first["span"][0] : first["span"][1]]
    second_passage = NOTICE[second["span"][0] : second["span"][1]]
    assert first_passage.startswith("(3)") and first_passage.endswith("khoáng sản,")
    assert second_passage.startswith("đặc biệt là đất hiếm") and second_passage.endswith("2025.")


def test_without_a_cursor_the_text_is_split_at_its_line_break(draft, clerk):
    text = "Quản lý, khai thác khoáng sản,\r\nđặc biệt là đất hiếm."
    drafts.split_card(draft, "c1", text, None, version=draft.version, by=clerk)
    assert [c["content"] for c in draft.proposals[:2]] == [
        "Quản lý, khai thác khoáng sản,",
        "đặc biệt là đất hiếm.",
    ]


def test_a_split_with_the_cursor_at_an_end_and_no_line_break_is_refused(draft, clerk):
    content = draft.proposals[0]["content"]
    for at in (0, len(content), None):
        with pytest.raises(Conflict):
            drafts.split_card(draft, "c1", content, at, version=draft.version, by=clerk)
    assert len(draft.proposals) == 4


def test_accepting_creates_directive_and_tasks_with_source_label_and_passage(
    draft, clerk, member_person, most
):
    drafts.set_state(draft, "c3", drafts.DROPPED, version=draft.version, by=clerk)
    result = drafts.accept_cards(draft, ["c1", "c2", "c4"], version=draft.version, by=clerk)
    assert len(result.created) == 3 and result.unmapped == []
    directive = Directive.objects.get(number="01-TB/BCĐTW")
    assert directive.text == NOTICE and draft.directive == directive
    assert draft.state == DraftState.DONE
    source = TaskSource.objects.get(directive=directive, label="(5).3")
    assert source.passage.startswith("5.3. Đưa Trung tâm dữ liệu quốc gia")
    task = source.task
    assert task.assigned_on == dt.date(2025, 1, 22) and task.due_on == dt.date(2025, 3, 31)
    assert list(task.members.all()) == [member_person]
    rare = TaskSource.objects.get(directive=directive, label="(3)").task
    assert list(rare.task_agencies.values_list("org_unit", flat=True)) == [most.pk]


def test_accepting_a_matched_card_links_or_restates_instead_of_creating(
    earlier, program, clerk, committee, member_person
):
    rare, centre = earlier
    draft = drafts.create_draft(program=program, reading=sample_reading(), by=clerk)
    result = drafts.accept_cards(draft, ["c1", "c4"], version=draft.version, by=clerk)
    assert result.created == [] and result.linked == [rare] and result.restated == [centre]
    assert Task.objects.count() == 2
    change = centre.deadline_changes.get()
    assert change.due_on == dt.date(2025, 3, 31) and change.effective_on == dt.date(2025, 1, 22)
    assert TaskSource.objects.get(task=rare, label="(3)").passage.startswith("(3) Đồng chí")


def test_the_user_can_choose_a_new_task_instead_of_the_link(earlier, program, clerk):
    draft = drafts.create_draft(program=program, reading=sample_reading(), by=clerk)
    edit = drafts.CardEdit(
        content=cards(draft)["3"]["content"], parent_key="", deadline="Quý I/2025", output=""
    )
    drafts.edit_card(draft, "c1", edit, version=draft.version, by=clerk)
    result = drafts.accept_cards(draft, ["c1"], version=draft.version, by=clerk)
    assert len(result.created) == 1 and Task.objects.count() == 3


def test_an_accepted_card_cannot_be_accepted_twice(draft, clerk):
    drafts.accept_cards(draft, ["c1"], version=draft.version, by=clerk)
    with pytest.raises(Conflict):
        drafts.accept_cards(draft, ["c1"], version=draft.version, by=clerk)
    assert Task.objects.count() == 1


def test_marked_segments_cover_the_text_and_name_the_cards():
    text = "abcdefghij"
    cards_ = [
        {"id": "c1", "span": [2, 6], "state": "proposed"},
        {"id": "c2", "span": [4, 8], "state": "proposed"},
        {"id": "c3", "span": [0, 10], "state": "dropped"},
    ]
    segments = drafts.marked_segments(text, cards_)
    assert "".join(piece for piece, _ids in segments) == text
    assert segments == [
        ("ab", []),
        ("cd", ["c1"]),
        ("ef", ["c1", "c2"]),
        ("gh", ["c2"]),
        ("ij", []),
    ]


def test_label_for_keys():
    assert drafts.label_for("5.3") == "(5).3"
    assert drafts.label_for("11") == "(11)"
    assert drafts.label_for("") == ""
    assert drafts.label_for("III.2.1") == "III.2.1"  # a dash item under section III.2


def test_full_labels_join_the_parent_item():
    from dondoc.reader.core.types import Proposal

    five = Proposal(key="2.5", parent_key=None, content="", label="(5)")
    sub = Proposal(key="2.5.3", parent_key="2.5", content="", label="3)")
    four = Proposal(key="2.4.1", parent_key="2.4", content="", label="(4).1")
    by_key = {p.key: p for p in (five, sub, four)}
    assert drafts.full_label(sub, by_key) == "(5).3"
    assert drafts.full_label(four, by_key) == "(4).1"
    assert drafts.full_label(Proposal("5.1", None, "", label="5.1."), {}) == "(5).1"
    assert drafts.full_label(Proposal("5.3", "5", ""), {}) == "(5).3"


def test_a_collective_agency_the_reader_resolved_maps_to_its_group_and_leads_the_task(
    program, committee, most, clerk
):
    from dondoc.orgs.groups import ensure_standard_groups
    from dondoc.orgs.models import OrgGroup
    from dondoc.reader.core.types import Field

    ensure_standard_groups()  # a transactional test's flush removes the migration's rows
    group = OrgGroup.objects.order_by("-pk").first()
    reading = sample_reading()
    # the reader's id is the group's: the card must not take it for a unit's
    reading.tasks[1].leads = [Field(group.name, None, 0.9, group.pk, "group")]
    reading.tasks[2].leads = [Field("Bộ Khoa học và Công nghệ", None, 0.9, most.pk, "unit")]
    draft = drafts.create_draft(program=program, reading=reading, by=clerk)
    by_key = cards(draft)
    assert by_key["5.1"]["leads"] == [{"name": group.name, "ref": f"group:{group.pk}"}]
    assert by_key["5.2"]["leads"][0]["ref"] == f"unit:{most.pk}"
    drafts.accept_cards(draft, ["c2"], version=draft.version, by=clerk)
    task = Task.objects.get(pk=cards(draft)["5.1"]["task_id"])
    assert task.lead_groups() == [group] and not task.task_agencies.exists()


def test_an_accepted_task_gets_the_solution_group_its_content_suggests_or_the_one_chosen(
    program, committee, most, member_person, clerk
):
    from dondoc.tasks.models import SolutionGroup

    minerals, law = SolutionGroup.objects.filter(program=program).order_by("number")[2:4]
    SolutionGroup.objects.filter(pk=minerals.pk).update(keywords="khoáng sản\nđất hiếm")
    SolutionGroup.objects.filter(pk=law.pk).update(keywords="luật\nnghị định")
    draft = drafts.create_draft(program=program, reading=sample_reading(), by=clerk)
    by_key = cards(draft)
    assert by_key["3"]["group_id"] == minerals.pk and by_key["3"]["group_suggested"]
    assert by_key["5.1"]["group_id"] == law.pk
    assert by_key["5.3"]["group_id"] is None
    c = by_key["3"]
    edit = drafts.CardEdit(
        content=c["content"], parent_key="", deadline=c["deadline"], output="", group_id=law.pk
    )
    drafts.edit_card(draft, "c1", edit, version=draft.version, by=clerk)
    drafts.accept_cards(draft, ["c1", "c2"], version=draft.version, by=clerk)
    accepted = cards(draft)
    assert Task.objects.get(pk=accepted["3"]["task_id"]).group == law
    assert Task.objects.get(pk=accepted["5.1"]["task_id"]).group == law
