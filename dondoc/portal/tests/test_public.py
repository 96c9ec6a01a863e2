"""The public portal as a citizen (and a robot) meets it: codes, limits, files, escaping."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dondoc.outbox.models import OutgoingMail
from dondoc.portal import codes, services
from dondoc.portal.models import State, Submission, SubmissionAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 a short initiative\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def form(**overrides) -> dict:
    data = {
        "kind": "initiative",
        "title": "Bản đồ số đất hiếm",
        "description": "Xây dựng bản đồ số về trữ lượng đất hiếm để quản lý khai thác.",
        "submitter_kind": "person",
        "name": "Trần Thị Bình",
        "phone": "0912 345 678",
        "email": "binh@example.org",
        "public_name": "anonymous",
        "consent_to_publish": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def post(client, data, **extra):
    return client.post(reverse("portal:submit"), data, **extra)


# Tracking codes -----------------------------------------------------------------------------


def test_codes_are_ten_unambiguous_characters_shown_in_groups():
    code = codes.new_code()
    assert len(code) == 10 and set(code) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", codes.display(code))
    assert codes.normalise(" " + codes.display(code).lower() + " ") == code
    assert codes.normalise("K7QM-2XPA-9") is None  # one character short
    assert codes.normalise("K7QM-2XPA-90") is None  # 0 is not in the alphabet


def test_codes_are_unique_and_not_a_sequence(program):
    made = [
        services.submit(
            program=program,
            kind="feedback",
            title=f"Ý kiến {i}",
            description=f"Nội dung {i}",
            name="A",
        )
        for i in range(30)
    ]
    stored = [s.code for s in made]
    assert len(set(stored)) == 30
    # Consecutive submissions get unrelated codes: nearly every character differs (a counter
    # or an encoded id would change only the last few).
    distances = [
        sum(x != y for x, y in zip(a, b, strict=True)) for a, b in itertools.pairwise(stored)
    ]
    assert sum(distances) / len(distances) > 7


# The form -----------------------------------------------------------------------------------


def test_a_citizen_submits_with_a_file_gets_a_code_and_an_email_receipt(client, program):
    upload = SimpleUploadedFile("de-xuat.pdf", PDF, content_type="application/pdf")
    response = post(client, form(files=upload))
    assert response.status_code == 302 and response.url == reverse("portal:receipt")
    submission = Submission.objects.get()
    assert submission.state == State.RECEIVED
    assert submission.attachments.get().original_name == "de-xuat.pdf"
    receipt = client.get(reverse("portal:receipt"))
    assert submission.display_code in receipt.content.decode()
    mail = OutgoingMail.objects.get()
    assert mail.to == "binh@example.org" and submission.display_code in mail.body


def test_the_21st_submission_from_one_address_is_refused_and_nothing_is_written(client, program):
    for i in range(20):
        response = post(client, form(title=f"Sáng kiến {i}", email=""))
        assert response.status_code == 302, i
    response = post(client, form(title="Sáng kiến 21", email=""))
    assert response.status_code == 429
    assert "Chưa có gì được ghi nhận" in response.content.decode()
    assert Submission.objects.count() == 20
    assert not Submission.objects.filter(title="Sáng kiến 21").exists()


def test_another_address_is_not_limited_by_the_first(client, program, settings):
    settings.DONDOC_PORTAL_LIMIT = 1
    assert post(client, form(email=""), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert post(client, form(email="", title="Khác"), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert post(client, form(email="", title="Khác"), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_behind_a_proxy_the_last_forwarded_hop_is_the_address(client, program, settings):
    settings.DONDOC_PORTAL_LIMIT = 1
    settings.DONDOC_BEHIND_PROXY = True
    # The client writes what it likes in front; the proxy appends the address it saw.
    first = post(client, form(email=""), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    second = post(client, form(email="", title="B"), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9")
    assert (first.status_code, second.status_code) == (302, 429)


def test_a_script_tag_in_the_text_is_shown_as_text(client, program):
    post(client, form(title="<script>alert(1)</script>", description="<b>đậm</b>"))
    page = client.get(reverse("portal:receipt"))
    submission = Submission.objects.get()
    response = client.post(reverse("portal:track"), {"code": submission.display_code})
    body = response.content.decode()
    assert (
        "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    )
    assert "<b>đậm</b>" not in body
    assert page.status_code == 200


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("de-xuat.pdf", b"MZ\x90\x00\x03\x00\x00\x00 an executable", "does not contain"),
        ("lon.pdf", b"%PDF-1.4 " + b"x" * 2048, "larger than"),
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
    ],
)
def test_a_bad_file_is_refused_and_leaves_no_record(
    client, program, settings, name, content, reason
):
    settings.DONDOC_PORTAL_MAX_FILE_BYTES = 1024 * 1024 if "lon" not in name else 1024
    settings.LANGUAGE_CODE = "en"
    response = post(client, form(files=SimpleUploadedFile(name, content)))
    assert response.status_code == 400
    assert Submission.objects.count() == 0
    assert SubmissionAttachment.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, program, settings):
    settings.DONDOC_PORTAL_MAX_FILE_BYTES = 1024 * 1024
    settings.LANGUAGE_CODE = "en"
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4 " + b"0" * (1024 * 1024 + 10))
    response = post(client, form(files=big))
    assert response.status_code == 400
    assert Submission.objects.count() == 0


def test_a_guessed_or_altered_code_shows_the_same_not_found_page(client, program):
    post(client, form())
    code = Submission.objects.get().code
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    answers = [
        client.post(reverse("portal:track"), {"code": text})
        for text in (altered, "KKKK-KKKK-KK", "not a code at all", "")
    ]
    assert {r.status_code for r in answers} == {404}
    bodies = {
        re.sub(r' value="[^"]*"', "", r.content.decode())  # the token, the code typed
        for r in answers[:3]
    }
    assert len(bodies) == 1
    found = client.post(reverse("portal:track"), {"code": codes.display(code).lower()})
    assert found.status_code == 200 and "Bản đồ số đất hiếm" in found.content.decode()


def test_the_same_text_sent_twice_is_linked_not_counted_twice(client, program):
    post(client, form())
    post(client, form(title="BẢN ĐỒ SỐ ĐẤT HIẾM!", email="khac@example.org", phone="0987 654 321"))
    first, second = Submission.objects.order_by("pk")
    assert second.duplicate_of == first and first.duplicate_of is None
    assert Submission.objects.filter(duplicate_of__isnull=True).count() == 1


def test_the_honeypot_holds_the_item_for_moderation_without_email(client, program):
    response = post(client, form(website="http://spam.example"))
    assert response.status_code == 302  # a robot learns nothing
    submission = Submission.objects.get()
    assert submission.flagged and OutgoingMail.objects.count() == 0


def test_link_heavy_text_is_held_for_moderation(program):
    links = " ".join(f"https://x{i}.example" for i in range(4))
    item = services.submit(
        program=program, kind="feedback", title="Mua ngay", description=links, name="B"
    )
    assert item.flagged


def test_a_published_item_is_hidden_after_three_reports(client, program, clerk):
    item = services.submit(
        program=program,
        kind="initiative",
        title="Đất hiếm",
        description="Nội dung",
        name="C",
        consent_to_publish=True,
    )
    services.answer(item, text="Cảm ơn", by=clerk)
    services.publish(item, by=clerk)
    url = reverse("portal:report", args=[item.pk])
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):  # the same address counts once
        client.post(url, REMOTE_ADDR=address)
    item.refresh_from_db()
    assert item.report_count == 2 and not item.hidden
    client.post(url, REMOTE_ADDR="10.0.0.3")
    item.refresh_from_db()
    assert item.hidden
    assert client.get(reverse("portal:published-detail", args=[item.pk])).status_code == 404


def test_published_list_finds_without_diacritics_and_respects_anonymity(client, program, clerk):
    shown = services.submit(
        program=program,
        kind="initiative",
        title="Khai thác đất hiếm",
        description="Nội dung",
        name="Nguyễn Văn An",
        public_name="show",
        consent_to_publish=True,
    )
    hidden_name = services.submit(
        program=program,
        kind="initiative",
        title="Tái chế đất hiếm",
        description="Nội dung",
        name="Lê Bí Mật",
        public_name="anonymous",
        consent_to_publish=True,
    )
    services.submit(
        program=program,
        kind="initiative",
        title="Đất hiếm chưa công bố",
        description="x",
        name="D",
    )
    for item in (shown, hidden_name):
        services.answer(item, text="Đã tiếp thu", by=clerk)
        services.publish(item, by=clerk)
    body = client.get(reverse("portal:published"), {"q": "dat hiem"}).content.decode()
    assert "Khai thác đất hiếm" in body and "Tái chế đất hiếm" in body
    assert "chưa công bố" not in body
    assert "Nguyễn Văn An" in body and "Lê Bí Mật" not in body
    feed = client.get(reverse("portal:published-json")).json()
    assert {i["title"] for i in feed["items"]} == {"Khai thác đất hiếm", "Tái chế đất hiếm"}
    atom = client.get(reverse("portal:published-atom"))
    assert atom.status_code == 200 and "Lê Bí Mật" not in atom.content.decode()


def test_publication_needs_the_senders_consent(program, clerk):
    item = services.submit(program=program, kind="initiative", title="T", description="D", name="E")
    services.answer(item, text="OK", by=clerk)
    with pytest.raises(services.Conflict):
        services.publish(item, by=clerk)


def test_attachment_goes_only_to_the_sender_in_session_or_once_public(
    client, program, clerk, settings
):
    post(client, form(files=SimpleUploadedFile("de-xuat.pdf", PDF)))
    attachment = SubmissionAttachment.objects.get()
    url = reverse("portal:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200  # the sender, in the session that sent it
    from django.test import Client

    stranger = Client()
    assert stranger.get(url).status_code == 404
    submission = attachment.submission
    services.answer(submission, text="OK", by=clerk)
    services.publish(submission, by=clerk, public_files=[attachment.pk])
    response = stranger.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert not str(attachment.file.path).startswith(str(settings.MEDIA_ROOT))


def test_files_are_checked_by_content_through_the_shared_checker():
    from dondoc.core.uploads import check_upload

    checked, problems = check_upload(io.BytesIO(b"MZ\x90"), "a.pdf", allowed={".pdf"})
    assert checked is None and problems
