"""One run of ``dondoc notify``: create today's notifications, then send the e-mail.

Safe to run twice, and by two schedulers at once: every event is claimed per user before it
is created (``services.notify``), and every e-mail is claimed before it is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from dondoc.accounts.models import User
from dondoc.notifications import rules, services


@dataclass
class RunReport:
    created: int = 0
    emailed: int = 0
    digests: int = 0
    failed: int = 0
    #: (username, subject) of what a dry run would create.
    planned: list[tuple[str, str]] = field(default_factory=list)


def run(today: dt.date, *, dry_run: bool = False, token: str | None = None) -> RunReport:
    """Create the day's notifications, then send their e-mail (grouped per user when many).

    ``token`` names this run's claims on e-mail (the job's id when the scheduler runs it).
    """
    report = RunReport()
    prefs = services.preferences(User.objects.filter(is_active=True))
    with services.site_language():
        for event in rules.events(today, prefs):
            recipients = [
                user
                for user in {u.pk: u for u in event.users}.values()
                if event.days_left is None
                or (user.pk in prefs and event.days_left <= prefs[user.pk].due_soon_days)
            ]
            if dry_run:
                report.planned += [
                    (user.username, event.subject)
                    for user in recipients
                    if not services.is_claimed(services.user_key(event.key, user))
                ]
                continue
            with transaction.atomic():
                created = services.notify(
                    recipients,
                    kind=event.kind,
                    key=event.key,
                    subject=event.subject,
                    body=event.body,
                    url=event.url,
                    prefs=prefs,
                    send=False,
                )
            report.created += len(created)
    if not dry_run:
        report.emailed, report.failed = services.deliver(token=token)
        report.digests = services.send_digests(today, token=token)
    return report
