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


def page(request: Any, title: str, content: str) -> SafeString:
    """What ``base.html`` writes around a page's ``title`` (escaped) and ``content`` blocks
    (no ``head`` or ``scripts`` block), for a page that is not rendered through it: the header
    with the navigation, the language switch, the bell and the user menu, the messages, the
    footer. The same bytes as the template (a test renders both)."""
    from django.contrib.messages import get_messages
    from django.middleware.csrf import get_token
    from django.templatetags.static import static
    from django.utils.html import conditional_escape, escape
    from django.utils.translation import get_language

    from dondoc.notifications.context import bell, notifications
    from dondoc.tasks.templatetags.dondoc import nav_section

    language = get_language()
    user = request.user
    signed_in = user.is_authenticated
    token = get_token(request)
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
    out = [
        f'<!doctype html>\n\n<html lang="{escape(language)}">\n<head>\n'
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '  <meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": '
        'false, "allowScriptTags": false, "historyCacheSize": 0, "refreshOnHistoryMiss": '
        "true}'>\n"
        f"  <title>{conditional_escape(title)} · {_('Đôn đốc')}</title>\n"
        f'  <link rel="icon" href="{escape(static("img/favicon.svg"))}" type="image/svg+xml">\n'
        f'  <link rel="stylesheet" href="{escape(static("css/app.css"))}">\n'
        f'  <script src="{escape(static("vendor/htmx.min.js"))}" defer></script>\n'
        f'  <script src="{escape(static("js/app.js"))}" defer></script>\n'
        "  \n</head>\n<body>\n"
        f'  <a class="skip-link" href="#main">{_("Skip to content")}</a>\n'
        '  <header class="site-header">\n    <div class="bar">\n'
        f'      <a class="brand" href="{address("dashboard")}">\n'
        '        <span class="brand-mark" aria-hidden="true">ĐĐ</span>\n'
        f"        <span>{_('Đôn đốc')}<small>"
        f"{_('Task tracking for the steering committee')}</small></span>\n"
        "      </a>\n      "
    ]
    if signed_in:
        out.append(f"\n      {navigation(request, nav_section({'request': request}))}\n      ")
    out.append(
        '\n      <div class="tools">\n'
        f'        <form action="{address("set_language")}" method="post">\n'
        f"          {csrf}\n"
        f'          <input type="hidden" name="next" value="{escape(request.get_full_path())}">\n'
        "          "
    )
    if language == "en":
        out.append(
            '\n          <button class="link-button" type="submit" name="language" value="vi" '
            'lang="vi" title="Tiếng Việt" aria-label="Tiếng Việt"><span class="hide-narrow">'
            'Tiếng Việt</span><span class="show-narrow">VI</span></button>\n          '
        )
    else:
        out.append(
            '\n          <button class="link-button" type="submit" name="language" value="en" '
            'lang="en" title="English" aria-label="English"><span class="hide-narrow">English'
            '</span><span class="show-narrow">EN</span></button>\n          '
        )
    out.append("\n        </form>\n        ")
    if signed_in:
        unread = notifications(request).get("unread_notifications")
        count = (unread() if callable(unread) else unread) or 0
        name = conditional_escape(str(user))
        out.append(
            f"\n        {bell(count, address('notification-list'))}\n"
            '        <details class="user-menu">\n'
            f"          <summary>{name}</summary>\n"
            '          <div class="menu">\n'
            f"            <p><strong>{name}</strong><br><small>"
            f"{conditional_escape(user.get_role_display())}</small></p>\n"
            f"            {menu_links(request)}\n"
            f'            <form action="{address("logout")}" method="post">\n'
            f"              {csrf}\n"
            '              <button class="btn secondary small" type="submit">'
            f"{_('Sign out')}</button>\n"
            "            </form>\n          </div>\n        </details>\n        "
        )
    out.append('\n      </div>\n    </div>\n  </header>\n  <main id="main" tabindex="-1">\n    ')
    messages = get_messages(request)
    if messages:
        listed = "".join(
            f'<li class="{conditional_escape(m.tags)}">{conditional_escape(str(m))}</li>'
            for m in messages
        )
        out.append(f'\n    <ul class="messages" role="status">\n      {listed}\n    </ul>\n    ')
    out.append(
        f"\n    {content}\n  </main>\n"
        '  <footer class="site-footer">\n'
        f"    {_('Đôn đốc: following tasks from directive to result.')}\n"
        "  </footer>\n  \n</body>\n</html>\n"
    )
    return mark_safe("".join(out))  # every value above is escaped
