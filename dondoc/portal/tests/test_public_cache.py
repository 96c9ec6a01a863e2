"""The public pages kept in the cache: shared by anonymous visitors, without cookies, and never
showing an item after it was hidden or withdrawn."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.portal import public_cache, services
from dondoc.portal.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def published(program, clerk, title: str, commit) -> Submission:
    with commit(execute=True):
        item = services.submit(
            program=program,
            kind="initiative",
            title=title,
            description="Nội dung về đất hiếm",
            name="An",
            consent_to_publish=True,
        )
        services.answer(item, text="Đã tiếp thu", by=clerk)
        return services.publish(item, by=clerk)


def visit(url: str, **params) -> str:
    """A first visit: a new browser, no cookie."""
    response = Client().get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_hidden_item_leaves_the_kept_pages_at_the_next_request(
    program, clerk, settings, django_capture_on_commit_callbacks
):
    settings.DONDOC_PORTAL_HIDE_AFTER_REPORTS = 1
    kept = published(program, clerk, "Bản đồ đất hiếm", django_capture_on_commit_callbacks)
    item = published(program, clerk, "Tái chế đất hiếm", django_capture_on_commit_callbacks)
    pages = [
        reverse("portal:published"),
        reverse("portal:published") + "?q=dat+hiem",
        reverse("portal:published-json"),
        reverse("portal:published-atom"),
    ]
    for url in pages:
        assert "Tái chế đất hiếm" in visit(url)
    # A change that goes around the services (and so is not seen) shows the page is kept.
    Submission.objects.filter(pk=kept.pk).update(title="Đổi thẳng trong cơ sở dữ liệu")
    assert "Bản đồ đất hiếm" in visit(reverse("portal:published"))

    with django_capture_on_commit_callbacks(execute=True):
        hidden = services.report_abuse(item)
    assert hidden.hidden
    for url in pages:
        body = visit(url)
        assert "Tái chế đất hiếm" not in body
        assert "Đổi thẳng trong cơ sở dữ liệu" in body  # rendered afresh
    assert Client().get(reverse("portal:published-detail", args=[item.pk])).status_code == 404


def test_a_withdrawn_item_leaves_its_kept_page(program, clerk, django_capture_on_commit_callbacks):
    item = published(program, clerk, "Khai thác đất hiếm", django_capture_on_commit_callbacks)
    url = reverse("portal:published-detail", args=[item.pk])
    assert "Khai thác đất hiếm" in visit(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.select(item, by=clerk)  # back to "selected": off the public page
    assert Client().get(url).status_code == 404
    assert "Khai thác đất hiếm" not in visit(reverse("portal:published"))


def test_public_pages_set_no_cookie_and_answer_304_when_unchanged(
    program, clerk, django_capture_on_commit_callbacks
):
    program.public = True
    program.save(update_fields=["public"])
    item = published(program, clerk, "Dữ liệu mở", django_capture_on_commit_callbacks)
    for url in (
        reverse("portal:published"),
        reverse("portal:published") + "?q=du+lieu",
        reverse("portal:published-detail", args=[item.pk]),
        reverse("portal:published-json"),
        reverse("portal:published-atom"),
        reverse("portal:progress"),
    ):
        browser = Client()
        first = browser.get(url)
        assert first.status_code == 200, url
        assert not first.cookies, url  # no session, no CSRF cookie
        assert "csrfmiddlewaretoken" not in first.content.decode(), url
        assert "public" in first["Cache-Control"], url
        if url != reverse("portal:progress"):
            assert "no-cache" in first["Cache-Control"]
            again = browser.get(url, headers={"if-none-match": first["ETag"]})
            assert again.status_code == 304 and not again.content


def test_a_search_as_typed_is_shown_back_as_typed(
    program, clerk, django_capture_on_commit_callbacks
):
    published(program, clerk, "Đất hiếm", django_capture_on_commit_callbacks)
    assert 'value="dat hiem"' in visit(reverse("portal:published"), q="dat hiem")
    assert 'value="đất hiếm"' in visit(reverse("portal:published"), q="đất hiếm")


def test_the_kept_form_carries_each_visitors_own_token_and_can_be_sent(client, program):
    tokens = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(reverse("portal:submit"))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert token and "@@" not in token[1]
        tokens.append(token[1])
        sent = browser.post(
            reverse("portal:submit"),
            {
                "csrfmiddlewaretoken": token[1],
                "kind": "initiative",
                "title": "Thử biểu mẫu",
                "description": "Nội dung đủ dài để gửi.",
                "submitter_kind": "person",
                "name": "Bình",
                "phone": "0912 345 678",
                "public_name": "anonymous",
                "website": "",
            },
        )
        assert sent.status_code == 302, sent.content.decode()[:500]
    assert tokens[0] != tokens[1]


def test_the_language_switch_needs_no_token(program):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("portal:language"), {"language": "en", "next": reverse("portal:published")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:published")
    assert browser.get(reverse("portal:published"))["Content-Language"] == "en"


def test_the_kept_follow_page_carries_each_visitors_own_token(program):
    tokens = set()
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(reverse("portal:track")).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        tokens.add(token)
        answer = browser.post(
            reverse("portal:track"), {"csrfmiddlewaretoken": token, "code": "ABCD-EFGH-JK"}
        )
        assert answer.status_code == 404  # checked (not refused as forged): no such code
    assert len(tokens) == 2


def test_a_visitor_who_reports_sees_the_thanks_on_the_kept_page(
    program, clerk, django_capture_on_commit_callbacks
):
    item = published(program, clerk, "Hạ tầng số", django_capture_on_commit_callbacks)
    url = reverse("portal:published-detail", args=[item.pk])
    browser = Client()
    browser.get(reverse("portal:published"))  # a session from anywhere does not matter
    assert "Hạ tầng số" in browser.get(url).content.decode()  # now kept
    page = browser.post(reverse("portal:report", args=[item.pk]), follow=True)
    assert "Cảm ơn" in page.content.decode()
    assert "Cảm ơn" not in browser.get(url).content.decode()  # shown once


def test_a_renamed_group_or_agency_shows_on_the_kept_pages_at_once(
    program, clerk, django_capture_on_commit_callbacks
):
    item = published(program, clerk, "Sàn giao dịch công nghệ", django_capture_on_commit_callbacks)
    group = program.groups.first()
    agency = OrgUnit.objects.create(code="bo-x", kind=OrgKind.MINISTRY, name="Đảng ủy Bộ X")
    Submission.objects.filter(pk=item.pk).update(group=group, routed_to=agency)
    public_cache.bump()
    url = reverse("portal:published-detail", args=[item.pk])
    assert group.title in visit(url) and agency.name in visit(url)
    assert group.title in visit(reverse("portal:submit"))  # the form's choice of groups

    with django_capture_on_commit_callbacks(execute=True):
        group.title = "Nhóm đã đổi tên"
        group.save()
    with django_capture_on_commit_callbacks(execute=True):
        agency.name = "Cơ quan đã đổi tên"
        agency.save()
    body = visit(url)
    assert "Nhóm đã đổi tên" in body and "Cơ quan đã đổi tên" in body
    assert "Nhóm đã đổi tên" in visit(reverse("portal:published"))
    assert "Nhóm đã đổi tên" in visit(reverse("portal:submit"))


def test_loading_new_agencies_keeps_the_public_pages(program, django_capture_on_commit_callbacks):
    visit(reverse("portal:published"))
    generation = cache.get(public_cache.GENERATION)
    with django_capture_on_commit_callbacks(execute=True):
        OrgUnit.objects.create(code="so-moi", kind=OrgKind.OTHER, name="Sở mới")
    assert cache.get(public_cache.GENERATION) == generation
