"""A long task list is counted without reading its rows (the dashboard's kept counts, or the
tasks' own filters when no status is asked) and its page read by an ordered walk that stops
at the page's last row (``statements.walk``): the rows and the total are those the timeline
gives, for every filter shape, page and date, before and after the timeline changes."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dondoc.followups.services import grant_extension
from dondoc.orgs.models import Member
from dondoc.tasks import checkpoints, filters, manage, services, statements
from dondoc.tasks.filters import build_tasks, filtered_rows, parse_filters, task_rows
from dondoc.tasks.models import SolutionGroup, StatusCheckpoint

START = dt.date(2025, 1, 1)
PHRASES = ["Quý I/2025", "Tháng 5/2025", "Năm 2025", "Thường xuyên", "", "Tháng 9/2025"]
DATES = [dt.date(2025, 3, 31), dt.date(2025, 7, 15), dt.date(2026, 1, 1)]


@pytest.fixture
def listed(program, notice, most, hanoi, member_person, clerk):
    """Thirty tasks in two solution groups (and none), led by one or two agencies, with
    members, completed, cancelled and reopened ones, deadlines extended and changed, two
    merged into others; checkpoints counted half-way, so that the later writes correct them."""
    rng = random.Random(7)
    groups = [
        SolutionGroup.objects.get_or_create(program=program, number=n, defaults={"title": "Nhóm"})[
            0
        ]
        for n in (1, 2)
    ]
    other = Member.objects.create(program=program, full_name="Trần Văn B", position="Ủy viên")
    tasks = []
    for i in range(30):
        if i == 15:
            checkpoints.extend(until=DATES[-1])
        task = services.create_task(
            program=program,
            content=rng.choice(["Cơ sở dữ liệu quốc gia", "Hạ tầng số", "Đào tạo nhân lực"]),
            assigned_on=START + dt.timedelta(days=rng.randint(0, 120)),
            deadline=rng.choice(PHRASES),
            group=rng.choice([*groups, None]),
            sources=[(notice, "", "")],
            leads=rng.choice([[most], [hanoi], [most, hanoi]]),
            members=rng.choice([[], [member_person], [member_person, other]]),
        )
        tasks.append(task)
        for _ in range(rng.randint(0, 2)):
            day = START + dt.timedelta(days=rng.randint(30, 330))
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=day,
                recorded_on=day,
                status_change=rng.choice(["completed", "cancelled", "reopened", ""]),
                effective_on=day - dt.timedelta(days=rng.randint(0, 25)),
            )
        if task.due_on and i % 3 == 0:
            grant_extension(
                task,
                by=clerk,
                new_due_on=task.due_on + dt.timedelta(days=60),
                granted_on=task.due_on - dt.timedelta(days=5),
            )
        elif i % 3 == 1:
            manage.change_deadline(
                task,
                by=clerk,
                reason="Điều chỉnh",
                phrase=rng.choice(["Tháng 6/2025", "Tháng 12/2025", "Thường xuyên", ""]),
                effective_on=START + dt.timedelta(days=rng.randint(60, 240)),
            )
    for day in (10, 40):  # no lead unit: last when sorted by lead agency, either way
        services.create_task(
            program=program,
            content="Cơ sở dữ liệu quốc gia",
            assigned_on=START + dt.timedelta(days=day),
            deadline="Tháng 5/2025",
            sources=[(notice, "", "")],
        )
    for duplicate, keep in ((tasks[3], tasks[4]), (tasks[20], tasks[21])):
        services.merge_tasks(keep, duplicate, by=clerk)
    assert StatusCheckpoint.objects.filter(program=program).exists()
    return {"groups": groups, "members": [member_person, other], "leads": [most, hanoi]}


def _shapes(listed) -> list[dict]:
    group, member, lead = listed["groups"][0], listed["members"][0], listed["leads"][0]
    return [
        {},
        {"status": "overdue"},
        {"status": "open"},
        {"status": "completed"},
        {"status": ["overdue", "regular"]},
        {"status": "assigned", "sort": "-deadline"},
        {"late_against_original": "1"},
        {"group": group.pk},
        {"group": group.pk, "status": "open"},
        {"group": group.pk, "late_against_original": "1"},
        {"member": member.pk},
        {"member": member.pk, "status": "completed", "sort": "assigned"},
        {"q": "du lieu"},
        {"lead": lead.pk},
        {"lead": lead.pk, "q": "ha tang", "sort": "-assigned"},
        {"due_from": "2025-03-01", "due_to": "2025-12-31"},
        # Read along the spans of each status (``filters.status_walks``).
        {"status": "due_soon"},
        {"status": "in_progress", "sort": "-deadline"},
        {"status": "regular", "sort": "assigned"},
        {"status": "no_deadline", "sort": "-assigned"},
        {"status": "cancelled"},
        {"status": "overdue", "sort": "-deadline"},
        {"status": "completed_on_time", "sort": "-assigned"},
        {"status": "overdue", "sort": "-assigned"},
        {"sort": "status"},
        {"sort": "-status"},
        {"status": "open", "sort": "status"},
        {"status": ["overdue", "completed_late", "cancelled"], "sort": "-status"},
        {"group": group.pk, "status": "in_progress", "sort": "-deadline"},
        {"group": group.pk, "sort": "status"},
        {"member": member.pk, "sort": "-status"},
        {"member": member.pk, "status": "overdue", "sort": "assigned"},
        # Several statuses, each read along its spans, merged (``filters.merged_walks``).
        {"status": ["due_soon", "in_progress"]},
        {"status": "completed", "sort": "-assigned"},
        {"status": "open", "sort": "-deadline"},
        {"status": ["regular", "no_deadline", "cancelled"], "sort": "assigned"},
        {"group": group.pk, "status": ["in_progress", "regular"], "sort": "-assigned"},
        # No status: counted alone, and walked in assignment order.
        {"sort": "assigned"},
        {"q": "du lieu", "sort": "-assigned"},
        {"due_to": "2025-06-30", "status": "open", "sort": "-deadline"},
        # Sorted by lead agency: along the spans' copy of the first lead's name.
        {"sort": "lead"},
        {"sort": "-lead"},
        {"status": "overdue", "sort": "lead"},
        {"status": "in_progress", "sort": "-lead"},
        {"status": ["due_soon", "in_progress", "no_deadline"], "sort": "lead"},
        {"group": group.pk, "status": "open", "sort": "-lead"},
        {"member": member.pk, "sort": "lead"},
        {"q": "du lieu", "sort": "-lead"},
    ]


def _timeline(user, params, offset, limit):
    """The rows and total of the list read from the timeline: the figures to match."""
    _state, values = parse_filters(params)
    rows, total = task_rows(build_tasks(user, values), offset, limit)
    return [(r.pk, r.status, r.due_on_as_of, r.late_against_original) for r in rows], total


def _read(user, params, offset, limit):
    _qs, _state, rows, total = filtered_rows(user, params, offset, limit)
    return [(r.pk, r.status, r.due_on_as_of, r.late_against_original) for r in rows], total


@pytest.mark.django_db
def test_lists_read_by_a_walk_give_the_rows_and_totals_of_the_timeline(
    listed, clerk, reporter, monkeypatch, subtests
):
    monkeypatch.setattr(filters, "WALK_RATIO", 0)  # every list whose number is known: walked
    statements._KEPT.clear()
    merges = []
    merged = statements.merged

    def spy(*args, **kwargs):
        found = merged(*args, **kwargs)
        merges.append(args[1].sort if found else None)
        return found

    monkeypatch.setattr(statements, "merged", spy)
    shapes = _shapes(listed)
    listed_by_shape = [0] * len(shapes)
    for as_of in DATES:
        for n, shape in enumerate(shapes):
            params = {"as_of": as_of.isoformat(), **shape}
            for user in (clerk, reporter):  # every task, and an agency's own
                for offset, limit in ((0, 50), (0, 4), (4, 4), (8, 3)):
                    with subtests.test(as_of=as_of, shape=shape, user=user.username, at=offset):
                        expected = _timeline(user, params, offset, limit)
                        listed_by_shape[n] += len(expected[0])
                        assert _read(user, params, offset, limit) == expected
    assert all(listed_by_shape), listed_by_shape  # each shape lists something
    walked = {key[3] for key in statements._KEPT if key[1] == "walk"}
    counted = {key[3] for key in statements._KEPT if key[1] == "count"}
    assert len(walked) >= 2 and counted  # both readers; counted where no status is asked
    by_status = {key[3][-1] for key in statements._KEPT if key[1] == "status walk"}
    assert by_status >= {
        *("deadline", "-deadline", "assigned", "-assigned", "status", "-status", "lead", "-lead")
    }
    assert set(merges) >= {"deadline", "-deadline", "assigned", "-assigned", "lead", "-lead"}


@pytest.mark.django_db
def test_the_kept_counts_count_the_list_as_the_timeline(listed, clerk, reporter):
    for as_of in DATES:
        for shape in _shapes(listed):
            params = {"as_of": as_of.isoformat(), **shape}
            _state, values = parse_filters(params)
            expected = _timeline(clerk, params, 0, 100)[1]
            kept = filters.kept_count(clerk, values)
            counts = filters.kept_counts(clerk, values)
            if shape.get("q") or shape.get("lead") or shape.get("due_from") or shape.get("due_to"):
                assert kept is None, shape  # not among the counts the dashboard keeps
                assert counts is None, shape
            else:
                assert kept == expected, shape
                if not shape.get("late_against_original"):
                    assert sum(n for n, _m in counts.values()) == expected, shape
                    for status, (_n, m) in counts.items():  # the program's, by status
                        only = {"as_of": params["as_of"], "status": status}
                        assert m == _timeline(clerk, only, 0, 1)[1], (shape, status)
                    if counts:  # every status the list holds is among them
                        everything = {**params, "status": list(counts)}
                        assert _timeline(clerk, everything, 0, 1)[1] == expected
            assert filters.kept_count(reporter, values) is None  # a narrowed reader's list
            assert filters.kept_counts(reporter, values) is None


@pytest.mark.django_db
def test_a_short_list_is_read_with_its_count_on_the_rows(listed, clerk, monkeypatch):
    statements._KEPT.clear()
    params = {"as_of": DATES[1].isoformat(), "status": "overdue"}
    assert _read(clerk, params, 0, 50) == _timeline(clerk, params, 0, 50)
    assert {key[1] for key in statements._KEPT} == {"status walk"}  # one status: its spans
    statements._KEPT.clear()
    monkeypatch.setattr(filters, "WALK_BUDGET", 0)  # walking a status's spans refused
    assert _read(clerk, params, 0, 50) == _timeline(clerk, params, 0, 50)
    assert {key[1] for key in statements._KEPT} == {"rows"}  # fewer than 40 × 50 tasks


@pytest.mark.django_db
def test_a_page_past_the_last_of_a_walked_list_shows_the_last(listed, clerk, client):
    statements._KEPT.clear()
    client.force_login(clerk)
    for shape in ({"status": "overdue", "sort": "-deadline"}, {"sort": "status"}, {}):
        params = {"as_of": DATES[1].isoformat(), **shape}
        rows, total = _timeline(clerk, params, 0, 1000)
        assert total
        page = client.get("/tasks/", {**params, "page": 999}).context["page"]
        last = (total - 1) // 50 + 1
        assert page.number == last and page.paginator.count == total
        assert [t.pk for t in page.object_list] == [r[0] for r in rows[(last - 1) * 50 :]]


@pytest.mark.django_db
def test_every_reading_path_makes_its_rows_with_the_callers_relate(listed, clerk, monkeypatch):
    """The API writes its items from the statement's values (``relate``): each path (walk by
    status, merged walks, walk, rows, the ORM) hands them the same tasks as the default rows."""
    monkeypatch.setattr(filters, "WALK_RATIO", 0)
    for shape in _shapes(listed):
        params = {"as_of": DATES[1].isoformat(), **shape}
        expected = [row[0] for row in _read(clerk, params, 0, 50)[0]]
        _qs, _state, items, _total = filtered_rows(
            clerk, params, 0, 50, relate=lambda values: [("item", v["id"]) for v in values]
        )
        assert items == [("item", pk) for pk in expected], shape
