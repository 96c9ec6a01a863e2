"""The task page reads its status from the maintained spans and asks only for the parts a task
has; what it shows must be what the computed path shows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dondoc.tasks import manage, services
from dondoc.tasks.models import RelationKind, Task
from dondoc.tasks.queries import with_late_against_original
from dondoc.tasks.tests.test_views import dataset  # noqa: F401 - a fixture


def _page(client, task: Task):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/tasks/{task.pk}/")
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_task_page_status_is_the_status_computed_for_today(client, clerk, dataset):  # noqa: F811
    late = dataset["rare_earths"]  # past its first deadline, then given a later one
    manage.change_deadline(late, by=clerk, reason="Lùi hạn", phrase="Quý IV/2030")
    duplicate = dataset["later"]
    services.merge_tasks(dataset["land"], duplicate, by=clerk)  # no span: the computed path
    client.force_login(clerk)
    today = timezone.localdate()
    for task in Task.objects.filter(program=late.program):
        response, _n = _page(client, task)
        shown = response.context["task"]
        computed = with_late_against_original(Task.objects.filter(pk=task.pk), today).get()
        assert (shown.status, shown.late_against_original) == (
            computed.status,
            computed.late_against_original,
        ), task.content
    assert _page(client, late)[0].context["task"].late_against_original


def test_task_page_reads_a_part_only_when_the_task_has_it(client, clerk, dataset):  # noqa: F811
    task, other = dataset["land"], dataset["network"]
    client.force_login(clerk)
    response, bare = _page(client, task)
    body = response.content.decode()
    assert 'id="deadlines"' not in body and "related-tasks" not in body

    services.relate_tasks(task, other, kind=RelationKind.RELATED, by=clerk)
    manage.change_deadline(task, by=clerk, reason="Lùi hạn", phrase="Quý III/2025")
    services.post_update(task, by=clerk, text="Đã làm", reported_on=dt.date(2025, 4, 1))
    response, filled = _page(client, task)
    body = response.content.decode()
    assert f'href="/tasks/{other.pk}/"' in body  # the related task
    assert 'id="deadlines"' in body and "Lùi hạn" in body  # deadline history, task changes
    assert "Đã làm" in body
    assert filled > bare


def test_timeline_entries_escape_what_reporters_wrote(client, clerk, dataset):  # noqa: F811
    task = dataset["land"]
    services.post_update(task, by=clerk, text="<script>x</script> & co", reported_on=None)
    client.force_login(clerk)
    body = _page(client, task)[0].content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in body
