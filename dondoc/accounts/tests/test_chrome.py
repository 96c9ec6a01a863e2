"""The page chrome written in Python (``accounts.chrome``, the bell) writes the HTML the
templates it replaced wrote, for every role, section and language."""

# ruff: noqa: E501 (the old markup, kept line for line)
from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from dondoc.accounts.chrome import menu_links, navigation
from dondoc.accounts.models import Role, User
from dondoc.notifications.context import bell
from dondoc.tasks.templatetags.dondoc import nav_section

#: The markup of the navigation, the user menu's links and the bell before they were written
#: in Python (``base.html``, ``accounts/_menu_links.html``, ``notifications/_bell.html``).
TEMPLATE_NAVIGATION = (
    "      {% nav_section as section %}\n"
    '      <nav class="site-nav" aria-label="{% translate \'Main navigation\' %}">\n'
    "        <ul>\n"
    '          {% can "submission.home" as may_todo %}{% if may_todo %}\n'
    '          <li><a href="{% url \'rounds:todo\' %}"{% if request.resolver_match.url_name == "todo" %} aria-current="page"{% endif %}>{% translate "To do" %}</a></li>\n'
    "          {% endif %}\n"
    '          <li><a href="{% url \'dashboard\' %}"{% if section == "dashboard" %} aria-current="page"{% endif %}>{% translate "Dashboard" %}</a></li>\n'
    '          <li><a href="{% url \'task-list\' %}"{% if section == "tasks" %} aria-current="page"{% endif %}>{% translate "Tasks" %}</a></li>\n'
    '          <li><a href="{% url \'directive-list\' %}"{% if section == "directives" %} aria-current="page"{% endif %}>{% translate "Directives" %}</a></li>\n'
    '          {% can "indicator.view" as may_indicators %}{% if may_indicators %}\n'
    '          <li><a href="{% url \'indicators:list\' %}"{% if request.resolver_match.app_name == "indicators" %} aria-current="page"{% endif %}>{% translate "Indicators" %}</a></li>\n'
    "          {% endif %}\n"
    '          <li><a href="{% url \'org-list\' %}"{% if section == "orgs" %} aria-current="page"{% endif %}>{% translate "Organisations" %}</a></li>\n'
    '          {% can "round.view" as may_rounds %}{% if may_rounds %}\n'
    '          <li><a href="{% url \'rounds:round-list\' %}"{% if request.resolver_match.app_name == "rounds" and request.resolver_match.url_name != "todo" %} aria-current="page"{% endif %}>{% translate "Reporting rounds" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "duplicate.review" as may_review %}{% if may_review %}\n'
    '          <li><a href="{% url \'duplicate-list\' %}"{% if section == "duplicates" %} aria-current="page"{% endif %}>{% translate "Duplicates" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "program.manage" as may_programs %}{% if may_programs %}\n'
    '          <li><a href="{% url \'program-list\' %}"{% if section == "programs" %} aria-current="page"{% endif %}>{% translate "Programs" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "portal.view" as may_portal %}{% if may_portal %}\n'
    '          <li><a href="{% url \'portal:queue\' %}"{% if request.resolver_match.app_name == "portal" %} aria-current="page"{% endif %}>{% translate "Citizens\' submissions" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "import.run" as may_import %}{% if may_import %}\n'
    '          <li><a href="/import/"{% if section == "import" %} aria-current="page"{% endif %}>{% translate "Import" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "report.view" as may_report %}{% if may_report %}\n'
    '          <li><a href="{% url \'reports:list\' %}"{% if request.resolver_match.app_name == "reports" %} aria-current="page"{% endif %}>{% translate "Reports" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "user.manage" as may_people %}{% if may_people %}\n'
    '          <li><a href="{% url \'people-list\' %}"{% if request.resolver_match.url_name|slice:":6" == "people" %} aria-current="page"{% endif %}>{% translate "People" %}</a></li>\n'
    "          {% endif %}\n"
    '          {% can "admin.access" as may_admin %}{% if may_admin %}\n'
    '          <li><a href="{% url \'admin:index\' %}">{% translate "Admin" %}</a></li>\n'
    "          {% endif %}\n"
    "        </ul>\n"
    "      </nav>\n"
)
TEMPLATE_MENU_LINKS = (
    '{% load i18n dondoc %}<ul class="menu-links">\n'
    '  <li><a href="{% url \'notification-preferences\' %}">{% translate "Notification preferences" %}</a></li>\n'
    '  {% can "account.tokens" as may_tokens %}{% if may_tokens %}<li><a href="{% url \'api-tokens\' %}">{% translate "API tokens" %}</a></li>{% endif %}\n'
    '  {% can "account.two_factor" as may_2fa %}{% if may_2fa %}<li><a href="{% url \'two-factor\' %}">{% translate "Two-step sign-in" %}</a></li>{% endif %}\n'
    '  <li><a href="{% url \'password_change\' %}">{% translate "Change password" %}</a></li>\n'
    '  {% can "audit.view" as may_audit %}{% if may_audit %}<li><a href="{% url \'audit:list\' %}">{% translate "Audit log" %}</a></li>{% endif %}\n'
    "</ul>\n"
)
TEMPLATE_BELL = '{% load i18n %}{% with count=unread_notifications %}<a class="link-button bell" href="{% url \'notification-list\' %}" title="{% translate \'Notifications\' %}"><svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="currentColor" focusable="false"><path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/></svg><span class="visually-hidden">{% translate "Notifications" %}</span>{% if count %} <span class="bell-count">{{ count }}</span><span class="visually-hidden"> {% translate "unread" %}</span>{% endif %}</a>{% endwith %}\n'

PAGES = ["/", "/tasks/", "/tasks/1/", "/directives/", "/orgs/", "/duplicates/", "/programs/",
         "/import/", "/rounds/", "/rounds/todo/", "/indicators/", "/portal/", "/reports/",
         "/people/", "/people/invite/", "/notifications/", "/audit/"]  # fmt: skip


def _users() -> list:
    users = [User(username=role, role=role) for role in Role.values]
    users.append(User(username="root", role=Role.OBSERVER, is_superuser=True))
    users.append(User(username="gone", role=Role.STANDING_OFFICE, is_active=False))
    return users


def _request(path: str, user):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    request.user = user
    return request


@pytest.mark.parametrize("language", ["vi", "en"])
def test_navigation_and_menu_links_write_what_the_templates_wrote(language):
    old_nav = Template("{% load i18n dondoc %}" + TEMPLATE_NAVIGATION)
    old_menu = Template(TEMPLATE_MENU_LINKS)
    with translation.override(language):
        for user in _users():
            for path in PAGES:
                request = _request(path, user)
                context = Context({"request": request, "user": user})
                expected = old_nav.render(context)
                section = nav_section({"request": request})
                assert "      " + navigation(request, section) + "\n" == expected, (user, path)
                assert menu_links(request) == old_menu.render(context), (user, path)


def test_navigation_without_a_resolved_page_marks_no_entry():
    request = _request("/", User(username="so", role=Role.STANDING_OFFICE))
    request.resolver_match = None
    expected = Template("{% load i18n dondoc %}" + TEMPLATE_NAVIGATION).render(
        Context({"request": request, "user": request.user})
    )
    assert "      " + navigation(request, "") + "\n" == expected
    assert "aria-current" not in expected


@pytest.mark.parametrize("language", ["vi", "en"])
def test_bell_writes_what_its_template_wrote(language):
    old = Template(TEMPLATE_BELL)
    with translation.override(language):
        for count in (0, 1, 7, 1234):
            assert bell(count) == old.render(Context({"unread_notifications": count}))


def test_anonymous_users_hold_no_entry_of_their_own():
    request = _request("/", AnonymousUser())
    html = navigation(request, "dashboard")
    assert "/rounds/todo/" not in html and "/import/" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_shell_writes_what_the_base_template_wrote(language):
    """``chrome.page`` against ``base.html`` with a title and content blocks: every role, a
    page with messages (one of them marked safe) and one without, both languages."""
    import re

    from django.contrib.messages import constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.template import engines
    from django.utils.safestring import mark_safe

    from dondoc.accounts.chrome import page

    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}Nhiệm vụ{% endblock %}'
        "{% block content %}\n<p>nội dung</p>\n{% endblock %}"
    )
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    with translation.override(language):
        for user in _users():
            user.save()
            for with_messages in (False, True):
                pages = []
                for write in ("template", "python"):
                    request = RequestFactory().get("/tasks/", {"q": 'a"b<', "program": "X"})
                    request.resolver_match = resolve("/tasks/")
                    request.user = user
                    request.session = SessionStore()
                    request._messages = FallbackStorage(request)
                    if with_messages:
                        request._messages.add(constants.SUCCESS, "Đã lưu <b>nhiệm vụ</b>")
                        request._messages.add(constants.WARNING, mark_safe("<em>Chú ý</em>"))
                    if write == "template":
                        pages.append(template.render({}, request))
                    else:
                        pages.append(page(request, "Nhiệm vụ", "\n<p>nội dung</p>\n"))
                old, new = (token.sub("", p) for p in pages)
                assert new == old, (user, with_messages)
                assert ("Đã lưu" in new) == with_messages


@pytest.mark.django_db
def test_the_page_shell_escapes_its_title():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from dondoc.accounts.chrome import page

    request = RequestFactory().get("/tasks/")
    request.resolver_match = resolve("/tasks/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)

    written = page(request, 'Đề án <script>"x"</script>', "")

    assert "<title>Đề án &lt;script&gt;&quot;x&quot;&lt;/script&gt; · " in written
