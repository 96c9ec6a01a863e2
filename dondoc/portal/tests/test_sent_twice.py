"""A citizen who sends the same text twice is told so, without the page ever telling a
stranger who sent what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from dondoc.outbox.models import OutgoingMail
from dondoc.portal.models import Submission
from dondoc.portal.tests.test_public import form, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_sending_again_from_the_same_browser_shows_the_earlier_code_and_records_nothing(
    client, program
):
    post(client, form())
    first = Submission.objects.get()
    response = post(client, form(title="Bản đồ số  đất hiếm."))  # same words
    page = response.content.decode()
    assert response.status_code == 200
    assert first.display_code in page and 'name="send_anyway" value="1"' in page
    assert "Có vẻ bạn đã gửi nội dung này rồi" in page
    assert Submission.objects.count() == 1

    response = post(client, form(send_anyway="1"))
    assert response.status_code == 302 and Submission.objects.count() == 2
    assert Submission.objects.latest("pk").duplicate_of == first


def test_the_same_sender_is_known_by_phone_for_a_week(client, program):
    with time_machine.travel(dt.datetime(2025, 8, 1, 9, tzinfo=dt.UTC)):
        post(client, form(email=""))
        response = post(client, form(email="", phone="0912345678"))
        assert response.status_code == 200 and Submission.objects.count() == 1
        # Another sender at the same computer is not told of it.
        response = post(client, form(email="khac@example.org", phone="0987 654 321"))
        assert response.status_code == 302 and Submission.objects.count() == 2
    with time_machine.travel(dt.datetime(2025, 8, 9, 9, tzinfo=dt.UTC)):
        response = post(client, form(email=""))
    assert response.status_code == 302 and Submission.objects.count() == 3


def test_from_another_browser_it_is_recorded_and_only_the_e_mail_names_the_earlier_code(
    client, program
):
    post(client, form())
    first = Submission.objects.get()
    elsewhere = Client()
    response = post(elsewhere, form())
    assert response.status_code == 302 and Submission.objects.count() == 2
    second = Submission.objects.latest("pk")
    receipt = elsewhere.get(response.url).content.decode()
    assert second.display_code in receipt and first.display_code not in receipt
    mail = OutgoingMail.objects.get(body__contains=second.display_code)
    assert mail.to == "binh@example.org" and first.display_code in mail.body


def test_a_stranger_with_the_senders_phone_is_not_mailed_their_code(client, program):
    post(client, form())
    victim = Submission.objects.get()
    stranger = Client()
    response = post(stranger, form(email="ke-la@example.org"))  # same text and phone
    assert response.status_code == 302 and Submission.objects.count() == 2
    mail = OutgoingMail.objects.get(to="ke-la@example.org")
    assert victim.display_code not in mail.body
