import pytest
from django.utils import translation

from dondoc.portal.forms import SubmissionForm
from dondoc.tasks.forms import ProgressUpdateForm


@pytest.mark.django_db
def test_pages_are_vietnamese_whatever_the_browser_asks(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_a_chosen_language_sticks(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()


def test_an_upload_help_with_a_number_is_in_the_readers_language():
    update = ProgressUpdateForm.base_fields["files"]
    portal = SubmissionForm.base_fields["files"]
    with translation.override("en"):
        assert str(update.help_text) == (
            "PDF, Word, Excel, PowerPoint, images or text; up to 10 files."
        )
        assert str(portal.help_text).startswith("PDF, Word, Excel, PowerPoint or images; at most")
    with translation.override("vi"):
        assert str(update.help_text) == (
            "PDF, Word, Excel, PowerPoint, ảnh hoặc văn bản; tối đa 10 tệp."
        )
        assert "tối đa" in str(portal.help_text)
