"""Shared fixtures: a small program with named people, as the tests speak of them.

- ``clerk``: a Standing Office clerk (admin of the program);
- ``tracker``: a Working Group tracker;
- ``committee_member``: a member of the steering committee;
- ``reporter``: a reporter of the Party committee of the Ministry of Science and Technology;
- ``other_reporter``: a reporter of Hà Nội's Party committee.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.accounts.models import Membership, Role, User
from dondoc.orgs.models import Member, OrgAlias, OrgKind, OrgUnit
from dondoc.tasks.models import Directive, DirectiveKind, Program, SolutionGroup

PASSWORD = "correct-horse-battery-staple"


def _delete_instead_of_truncate() -> None:
    """Empty PostgreSQL tables after a transactional test with DELETE, not TRUNCATE.

    Django empties every table after a test that commits (browser, race and worker tests) with
    one TRUNCATE of all of them, which on PostgreSQL creates new files for every table and
    index: about 3 s per test on a busy 2-core machine, against a few milliseconds for DELETE
    on tables that hold a test's few rows. The tables end up just as empty; foreign keys are
    deferred to the end of the flush's transaction, so the order of the DELETEs does not
    matter. The content types and permissions that the migrations created are kept (no test
    makes its own), so the post_migrate signal after the flush finds them instead of creating
    them again. A flush that must also reset sequences keeps Django's own statement.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        kept = {"django_content_type", "auth_permission"}
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(table)};"
            for table in tables
            if table not in kept
        ]

    DatabaseOperations.sql_flush = sql_flush


_delete_instead_of_truncate()


@pytest.fixture
def program(db) -> Program:
    program = Program.objects.create(code="NQ57", name="Nghị quyết 57-NQ/TW", resolution="57-NQ/TW")
    for number, title in enumerate(
        ["Nhận thức", "Thể chế", "Hạ tầng", "Nhân lực", "Chuyển đổi số", "Doanh nghiệp", "Hợp tác"],
        start=1,
    ):
        SolutionGroup.objects.create(program=program, number=number, title=title)
    return program


@pytest.fixture
def committee(db) -> OrgUnit:
    return OrgUnit.objects.create(
        code="bcd-tw", kind=OrgKind.COMMITTEE, name="Ban Chỉ đạo Trung ương", short_name="BCĐTW"
    )


@pytest.fixture
def most(db) -> OrgUnit:
    unit = OrgUnit.objects.create(
        code="du-bo-khcn",
        kind=OrgKind.MINISTRY,
        name="Đảng ủy Bộ Khoa học và Công nghệ",
        short_name="Bộ KH&CN",
    )
    OrgAlias.objects.create(org_unit=unit, alias="Đảng uỷ Bộ KH&CN")
    return unit


@pytest.fixture
def hanoi(db) -> OrgUnit:
    return OrgUnit.objects.create(
        code="ha-noi", kind=OrgKind.PROVINCE, name="Thành ủy Hà Nội", short_name="Hà Nội"
    )


@pytest.fixture
def notice(program, committee) -> Directive:
    return Directive.objects.create(
        program=program,
        kind=DirectiveKind.NOTICE,
        number="01-TB/BCĐTW",
        date=dt.date(2025, 1, 22),
        issuer=committee,
        title="Thông báo kết luận phiên họp thứ nhất",
        session_number=1,
    )


@pytest.fixture
def member_person(program) -> Member:
    return Member.objects.create(
        program=program, full_name="Nguyễn Mạnh Hùng", position="Bộ trưởng Bộ KH&CN"
    )


def _user(username: str, role: str, *units: OrgUnit, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, full_name=username.title(), **extra
    )
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return user


@pytest.fixture
def clerk(db) -> User:
    return _user("clerk", Role.STANDING_OFFICE, is_staff=True)


@pytest.fixture
def tracker(db) -> User:
    return _user("tracker", Role.TRACKER)


@pytest.fixture
def committee_member(member_person) -> User:
    return _user("member", Role.MEMBER, committee_member=member_person)


@pytest.fixture
def reporter(most) -> User:
    return _user("reporter", Role.REPORTER, most)


@pytest.fixture
def other_reporter(hanoi) -> User:
    return _user("other", Role.REPORTER, hanoi)


# --- Browser tests (headless Debian chromium through Playwright) -------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian chromium for the session; never a downloaded browser."""
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: bin/test installs it (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the tests still talk to the
    # database synchronously, which is safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(page, username: str, *, viewport: dict | None = None) -> None:
    """Sign ``username`` in through the login page (any earlier session dropped), at
    ``viewport`` when given. Reporters and heads land on their to-do, others on the dashboard."""
    if viewport is not None:
        page.set_viewport_size(viewport)
    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/login/'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page with its own cookies; screenshots go to test-artifacts/."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


# --- Real processes: a Celery worker on the real broker and a real SMTP server -----------------


@pytest.fixture
def mailbox():
    """A real SMTP server on 127.0.0.1 (aiosmtpd) whose accepted messages the test reads."""
    from aiosmtpd.controller import Controller

    from dondoc.outbox.testing import Mailbox, free_port

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        box.release()
        controller.stop()


@pytest.fixture
def queue_to_broker(transactional_db, settings):
    """Jobs go to the real broker (not run in-process) on this test session's own queue."""
    from dondoc.celery import app
    from dondoc.outbox.testing import delete_queue

    app.conf.task_always_eager = False
    try:
        yield settings.CELERY_TASK_DEFAULT_QUEUE
    finally:
        app.conf.task_always_eager = True
        delete_queue(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.fixture
def worker_env(queue_to_broker, mailbox, tmp_path):
    """The environment of a worker (or ``dondoc`` command) process on the test database."""
    from dondoc.outbox.testing import child_env

    return child_env(tmp_path, mailbox.port)


@pytest.fixture
def worker(worker_env, tmp_path):
    """A running ``celery worker`` child process; restart it with ``worker.start()``."""
    from dondoc.outbox.testing import Worker

    process = Worker(worker_env, tmp_path)
    process.start()
    try:
        yield process
    finally:
        process.stop()
