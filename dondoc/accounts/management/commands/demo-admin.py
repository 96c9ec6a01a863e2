"""``dondoc demo-admin``: create the demo Standing Office administrator once.

The password is random and printed only when the account is created; run again, the command
says the account exists and prints nothing secret.
"""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand

from dondoc.accounts.models import Role, User


class Command(BaseCommand):
    help = "Create the demo administrator 'admin' with a random password, printed once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"User '{username}' already exists; password unchanged.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username,
            password=password,
            email="",
            full_name="Quản trị (demo)",
            role=Role.STANDING_OFFICE,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo administrator created. Username: {username}  Password: {password}\n"
                "This password is shown only now."
            )
        )
