"""The public flag (công khai) of an indicator: set by the Standing Office, kept in history,
read by the API and the CLI."""

import json

from django.core.management import call_command
from django.urls import reverse

from dondoc.accounts.models import ApiToken
from dondoc.indicators import services
from dondoc.indicators.models import Indicator


def _indicator(program):
    return Indicator.objects.create(program=program, code="7", name="Chỉ số công khai", unit="%")


def test_the_standing_office_publishes_and_withdraws_an_indicator_with_history(
    client, clerk, program
):
    indicator = _indicator(program)
    client.force_login(clerk)
    url = reverse("indicators:public", args=[indicator.pk])
    assert client.post(url, {"public": "1"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.public
    client.post(url, {"public": "1"})  # already public: nothing recorded
    client.post(url, {"public": "0"})
    indicator.refresh_from_db()
    assert not indicator.public
    flags = list(indicator.history.order_by("history_date").values_list("public", flat=True))
    assert flags == [False, True, False]
    assert indicator.history.latest("history_date").history_user == clerk
    page = client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert 'data-public="0"' in page and "Đưa lên trang công khai" in page
    assert "đã rút khỏi trang công khai" in page and "đã công khai" in page


def test_others_cannot_change_the_flag_nor_see_the_button(client, tracker, program):
    indicator = _indicator(program)
    client.force_login(tracker)
    assert (
        client.post(reverse("indicators:public", args=[indicator.pk]), {"public": "1"}).status_code
        == 403
    )
    page = client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    assert reverse("indicators:public", args=[indicator.pk]) not in page


def test_the_api_and_the_cli_expose_the_flag(client, clerk, program, capsys):
    indicator = _indicator(program)
    Indicator.objects.create(program=program, code="8", name="Chỉ số nội bộ", unit="%")
    services.set_public(indicator, public=True, by=clerk)
    _token, key = ApiToken.issue(clerk, "test", "read")
    response = client.get("/api/indicators", {"public": "true"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    items = response.json()["items"]
    assert [(i["code"], i["public"]) for i in items] == [("7", True)]
    call_command("indicators", "--program", "NQ57", "--json")
    rows = json.loads(capsys.readouterr().out)
    rows = rows if isinstance(rows, list) else rows["indicators"]
    assert {r["code"]: r["public"] for r in rows} == {"7": True, "8": False}
