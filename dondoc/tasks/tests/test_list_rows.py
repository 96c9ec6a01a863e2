"""The list pages read their rows as plain values (``filters.task_rows``): the task table and
the API items must come out exactly as from the model objects they replaced."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.api.serialize import task_item, with_related
from dondoc.followups.services import grant_extension
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import Member, OrgGroup
from dondoc.tasks import services
from dondoc.tasks.filters import filter_tasks, rows_and_total, task_rows, with_display_relations
from dondoc.tasks.models import Directive, DirectiveKind
from dondoc.tasks.rows import RowWriter

AS_OF = "2025-06-20"


@pytest.fixture
def tasks(program, notice, committee, most, hanoi, member_person, clerk):
    ensure_standard_groups()
    provinces = OrgGroup.objects.get(code="tinh-thanh-pho")
    later = Directive.objects.create(
        program=program,
        kind=DirectiveKind.NOTICE,
        number="99/TB-VPTW",
        date=dt.date(2025, 3, 1),
        issuer=committee,
    )
    second = Member.objects.create(program=program, full_name="Âu Văn An", sort_order=0)
    made = [
        services.create_task(
            program=program,
            content="Hoàn thiện <b>thể chế</b> & dữ liệu",
            assigned_on=dt.date(2025, 1, 22),
            deadline="Quý I/2025",
            group=program.groups.first(),
            sources=[(later, "Ý 2", ""), (notice, "Ý 1", "")],
            leads=[most, provinces],
            coordinators=[hanoi],
            members=[member_person, second],
            expected_output="Nghị định " + "rất dài " * 30,
        ),
        services.create_task(
            program=program,
            content="Xây dựng cơ sở dữ liệu",
            assigned_on=dt.date(2025, 1, 22),
            deadline="Tháng 4/2025",
            leads=[hanoi],
        ),
        services.create_task(
            program=program,
            content="Thường xuyên theo dõi",
            assigned_on=dt.date(2025, 2, 1),
            deadline="Thường xuyên",
            coordinators=[most],
        ),
    ]
    # In force from 01/06: the deadline as of AS_OF differs from the original one.
    grant_extension(made[1], by=clerk, new_due_on=dt.date(2025, 12, 31),
                    granted_on=dt.date(2025, 6, 1))  # fmt: skip
    services.post_update(made[2], by=clerk, text="Xong", reported_on=dt.date(2025, 5, 2),
                         status_change="completed", effective_on=dt.date(2025, 5, 2))  # fmt: skip
    return made


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": AS_OF},
        {"as_of": AS_OF, "q": "du lieu", "sort": "-deadline"},
        {"as_of": AS_OF, "late_against_original": "1"},
        {"as_of": "2025-04-15", "status": "open", "sort": "lead"},
    ],
)
def test_rows_read_as_values_write_the_same_table_and_api_items_as_model_objects(
    tasks, clerk, params
):
    qs, _state = filter_tasks(clerk, params)
    rows, total = task_rows(qs, 0, 50, annotations=("closure_on_as_of",))
    objects, object_total = rows_and_total(with_display_relations(qs), 0, 50)
    assert rows and (total, [r.pk for r in rows]) == (object_total, [t.pk for t in objects])
    writer = RowWriter()
    assert writer.rows(rows, start=1) == writer.rows(objects, start=1)

    models, _total = rows_and_total(with_related(qs), 0, 50)
    assert [task_item(r) for r in rows] == [task_item(t) for t in models]


def test_rows_past_the_last_page_count_the_rows(tasks, clerk):
    qs, _state = filter_tasks(clerk, {"as_of": AS_OF})
    assert task_rows(qs, 50, 50) == ([], 3)


def test_the_lead_filter_finds_the_collective_agencies_groups_of_finds(tasks, most, hanoi):
    from dondoc.tasks.collective import group_ids_of as _groups_containing
    from dondoc.tasks.collective import groups_of

    for units in ({most.pk}, {hanoi.pk}, {most.pk, hanoi.pk}):
        for day in (dt.date(2025, 6, 30), dt.date(2025, 7, 1)):
            expected = {g.pk for g in groups_of(units, day)}
            assert expected and _groups_containing(units, day) == expected
        assert _groups_containing(units) == {g.pk for g in groups_of(units)}
    hanoi.valid_to = dt.date(2025, 6, 30)
    hanoi.save()
    assert _groups_containing({hanoi.pk}, dt.date(2025, 7, 1)) == set()
    group = OrgGroup.objects.create(code="rieng", name="Nhóm riêng", kinds="")
    group.units.add(hanoi)
    assert group.pk in _groups_containing({hanoi.pk}, dt.date(2025, 6, 30))
    assert group.pk in {g.pk for g in groups_of({hanoi.pk}, dt.date(2025, 6, 30))}


def test_the_filter_options_written_once_mark_the_selected_one_as_written_each_time():
    from dondoc.tasks.templatetags.dondoc import RenderedOptions, options_html, select_options

    choices = [(1, "Bộ <KH&CN>"), (12, "Hà Nội"), (2, 'A "quoted" name')]
    written = RenderedOptions(options_html(choices))
    for selected in (None, "", 1, "12", 2, 99):
        assert select_options(written, selected) == select_options(choices, selected)


def test_the_filter_options_follow_their_data(client, tasks, clerk, program):
    from dondoc.orgs.models import Member

    client.force_login(clerk)
    member = Member.objects.create(program=program, full_name="Ủy viên Một")
    assert "Ủy viên Một" in client.get(f"/tasks/?program={program.code}").content.decode()
    member.full_name = "Ủy viên Hai"
    member.save()
    page = client.get(f"/tasks/?program={program.code}").content.decode()
    assert "Ủy viên Hai" in page and "Ủy viên Một" not in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_truncate_and_escape_as_the_template_filters_did(language):
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.text import Truncator
    from django.utils.translation import override

    from dondoc.tasks.rows import esc, truncated

    decomposed = "Nghi\u0323 đi\u0323nh " * 30  # combining dots: counted as no character
    texts = ["", "ngắn", "x" * 240, "x" * 241, "Đề án " * 60, decomposed, "a <b> & 'c' " * 30]
    with override(language):
        ellipsis = RowWriter().ellipsis
        for text in texts:
            for length in (120, 240):
                assert truncated(text, length, ellipsis) == Truncator(text).chars(length), text
    for value in ['<a href="x">&</a>', "Bộ KH&CN", None, 12, mark_safe("<b>safe</b>")]:
        assert esc(value) == conditional_escape(value)
