"""The page chrome every signed-in page carries: the main navigation and the user menu's links.

They were template markup with a permission tag and a ``{% url %}`` per entry (13 permission
questions and ~20 addresses on every page, about a millisecond of the template engine). Here the
permissions are answered by one ``policy.Permissions`` (the role read once) and the addresses are
reversed once per URL configuration (``address``). Labels are written as ``{% translate %}``
wrote them: a literal's translation is not escaped. The HTML is the same, byte for byte, as the
markup it replaces (a test renders both for every role, section and language).
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dondoc.accounts.policy import Permissions
from dondoc.core.addresses import address


def _current(flag: bool) -> str:
    return ' aria-current="page"' if flag else ""


def navigation(request: Any, section: str) -> SafeString:
    """The main navigation of ``request``'s user, ``section`` marked as the current entry
    (``nav_section``). Starts with the line break after the tag and ends before the line
    break after ``</nav>``, as the markup it replaces."""
    may = Permissions(request.user).may
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name if match else None) or ""
    app_name = (match.app_name if match else None) or ""
    pad = "          "
    out = [f'\n      <nav class="site-nav" aria-label="{_("Main navigation")}">\n        <ul>\n']

    def entry(name: str, label: str, current: bool, href: str = "") -> str:
        href = href or address(name)
        return f'{pad}<li><a href="{href}"{_current(current)}>{label}</a></li>\n'

    def optional(action: str, name: str, label: str, current: bool, href: str = "") -> None:
        if may(action):
            out.append(f"{pad}\n{entry(name, label, current, href)}{pad}\n")
        else:
            out.append(f"{pad}\n")

    optional("submission.home", "rounds:todo", _("To do"), url_name == "todo")
    out.append(entry("dashboard", _("Dashboard"), section == "dashboard"))
    out.append(entry("task-list", _("Tasks"), section == "tasks"))
    out.append(entry("directive-list", _("Directives"), section == "directives"))
    optional("indicator.view", "indicators:list", _("Indicators"), app_name == "indicators")
    out.append(entry("org-list", _("Organisations"), section == "orgs"))
    in_rounds = app_name == "rounds" and url_name != "todo"
    optional("round.view", "rounds:round-list", _("Reporting rounds"), in_rounds)
    optional("duplicate.review", "duplicate-list", _("Duplicates"), section == "duplicates")
    optional("program.manage", "program-list", _("Programs"), section == "programs")
    optional("portal.view", "portal:queue", _("Citizens' submissions"), app_name == "portal")
    optional("import.run", "", _("Import"), section == "import", href="/import/")
    optional("report.view", "reports:list", _("Reports"), app_name == "reports")
    optional("user.manage", "people-list", _("People"), url_name[:6] == "people")
    optional("admin.access", "admin:index", _("Admin"), False)
    out.append("        </ul>\n      </nav>")
    return mark_safe("".join(out))


def menu_links(request: Any) -> SafeString:
    """The links of the user menu (preferences, tokens, second factor, password, audit log),
    with the line break that ends them."""
    may = Permissions(request.user).may

    def link(name: str, label: str) -> str:
        return f'<li><a href="{address(name)}">{label}</a></li>'

    def optional(action: str, name: str, label: str) -> str:
        return link(name, label) if may(action) else ""

    return mark_safe(
        '<ul class="menu-links">\n'
        f"  {link('notification-preferences', _('Notification preferences'))}\n"
        f"  {optional('account.tokens', 'api-tokens', _('API tokens'))}\n"
        f"  {optional('account.two_factor', 'two-factor', _('Two-step sign-in'))}\n"
        f"  {link('password_change', _('Change password'))}\n"
        f"  {optional('audit.view', 'audit:list', _('Audit log'))}\n"
        "</ul>\n"
    )
