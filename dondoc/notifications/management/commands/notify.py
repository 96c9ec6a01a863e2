"""``dondoc notify [--dry-run] [--today DD/MM/YYYY]``: reminders and notifications of the day.

Run it from a scheduler (cron or a systemd timer, see docs/operations.md). Running it twice
sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dondoc.notifications.runner import run


def parse_day(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Not a date: {text!r} (use dd/mm/yyyy or yyyy-mm-dd)")


class Command(BaseCommand):
    help = "Create today's notifications (due soon, overdue, rounds, returns) and send e-mail."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; change nothing."
        )
        parser.add_argument("--today", help="Run as if today were this date (dd/mm/yyyy).")

    def handle(self, *args, dry_run: bool = False, today: str | None = None, **options) -> None:
        day = parse_day(today) if today else timezone.localdate()
        report = run(day, dry_run=dry_run)
        if dry_run:
            for username, subject in report.planned:
                self.stdout.write(f"{username}\t{subject}")
            self.stdout.write(f"would create {len(report.planned)} notifications")
            return
        self.stdout.write(
            f"{day:%d/%m/%Y}: {report.created} notifications created, "
            f"{report.emailed} e-mails and {report.digests} digests sent"
        )
