"""Jobs of the accounts: the password-reset e-mail."""

from __future__ import annotations

from celery import shared_task

from dondoc.accounts import passwords


@shared_task(bind=True, name="accounts.password_reset", acks_late=True)
def send_password_reset(self, address: str, domain: str, use_https: bool, language: str) -> int:
    return passwords.send_reset_mails(
        address, domain=domain, use_https=use_https, language=language, job=self.request.id
    )
