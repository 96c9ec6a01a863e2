"""``dondoc token``: issue, list and revoke API tokens.

    dondoc token create USERNAME --name "Cổng dữ liệu tỉnh" --scopes read,write [--days 90]
    dondoc token list [USERNAME]
    dondoc token revoke PREFIX

The key is printed once by ``create``; only its hash is stored.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dondoc.accounts import security
from dondoc.accounts.models import TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, ApiToken, User
from dondoc.accounts.security import SCOPES


def parse_scopes(text: str) -> str:
    scopes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise CommandError(f"Scopes must be among {', '.join(SCOPES)}; got {text!r}.")
    return ",".join(s for s in SCOPES if s in scopes)


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens (Authorization: Bearer <key>)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print its key once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--scopes", default="read", help="read, write (comma-separated).")
        create.add_argument(
            "--days",
            type=int,
            default=TOKEN_DAYS_DEFAULT,
            help=f"Days until the token expires (default {TOKEN_DAYS_DEFAULT}, "
            f"at most {TOKEN_DAYS_MAX}).",
        )
        listing = sub.add_parser("list", help="List tokens (never their keys).")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="Revoke the token whose key starts with PREFIX.")
        revoke.add_argument("prefix")

    def handle(self, *args, **options) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        days = options["days"]
        if not 1 <= days <= TOKEN_DAYS_MAX:
            raise CommandError(f"--days must be between 1 and {TOKEN_DAYS_MAX}; got {days}.")
        token, key = security.issue_token(
            user,
            name=options["name"],
            scopes=parse_scopes(options["scopes"]).split(","),
            days=days,
        )
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(
            f"Token {token.name!r} for {user.username} ({token.scopes}), "
            f"expires {expires:%d/%m/%Y %H:%M}. The key is shown only now; store it safely:"
        )
        self.stdout.write(key)

    def _list(self, options: dict) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("created_at")
        if options.get("username"):
            tokens = tokens.filter(user__username=options["username"])
        for t in tokens:
            if t.revoked_at:
                state = f"revoked {timezone.localtime(t.revoked_at):%d/%m/%Y}"
            else:
                word = "expired" if t.is_expired else "expires"
                state = f"{word} {timezone.localtime(t.expires_at):%d/%m/%Y}"
            used = "never"
            if t.last_used_at:
                used = f"{timezone.localtime(t.last_used_at):%d/%m/%Y %H:%M}"
            self.stdout.write(
                f"{t.prefix}…  {t.user.username:<20} {t.name:<30} {t.scopes:<11} "
                f"last used {used:<16} {state}"
            )

    def _revoke(self, options: dict) -> None:
        prefix = options["prefix"].rstrip("…")
        matches = ApiToken.objects.filter(prefix=prefix[: ApiToken.PREFIX_LENGTH])
        matches = [t for t in matches if t.revoked_at is None]
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} active tokens start with {prefix!r}; expected 1.")
        token = security.revoke_token(matches[0])
        self.stdout.write(f"Revoked {token}.")
