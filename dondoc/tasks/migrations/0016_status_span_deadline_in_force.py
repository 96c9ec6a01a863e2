"""The task list sorts by the deadline in force on the date, and filters by it.

The list sorted by "deadline", and its due-date filters chose, by the deadline as first
assigned, while the status it shows beside it is judged against the deadline in force (an
extension, a later document restating it): a task extended from 31/03 to 30/06 sat among those
due on 31/03 and was missed by a filter for June. Each task's status span already holds the
deadline in force on the dates it covers (``due_on``), so the copy of the original deadline on
the rows of part "task" (``task_due_on``, migration 0014) goes, with its indexes, and on
PostgreSQL partial indexes on the spans' ``due_on`` by program and status give the list's order
ascending and descending (NULLs last), as migration 0014's did, and two more by program alone
for lists that ask for no status (read by a walk that stops at the page's last row, or for a
range of deadlines).
"""

import importlib

from django.db import migrations

SPAN_INDEXES = {
    "status_span_list_in_force_idx": "status, due_on ASC NULLS LAST, task_id",
    "status_span_list_in_force_desc_idx": "status, due_on DESC NULLS LAST, task_id",
    # Every status: the whole list, or one narrowed by filters that ask for no status.
    "status_span_in_force_idx": "due_on ASC NULLS LAST, task_id",
    "status_span_in_force_desc_idx": "due_on DESC NULLS LAST, task_id",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Migration 0014's index of the tasks by their original deadline, descending, served the
    # list sorted that way only.
    schema_editor.execute("DROP INDEX IF EXISTS task_program_due_desc_idx")
    for name, columns in SPAN_INDEXES.items():
        schema_editor.execute(
            f"""CREATE INDEX IF NOT EXISTS {name} ON tasks_taskstatusspan
                (program_id, {columns}, valid_to, valid_from) WHERE part = 'task'"""
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SPAN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def restore_original_deadlines(apps, schema_editor):
    """Going back: migration 0014's copy of the original deadline and its indexes."""
    earlier = importlib.import_module("dondoc.tasks.migrations.0014_status_span_list_order")
    earlier.fill(apps, schema_editor)
    earlier.create_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0015_status_span_lead_order"),
    ]

    operations = [
        # Dropping the column drops migration 0014's two indexes on it.
        migrations.RunPython(migrations.RunPython.noop, restore_original_deadlines),
        migrations.RemoveField(model_name="taskstatusspan", name="task_due_on"),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
