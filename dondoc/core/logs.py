"""Log filters (``settings.LOGGING``)."""

from __future__ import annotations

import logging


class PlainRefusals(logging.Filter):
    """A request the policy refused (403) is logged as its one line, "Forbidden (Permission
    denied): /audit/", without the traceback of the ``PermissionDenied`` that carried the
    refusal: a reporter opening the audit log is expected, and a traceback per refusal buried
    the errors an operator looks for. Other records, server errors among them, keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
