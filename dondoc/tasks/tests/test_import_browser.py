"""Importing a plan's task table in its own layout, as a clerk does it in headless chromium:
upload the XLSX, confirm the columns, decide three unknown agencies (map one to an existing
unit, create one, drop one), import, follow the job to its summary, find the tasks in the list.
Screenshots (desktop and phone width) go to test-artifacts/ for a human to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dondoc.orgs.models import OrgUnit
from dondoc.tasks.models import ImportJob, Task
from dondoc.tasks.tests.test_browser import log_in, shot
from dondoc.tasks.tests.test_import_table_views import CREATE, DIRECTIVE, DROP, MAP, plan_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def both_widths(page, name: str) -> None:
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_clerk_imports_a_foreign_table_deciding_three_unknown_agencies(
    page, clerk, program, most, hanoi, tmp_path
):
    plan = tmp_path / "ke-hoach-hanh-dong.xlsx"
    plan.write_bytes(plan_xlsx())
    log_in(page, "clerk")

    page.goto(page.base_url + "/import/")
    page.set_input_files("#file", str(plan))
    page.fill("#directive", DIRECTIVE)
    both_widths(page, "import-1-upload")
    page.locator("form[action='/import/'] button[type=submit]").click()

    page.wait_for_url("**/import/columns/")
    expect(page.locator("tr.section-row").first).to_contain_text("HOÀN THIỆN THỂ CHẾ")
    expect(page.locator("#col-1")).to_have_value("content")
    expect(page.locator("#col-2")).to_have_value("lead")
    both_widths(page, "import-2-columns")
    page.locator("#mapping button[type=submit]:not([name=preview])").click()

    page.wait_for_url("**/import/check/")
    for name in (MAP, CREATE, DROP):
        expect(page.locator(f"#unknowns tr[data-name='{name}']")).to_have_count(1)
    mapped = page.locator(f"#unknowns tr[data-name='{MAP}']")
    mapped.locator("input[value=map]").check()
    mapped.locator("input[type=search]").fill(f"{most.name} ({most.code})")
    created = page.locator(f"#unknowns tr[data-name='{CREATE}']")
    created.locator("input[value=create]").check()
    created.locator("select[name$=org_kind]").select_option("other")
    page.locator(f"#unknowns tr[data-name='{DROP}'] input[value=drop]").check()
    both_widths(page, "import-3-unknowns")
    page.locator("#unknowns button[type=submit]").click()

    page.wait_for_url("**/import/check/")
    confirm = page.locator("form[action='/import/confirm/'] button[type=submit]")
    expect(confirm).to_be_visible()
    both_widths(page, "import-3-check")
    confirm.click()

    page.wait_for_url("**/import/jobs/*/")
    expect(page.locator("#import-job")).to_have_attribute("data-state", "done")
    expect(page.locator("#import-job")).to_contain_text("Xây dựng chiến lược dữ liệu số.")
    both_widths(page, "import-4-done")

    job = ImportJob.objects.get(dry_run=False)
    assert Task.objects.filter(program=program).count() == 4
    assert OrgUnit.objects.filter(name=CREATE).exists()
    assert not OrgUnit.objects.filter(name=DROP).exists()
    assert job.user == clerk

    page.locator("#import-job a[href^='/tasks/?program=']").click()
    page.wait_for_url("**/tasks/**")
    expect(page.locator("#results")).to_contain_text("Nâng cấp mạng lưới 5G.")
    shot(page, "import-5-task-list")
