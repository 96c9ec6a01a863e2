"""The review screen over HTTP: paste a text, see the cards beside the marked text, change a
card with htmx or without, and a stale form answered 409 with its message."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from dondoc.reader import drafts, views
from dondoc.reader.models import ReadingDraft
from dondoc.reader.tests.review_fixtures import NOTICE, sample_reading
from dondoc.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(program, committee, most, hanoi, member_person, clerk):
    return drafts.create_draft(program=program, reading=sample_reading(), by=clerk)


def test_pasting_a_text_keeps_a_draft_and_opens_its_review(
    client, clerk, program, committee, monkeypatch
):
    monkeypatch.setattr(views, "read_directive", lambda text, register=None: sample_reading())
    client.force_login(clerk)
    response = client.post(reverse("reader-start"), {"program": "NQ57", "text": NOTICE})
    draft = ReadingDraft.objects.get()
    assert response.status_code == 302 and response.url == reverse("reader-review", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert 'data-cards="c1"' in page and "(5).3" in page
    assert "Low confidence" in page or "Độ tin cậy thấp" in page  # card 5.3 is at 0.4
    assert "Bộ Quốc phòng Xanh" in page and 'name="map_leads_0"' in page


def test_a_file_of_another_kind_is_refused_with_a_message(client, clerk, program):
    client.force_login(clerk)
    upload = io.BytesIO(b"PK\x03\x04junk")
    upload.name = "bang.xlsx"
    response = client.post(reverse("reader-start"), {"program": "NQ57", "file": upload})
    assert response.status_code == 400 and ".xlsx" in response.content.decode()
    assert not ReadingDraft.objects.exists()


def test_htmx_action_answers_with_the_review_region_only(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    response = client.post(
        url, {"action": "drop", "card": "c3", "version": draft.version}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="review"')
    draft.refresh_from_db()
    assert draft.proposals[2]["state"] == drafts.DROPPED


def test_a_stale_form_is_answered_409_and_nothing_changes(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    client.post(url, {"action": "drop", "card": "c3", "version": draft.version})
    response = client.post(url, {"action": "accept_one", "card": "c1", "version": draft.version})
    assert response.status_code == 409
    assert not Task.objects.exists()


def test_accepting_without_htmx_redirects_back_to_the_card(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    response = client.post(
        url, {"action": "accept", "cards": ["c1", "c2"], "version": draft.version}
    )
    assert response.status_code == 302 and Task.objects.count() == 2
    task = Task.objects.get(content__startswith="Xây dựng Luật")
    page = client.get(reverse("task-detail", args=[task.pk])).content.decode()
    assert "source-passage" in page and "(5).1" in page


def test_mapping_an_unknown_agency(client, clerk, draft, hanoi):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    client.post(
        url,
        {
            "action": "map",
            "card": "c3",
            "version": draft.version,
            "map_leads_0": f"unit:{hanoi.pk}",
        },
    )
    draft.refresh_from_db()
    assert draft.proposals[2]["leads"][0]["ref"] == f"unit:{hanoi.pk}"


def test_a_reporter_may_not_read_directives(client, reporter, draft):
    client.force_login(reporter)
    assert client.get(reverse("reader-start")).status_code == 403
    assert client.get(reverse("reader-review", args=[draft.pk])).status_code == 403


def test_the_real_reader_on_notice_01_gives_a_review_with_its_numbered_items(
    client, clerk, program, committee
):
    from pathlib import Path

    text = (Path(__file__).parent / "annotated" / "notice_01_tb_bcdtw.txt").read_text()
    client.force_login(clerk)
    response = client.post(reverse("reader-start"), {"program": "NQ57", "text": text})
    assert response.status_code == 302
    draft = ReadingDraft.objects.get()
    labels = {c["label"] for c in draft.proposals}
    assert {"(1)", "(5).3", "(11)"} <= labels, sorted(labels)
    page = client.get(response.url)
    assert page.status_code == 200 and b"<mark data-cards=" in page.content


def test_the_card_shows_the_suggested_solution_group_and_the_edit_changes_it(
    client, clerk, program, committee, most, hanoi, member_person
):
    from dondoc.tasks.models import SolutionGroup

    minerals, law = SolutionGroup.objects.filter(program=program).order_by("number")[2:4]
    SolutionGroup.objects.filter(pk=minerals.pk).update(keywords="khoáng sản")
    draft = drafts.create_draft(program=program, reading=sample_reading(), by=clerk)
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    page = client.get(url).content.decode()
    assert f"{minerals.number}. {minerals.title}" in page and 'name="group"' in page
    c = draft.proposals[0]
    response = client.post(
        url,
        {
            "action": "edit",
            "card": c["id"],
            "version": draft.version,
            "content": c["content"],
            "deadline": c["deadline"],
            "choice": "new",
            "group": str(law.pk),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.proposals[0]["group_id"] == law.pk


def test_split_posts_the_cursor_offset_and_the_server_cuts_there(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'class="split-form"' in page and 'name="at"' in page and 'name="first"' not in page
    content = draft.proposals[1]["content"]  # (5).1 "Xây dựng Luật Khoa học, công nghệ …"
    at = content.index("công nghệ")
    response = client.post(
        url,
        {"action": "split", "card": "c2", "version": draft.version, "content": content, "at": at},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    first, second = draft.proposals[1], draft.proposals[2]
    assert (first["content"], second["content"]) == (
        "Xây dựng Luật Khoa học,",
        "công nghệ và đổi mới sáng tạo.",
    )
    assert NOTICE[second["span"][0] : second["span"][1]].startswith("công nghệ và đổi mới")


def test_split_without_javascript_cuts_at_the_line_break_and_redirects(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    text = "Xây dựng Luật Khoa học,\r\ncông nghệ và đổi mới sáng tạo."
    response = client.post(
        url, {"action": "split", "card": "c2", "version": draft.version, "content": text, "at": ""}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [c["content"] for c in draft.proposals[1:3]] == [
        "Xây dựng Luật Khoa học,",
        "công nghệ và đổi mới sáng tạo.",
    ]


def test_split_without_a_cut_says_where_to_put_the_cursor(client, clerk, draft):
    client.force_login(clerk)
    url = reverse("reader-review", args=[draft.pk])
    content = draft.proposals[1]["content"]
    response = client.post(
        url,
        {"action": "split", "card": "c2", "version": draft.version, "content": content},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "cursor" in response.content.decode() or "con trỏ" in response.content.decode()
    draft.refresh_from_db()
    assert len(draft.proposals) == 4
