"""The Standing Office manages people in the application: list, invite, edit, deactivate,
reset the second factor. An invited person chooses a password through a one-time link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from dondoc.accounts import people
from dondoc.accounts.models import ApiToken, Membership, Role, User
from dondoc.conftest import PASSWORD

NEW_PASSWORD = "mat-khau-moi-du-dai-57"


@pytest.fixture
def office(client, clerk):
    client.force_login(clerk)
    return client


def _invite(client, **fields):
    data = {"email": "nguyen.van.a@most.gov.vn", "full_name": "Nguyễn Văn A"}
    data.update(fields)
    return client.post("/people/invite/", data)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_the_list_shows_role_agency_and_last_sign_in_and_filters(office, reporter, other_reporter):
    reporter.last_login = dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    reporter.save()

    page = office.get("/people/")
    row = re.search(
        rf"<tr>\s*<td><a href=\"/people/{reporter.pk}/\">.*?</tr>", page.content.decode(), re.S
    )
    assert "Cán bộ báo cáo của cơ quan" in row.group(0)
    assert "Bộ KH&amp;CN" in row.group(0)
    assert "01/07/2025 08:30" in row.group(0)

    by_agency = office.get("/people/", {"agency": reporter.org_units.get().pk})
    names = [p.username for p in by_agency.context["page"].object_list]
    assert names == ["reporter"]

    by_role = office.get("/people/", {"role": Role.STANDING_OFFICE})
    assert [p.username for p in by_role.context["page"].object_list] == ["clerk"]

    by_text = office.get("/people/", {"q": "OTHER"})
    assert [p.username for p in by_text.context["page"].object_list] == ["other"]


@pytest.mark.django_db
def test_invite_opens_the_account_with_role_and_agency_in_one_step(
    office, clerk, most, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(office, role=Role.REPORTER, agency=most.pk)

    assert response.status_code == 302
    person = User.objects.get(email="nguyen.van.a@most.gov.vn")
    assert person.role == Role.REPORTER and list(person.org_units.all()) == [most]
    assert not person.has_usable_password()
    assert person.history.latest().history_user == clerk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nguyen.van.a@most.gov.vn"]

    visitor = Client()
    form = visitor.get(_link(mail.outbox[0]), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = visitor.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)

    again = Client().get(_link(mail.outbox[0]), follow=True)  # the link works once
    assert not again.context["validlink"]


@pytest.mark.parametrize("role", [Role.REPORTER, Role.AGENCY_HEAD])
@pytest.mark.django_db
def test_an_agency_role_cannot_be_invited_without_an_agency(
    office, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(office, role=role)

    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert not User.objects.filter(email="nguyen.van.a@most.gov.vn").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_address_already_in_use_is_refused(office, reporter, most):
    reporter.email = "Nguyen.Van.A@most.gov.vn"
    reporter.save()

    response = _invite(office, role=Role.REPORTER, agency=most.pk)

    assert "email" in response.context["form"].errors


@pytest.mark.django_db
def test_a_password_reset_link_does_not_open_an_invitation(office, most):
    _invite(office, role=Role.OBSERVER)
    person = User.objects.get(email="nguyen.van.a@most.gov.vn")
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(str(person.pk).encode())
    forged = f"/invitation/{uid}/{default_token_generator.make_token(person)}/"

    assert not Client().get(forged, follow=True).context["validlink"]


@pytest.mark.django_db
def test_editing_changes_role_and_agency_and_refuses_a_reporter_without_one(
    office, reporter, hanoi
):
    office.post(
        f"/people/{reporter.pk}/",
        {"full_name": "Trần Thị B", "role": Role.AGENCY_HEAD, "agency": hanoi.pk},
    )
    reporter.refresh_from_db()
    assert reporter.role == Role.AGENCY_HEAD and list(reporter.org_units.all()) == [hanoi]

    refused = office.post(f"/people/{reporter.pk}/", {"full_name": "B", "role": Role.REPORTER})
    assert "agency" in refused.context["form"].errors
    assert list(reporter.org_units.all()) == [hanoi]


@pytest.mark.django_db
def test_a_deactivated_person_loses_their_session_and_tokens_until_reactivated(office, reporter):
    _token, key = ApiToken.issue(reporter, "ETL")
    theirs = Client()
    theirs.force_login(reporter)
    assert theirs.get("/").status_code == 200

    office.post(f"/people/{reporter.pk}/active/", {"active": "0"})

    assert theirs.get("/").status_code == 302
    assert Client().get("/api/programs", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert reporter.history.latest().history_change_reason == "deactivated"

    office.post(f"/people/{reporter.pk}/active/", {"active": "1"})
    reporter.refresh_from_db()
    assert reporter.is_active


@pytest.mark.django_db
def test_nobody_deactivates_their_own_account(office, clerk):
    office.post(f"/people/{clerk.pk}/active/", {"active": "0"})

    clerk.refresh_from_db()
    assert clerk.is_active


@pytest.mark.django_db
def test_a_lost_second_factor_is_reset_and_the_person_signs_in_with_the_password(
    office, clerk, tracker
):
    TOTPDevice.objects.create(user=tracker, name="default", confirmed=True)

    office.post(f"/people/{tracker.pk}/reset-two-factor/")

    assert not TOTPDevice.objects.filter(user=tracker).exists()
    record = tracker.history.latest()
    assert record.history_change_reason == "second factor reset"
    assert record.history_user == clerk
    visitor = Client()
    visitor.post("/login/", {"username": "tracker", "password": PASSWORD})
    assert visitor.session["_auth_user_id"] == str(tracker.pk)


@pytest.mark.django_db
def test_the_standing_office_cannot_change_a_superusers_account(office):
    root = User.objects.create_superuser("root", "root@example.vn", PASSWORD)

    assert office.post(f"/people/{root.pk}/active/", {"active": "0"}).status_code == 403
    root.refresh_from_db()
    assert root.is_active


@pytest.mark.django_db
def test_the_admin_refuses_a_reporter_without_an_agency(client, clerk, tracker):
    clerk.is_superuser = True
    clerk.save()
    client.force_login(clerk)

    response = client.post(
        f"/admin/accounts/user/{tracker.pk}/change/",
        {
            "username": "tracker",
            "full_name": "Tracker",
            "role": Role.REPORTER,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-org_unit": "",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    tracker.refresh_from_db()
    assert tracker.role == Role.TRACKER
    assert not Membership.objects.filter(user=tracker).exists()


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_many_people(
    office, most, hanoi, django_assert_max_num_queries
):
    for n in range(30):
        person = User.objects.create_user(f"p{n}", role=Role.REPORTER, full_name=f"Người {n}")
        Membership.objects.create(user=person, org_unit=most if n % 2 else hanoi)

    with django_assert_max_num_queries(8):
        assert office.get("/people/").status_code == 200


@pytest.mark.django_db
def test_a_form_loaded_before_another_change_does_not_undo_it(
    office, tracker, reporter, most, hanoi
):
    loaded = office.get(f"/people/{reporter.pk}/").context["version"]
    people.update_person(reporter, full_name="B", role=Role.AGENCY_HEAD, agency=most, by=tracker)

    response = office.post(
        f"/people/{reporter.pk}/",
        {"full_name": "B", "role": Role.REPORTER, "agency": hanoi.pk, "version": loaded},
        follow=True,
    )

    reporter.refresh_from_db()
    assert reporter.role == Role.AGENCY_HEAD and list(reporter.org_units.all()) == [most]
    assert "Có người đã thay đổi tài khoản này" in response.content.decode()


@pytest.mark.django_db
def test_a_committee_members_account_is_linked_to_the_member_on_the_page(
    office, member_person, reporter, most
):
    # Invited with the link: the account follows the member's tasks without the admin site.
    response = _invite(office, role=Role.MEMBER, committee_member=member_person.pk)
    assert response.status_code == 302
    person = User.objects.get(email="nguyen.van.a@most.gov.vn")
    assert person.committee_member == member_person

    page = office.get(f"/people/{person.pk}/").content.decode()
    assert f'<option value="{member_person.pk}" selected>{member_person.full_name}' in page

    # Editing the name keeps the link; choosing none removes it.
    data = {"full_name": "Nguyễn Văn B", "role": Role.MEMBER}
    office.post(f"/people/{person.pk}/", {**data, "committee_member": member_person.pk})
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn B" and person.committee_member == member_person
    office.post(f"/people/{person.pk}/", {**data, "committee_member": ""})
    person.refresh_from_db()
    assert person.committee_member is None

    # A reporter's account does not follow a member.
    refused = office.post(
        f"/people/{reporter.pk}/",
        {
            "full_name": "R",
            "role": Role.REPORTER,
            "agency": most.pk,
            "committee_member": member_person.pk,
        },
    )
    assert "Chỉ tài khoản có vai trò thành viên Ban Chỉ đạo" in refused.content.decode()
    reporter.refresh_from_db()
    assert reporter.committee_member is None


@pytest.mark.django_db
def test_an_update_without_a_member_keeps_the_accounts_link(committee_member, tracker):
    people.update_person(committee_member, full_name="M", role=Role.MEMBER, agency=None, by=tracker)
    committee_member.refresh_from_db()
    assert committee_member.committee_member is not None
