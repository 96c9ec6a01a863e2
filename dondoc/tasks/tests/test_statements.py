"""The task list's rows statement (``tasks.statements``), written once per filter shape, gives
the rows and totals the ORM gives for the same filters, for every value put in its places, and
reads the database on every request."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.core.testing.concurrency import on_postgres
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import OrgGroup
from dondoc.tasks import services, statements
from dondoc.tasks.filters import build_tasks, parse_filters, task_rows
from dondoc.tasks.models import Task

AS_OF = "2025-06-20"


@pytest.fixture
def tasks(program, notice, most, hanoi, member_person, clerk):
    ensure_standard_groups()
    provinces = OrgGroup.objects.get(code="tinh-thanh-pho")
    made = []
    for i, (content, deadline, leads, output) in enumerate(
        [
            ("Hoàn thiện thể chế dữ liệu", "Quý I/2025", [most, provinces], "Nghị định số"),
            ("Xây dựng cơ sở dữ liệu 100%", "Tháng 4/2025", [hanoi], "Đề án"),
            ("Thường xuyên theo dõi", "Thường xuyên", [most], ""),
            ("Phát triển hạ_tầng số", "Tháng 9/2025", [hanoi, most], "Quyết định"),
            ("Đào tạo nhân lực", "Năm 2026", [provinces], "Nghị định khác"),
        ]
    ):
        made.append(
            services.create_task(
                program=program,
                content=content,
                assigned_on=dt.date(2025, 1, 10 + i),
                deadline=deadline,
                sources=[(notice, f"Ý {i}", "")],
                leads=leads,
                members=[member_person] if i % 2 else [],
                expected_output=output,
            )
        )
    services.post_update(
        made[0],
        by=clerk,
        text="Xong",
        reported_on=dt.date(2025, 3, 1),
        status_change="completed",
        effective_on=dt.date(2025, 3, 1),
    )
    return made


FILTERS = [
    {},
    {"status": "open"},
    {"status": "overdue"},
    {"status": ["completed", "regular"], "sort": "status"},
    {"q": "du lieu"},
    {"q": "100%"},  # LIKE's own characters, escaped as the ORM escapes them
    {"q": "ha_tang"},
    {"q": "ha tang"},
    {"output": "nghi dinh", "sort": "-lead"},
    {"due_from": "2025-03-01", "due_to": "2025-12-31", "sort": "-deadline"},
    {"late_against_original": "1"},
    {"sort": "assigned"},
    {"as_of": "2025-02-01"},
    {"as_of": "2026-06-01", "status": "overdue"},
]


def _orm(user, params, offset=0, limit=50, annotations=()):
    _state, values = parse_filters({"as_of": AS_OF, **params})
    rows, total = task_rows(build_tasks(user, values, source="spans"), offset, limit, annotations)
    return [vars(r) | {"task_agencies": None, "sources": None, "members": None,
                       "task_groups": None, "program": None, "group": None}
            for r in rows], total  # fmt: skip


def _statement(user, params, offset=0, limit=50, annotations=()):
    _state, values = parse_filters({"as_of": AS_OF, **params})
    found = statements.rows(user, values, offset, limit, annotations)
    assert found is not None, params  # this shape is kept
    total = found[0]["total_rows"] if found else 0
    return [
        {**row, "pk": row["id"], "task_agencies": None, "sources": None, "members": None,
         "task_groups": None, "program": None, "group": None}
        for row in found
    ], total  # fmt: skip


@pytest.mark.django_db
def test_the_statement_reads_the_rows_the_orm_reads(tasks, clerk, reporter, most, hanoi):
    for user in (clerk, reporter):  # every task, and an agency's own (the policy's narrowing)
        for params in [
            *FILTERS,
            {"lead": most.pk},
            {"lead": hanoi.pk, "status": "open"},
            {"agency": most.pk},
            {"agency": hanoi.pk, "q": "du lieu"},
        ]:
            assert _statement(user, params) == _orm(user, params), (user.role, params)
        annotations = ("closure_on_as_of",)  # the API's completion date
        assert _statement(clerk, {}, annotations=annotations) == _orm(
            clerk, {}, annotations=annotations
        )
        assert _statement(user, {}, offset=2, limit=2) == _orm(user, {}, offset=2, limit=2)


@pytest.mark.django_db
def test_a_list_nothing_matches_is_one_statement(tasks, clerk, django_assert_num_queries):
    from dondoc.tasks.filters import filtered_rows

    # The program, the kept counts where the list is one they count, then the rows statement,
    # which finds none: not the whole list again through the ORM.
    for params, queries in (
        ({"q": "khong co gi"}, 2),
        ({"due_from": "2030-01-01"}, 2),
        ({"status": "cancelled", "q": "du lieu"}, 2),
        ({"status": "cancelled", "sort": "lead"}, 3),
    ):
        params = {"as_of": AS_OF, "sort": "assigned", **params}
        filtered_rows(clerk, params, 0, 50)  # the statement written once for the shape
        with django_assert_num_queries(queries):
            assert filtered_rows(clerk, params, 0, 50)[2:] == ([], 0)


@pytest.mark.django_db
def test_each_page_holds_the_rows_and_total_of_the_whole_list_in_every_order(tasks, clerk):
    # The page's ids and the windows are found first, then the columns of those ids alone:
    # the same rows in the same order as reading every column of every task.
    for sort in ("deadline", "assigned", "status", "lead"):
        for params in ({"sort": sort}, {"sort": f"-{sort}", "q": "d"}):
            for offset, limit in ((0, 1), (1, 2), (3, 2), (4, 50)):
                rows, total = _orm(clerk, params, offset, limit)
                if rows:  # past the last row the statement finds none, and the ORM counts
                    assert _statement(clerk, params, offset, limit) == (rows, total), params


@pytest.mark.django_db
def test_one_statement_serves_every_value_of_a_shape(tasks, clerk, hanoi):
    statements._KEPT.clear()
    for params in (
        {"q": "du lieu", "lead": hanoi.pk, "status": "in_progress", "as_of": "2025-02-01"},
        {"q": "theo doi", "lead": hanoi.pk, "status": "overdue"},
        {"q": "zzz", "lead": hanoi.pk, "status": "regular"},
        {"q": "so", "lead": hanoi.pk, "status": "overdue", "as_of": "2026-03-01"},
    ):
        assert _statement(clerk, params) == _orm(clerk, params), params
    assert len(statements._KEPT) == 1


@pytest.mark.django_db
def test_the_statement_reads_the_data_as_it_is_now(tasks, clerk):
    before, total = _statement(clerk, {"q": "dao tao"})
    assert total == 1
    Task.objects.filter(pk=tasks[4].pk).update(content_folded="khac")
    assert _statement(clerk, {"q": "dao tao"}) == ([], 0)
    assert before[0]["id"] == tasks[4].pk


@pytest.mark.django_db
def test_the_list_page_and_the_api_read_the_statement(client, tasks, clerk, most):
    client.force_login(clerk)
    statements._KEPT.clear()
    page = client.get("/tasks/", {"as_of": AS_OF, "lead": most.pk, "q": "du lieu"})
    api = client.get("/api/tasks", {"as_of": AS_OF, "lead": most.pk, "q": "du lieu"})
    assert [t.pk for t in page.context["tasks"]] == [item["id"] for item in api.json()["items"]]
    assert page.context["tasks"] and len(statements._KEPT) == 2  # the page's and the API's
    assert all(kept is not None for kept in statements._KEPT.values())


@pytest.mark.django_db
def test_a_key_without_the_readers_narrowing_fails_in_the_tests(
    tasks, clerk, reporter, monkeypatch
):
    """The suite checks every reuse against the ORM: were the policy's narrowing left out of
    the key, an agency's reporter would be served the statement written for the Standing
    Office, and the reuse fails."""
    statements._KEPT.clear()
    monkeypatch.setattr(statements, "task_visibility_key", lambda user: ("everyone alike",))
    _statement(clerk, {"status": "open"})
    with pytest.raises(AssertionError, match="differs from the ORM"):
        _statement(reporter, {"status": "open"})


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgres(), reason="the trigram index is made on PostgreSQL only")
@pytest.mark.django_db
def test_the_search_can_read_the_trigram_index_instead_of_every_task(tasks):
    from django.db import connection

    # The list's search, as ``build_tasks`` writes it.
    sql, params = Task.objects.filter(content_folded__contains="du lieu").query.sql_with_params()
    with connection.cursor() as cursor:
        # Five tasks: a scan would win; with scans off, only an index that can test the
        # pattern is left.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on tasks_task_content_folded_trgm" in plan, plan
