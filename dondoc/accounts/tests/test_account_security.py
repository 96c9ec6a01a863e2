"""Second factor at sign-in, API tokens page, password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dondoc.accounts.models import ApiToken
from dondoc.conftest import PASSWORD


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _forgive(device: TOTPDevice) -> None:
    """django-otp slows down guesses after a wrong code; start afresh."""
    device.refresh_from_db()
    device.throttle_reset()


def _sign_in(client, user):
    return client.post("/login/", {"username": user.username, "password": PASSWORD})


@pytest.mark.django_db
def test_an_admin_turns_on_two_step_sign_in_with_the_qr_code(client, clerk):
    client.force_login(clerk)

    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)

    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post("/account/two-factor/", {"token": wrong}).status_code == 200
    assert not TOTPDevice.objects.get(user=clerk).confirmed
    _forgive(device)
    client.post("/account/two-factor/", {"token": code_for(device)})

    assert TOTPDevice.objects.get(user=clerk).confirmed


@pytest.mark.django_db
def test_a_user_with_a_device_must_give_the_code_before_the_session_opens(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="default", confirmed=True)

    response = _sign_in(client, clerk)
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert client.get("/").status_code == 302  # not signed in yet

    guess = "123456" if code_for(device) != "123456" else "654321"
    wrong = client.post("/login/code/", {"token": guess})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    _forgive(device)
    response = client.post("/login/code/", {"token": code_for(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_used_code_cannot_open_a_second_session(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="default", confirmed=True)
    code = code_for(device)
    _sign_in(client, clerk)
    client.post("/login/code/", {"token": code})
    client.post("/logout/")

    _sign_in(client, clerk)
    client.post("/login/code/", {"token": code})

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_without_a_device_the_password_is_enough(client, reporter):
    response = _sign_in(client, reporter)

    assert response.status_code == 302 and response["Location"] != "/login/code/"
    assert client.session["_auth_user_id"] == str(reporter.pk)


@pytest.mark.django_db
def test_the_code_page_without_a_password_step_sends_back_to_sign_in(client):
    assert client.get("/login/code/")["Location"] == "/login/"


@pytest.mark.django_db
def test_reporters_are_not_offered_two_step_set_up(client, reporter):
    client.force_login(reporter)

    assert client.get("/account/two-factor/").status_code == 403


@pytest.mark.django_db
def test_a_token_is_shown_once_and_works_until_revoked(client, reporter):
    client.force_login(reporter)

    response = client.post("/account/tokens/", {"name": "Hệ thống của Bộ", "scopes": ["read"]})
    assert "no-store" in response["Cache-Control"]
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=reporter)
    assert token.key_hash == ApiToken.hash_key(key) and token.scopes == "read"
    assert key not in client.get("/account/tokens/").content.decode()

    api = client.__class__()
    assert api.get("/api/tasks", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert api.get("/api/tasks", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_a_token_needs_a_scope(client, reporter):
    client.force_login(reporter)

    response = client.post("/account/tokens/", {"name": "x"})

    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_another_users_token_cannot_be_revoked(client, reporter, other_reporter):
    token, _key = ApiToken.issue(other_reporter, "theirs")
    client.force_login(reporter)

    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_password_reset_by_email(client, reporter, django_capture_on_commit_callbacks):
    reporter.email = "reporter@example.vn"
    reporter.save()

    with django_capture_on_commit_callbacks(execute=True):  # the job queue, run in-process
        response = client.post("/password-reset/", {"email": "reporter@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-57", "new_password2": "a-new-long-passphrase-57"},
    )
    assert done.status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password("a-new-long-passphrase-57")


@pytest.mark.django_db
def test_password_reset_does_not_tell_whether_an_address_exists(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset/", {"email": "nobody@example.vn"})

    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_admin_is_for_superusers_only(client, clerk):
    client.force_login(clerk)  # Standing Office, staff, not a superuser
    assert client.get("/admin/").status_code == 302

    clerk.is_superuser = True
    clerk.save()
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_superuser_can_remove_a_lost_device_in_the_admin(client, clerk, tracker):
    clerk.is_superuser = True
    clerk.save()
    device = TOTPDevice.objects.create(user=tracker, name="default", confirmed=True)
    client.force_login(clerk)

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()


# Every way in asks for the second factor ------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_sign_in_page_leads_to_the_two_step_sign_in(client, clerk):
    clerk.is_superuser = True
    clerk.save()
    TOTPDevice.objects.create(user=clerk, name="default", confirmed=True)

    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/login/?next=")
    client.post("/admin/login/", {"username": clerk.username, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_session_opened_with_the_password_alone_is_not_signed_in(client, clerk):
    TOTPDevice.objects.create(user=clerk, name="default", confirmed=True)

    client.force_login(clerk)  # any sign-in that skipped the code

    assert client.get("/")["Location"].startswith("/login/")
    assert client.get("/api/tasks").status_code == 401


@pytest.mark.django_db
def test_the_session_opened_after_the_code_stays_signed_in(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="default", confirmed=True)
    _sign_in(client, clerk)
    client.post("/login/code/", {"token": code_for(device)})

    assert client.get("/").status_code == 200
    assert client.get("/api/tasks").status_code == 200


@pytest.mark.django_db
def test_turning_on_the_second_factor_keeps_the_current_session(client, tracker):
    client.force_login(tracker)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=tracker)

    client.post("/account/two-factor/", {"token": code_for(device)})

    assert client.get("/").status_code == 200
