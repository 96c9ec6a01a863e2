import pytest


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
