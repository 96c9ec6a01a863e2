from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dondoc.accounts"
    label = "accounts"

    def ready(self) -> None:
        from dondoc.accounts import middleware  # noqa: F401  (connects the sign-in signal)
