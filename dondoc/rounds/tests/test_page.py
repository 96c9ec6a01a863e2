"""The submission page's rows written in Python are the HTML its template wrote for them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from dondoc.core.uploads import check_upload
from dondoc.rounds import services
from dondoc.rounds.page import SubmissionWriter, submission_events, submission_updates
from dondoc.tasks.services import IncomingFile

VN = dt.timezone(dt.timedelta(hours=7))

#: The loops of ``rounds/submission.html`` as the template wrote them.
UPDATES = """{% load i18n dondoc %}{% for update in updates %}
          <li id="update-{{ update.pk }}" class="update-{{ update.state }}"><span class="when">{{ update.reported_on|ddmmyyyy }}</span>{% if update.author %} · {{ update.author }}{% endif %}{% if update.state == "draft" %} <span class="badge status-due-soon">{% translate "Draft" %}</span>{% if update.author_id == request.user.pk and may_prepare %} · <a href="{% url 'update-edit' update.pk %}?next={{ request.path|urlencode }}%23task-{{ task.pk }}">{% translate "Edit the draft" %}</a>{% endif %}{% endif %}
            <p>{{ update.text|linebreaksbr }}</p>
            {% if update.attachments.all %}<ul class="attachments">{% for a in update.attachments.all %}<li><a href="{% url 'attachment-download' a.pk %}">{{ a.original_name }}</a> <small>({{ a.size|filesizeformat }})</small></li>{% endfor %}</ul>{% endif %}
          </li>
          {% endfor %}"""  # noqa: E501
EVENTS = """{% load i18n dondoc %}{% for event in events %}
        <li class="event-{{ event.kind }}"><span class="when">{{ event.at|ddmmyyyy }}</span> <span class="by">· {{ event.by|default:"—" }}</span>
          <div>{{ event.get_kind_display }}{% if event.task_id %} <a href="#task-{{ event.task_id }}">#{{ event.task_id }}</a>{% endif %}</div>
          {% if event.comment %}<p class="text">{{ event.comment|linebreaksbr }}</p>{% endif %}</li>
        {% endfor %}"""  # noqa: E501


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN), tick=False):
        yield


def _file(name: str, content: bytes) -> IncomingFile:
    data = io.BytesIO(content)
    return IncomingFile(data, check_upload(data, name)[0])


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("may_prepare", [True, False])
def test_written_rows_are_the_templates_html(
    q2, most, most_tasks, reporter, head, clerk, language, may_prepare
):
    task = most_tasks[0]
    draft = services.start_submission(q2, most, by=reporter)
    services.add_update(
        draft,
        task,
        by=reporter,
        text='Hai dòng <b>"đậm"</b> & ký tự\nDòng thứ hai',
        files=[_file("biên bản.pdf", b"%PDF-1.4 " + b"x" * 3000)],
    )
    services.add_update(draft, task, by=head, text="Của trưởng đơn vị")
    services.send_to_head(draft, by=reporter, note="")
    services.submit(draft, by=head, note="")
    services.return_for_correction(draft, by=clerk, comment="Thiếu số liệu\n<i>bổ sung</i>")
    services.add_update(draft, task, by=reporter, text="Bổ sung sau khi bị trả lại")
    updates = submission_updates(reporter, draft.pk)
    events = submission_events(draft.pk)
    assert [u.state for u in updates] == ["published", "published", "draft"]
    assert updates[0].attachments_shown
    assert len(events) >= 4 and any(e.comment for e in events)

    request = RequestFactory().get(f"/rounds/{q2.pk}/agencies/{most.pk}/")
    request.user = reporter
    with translation.override(language):
        writer = SubmissionWriter(request, may_prepare=may_prepare)
        engine = engines["django"]
        context = {"request": request, "task": task, "may_prepare": may_prepare}
        expected_updates = engine.from_string(UPDATES).render({**context, "updates": updates})
        expected_events = engine.from_string(EVENTS).render({**context, "events": events})
        assert writer.updates(updates, task.pk) == expected_updates
        assert writer.events(events) == expected_events
