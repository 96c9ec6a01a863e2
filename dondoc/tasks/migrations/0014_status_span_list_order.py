"""The task list's sort columns on the status spans, and indexes that read a status in order.

A list of one status (say the tasks due soon on a date) sorted by deadline had to join every
task of the program to its status span and sort them: nothing ordered the tasks of a status on
a date. The rows of part "task" now carry the task's own deadline and assignment date
(``spans.task_rows`` writes them, ``spans.refresh`` keeps them with the rest of the row), and on
PostgreSQL partial indexes on those rows, by program and status, give each of the list's
orders: deadline and assignment date, ascending and descending (NULLs last, as the list sorts
them), and the task id (the order within a status when the list is sorted by status). The
dates covering a day come after the order's columns, so that the rows of other days are passed
in the index. Two more on the tasks serve the descending sorts without a status. Nothing is
done on SQLite for the indexes (it writes no NULLS LAST in an index); they are not the model's,
so they are named here and in ``TaskStatusSpan.Meta``'s comment only.
"""

from django.db import migrations, models

SPAN_INDEXES = {
    "status_span_list_due_idx": "task_due_on ASC NULLS LAST, task_id",
    "status_span_list_due_desc_idx": "task_due_on DESC NULLS LAST, task_id",
    "status_span_list_assigned_idx": "task_assigned_on ASC NULLS LAST, task_id",
    "status_span_list_assigned_desc_idx": "task_assigned_on DESC NULLS LAST, task_id",
    "status_span_list_id_idx": "task_id",
}
TASK_INDEXES = {
    "task_program_due_desc_idx": "due_on DESC NULLS LAST, id",
    "task_program_assigned_desc_idx": "assigned_on DESC NULLS LAST, id",
}


def fill(apps, schema_editor):
    """The task's deadline and assignment date on its rows of part "task"."""
    table = "tasks_taskstatusspan"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""UPDATE {table} s SET task_due_on = t.due_on, task_assigned_on = t.assigned_on
                FROM tasks_task t WHERE t.id = s.task_id AND s.part = 'task'"""
        )
    else:
        schema_editor.execute(
            f"""UPDATE {table} SET
                task_due_on = (SELECT due_on FROM tasks_task t WHERE t.id = task_id),
                task_assigned_on = (SELECT assigned_on FROM tasks_task t WHERE t.id = task_id)
                WHERE part = 'task'"""
        )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in SPAN_INDEXES.items():
        schema_editor.execute(
            f"""CREATE INDEX IF NOT EXISTS {name} ON tasks_taskstatusspan
                (program_id, status, {columns}, valid_to, valid_from) WHERE part = 'task'"""
        )
    for name, columns in TASK_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tasks_task (program_id, {columns})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in (*SPAN_INDEXES, *TASK_INDEXES):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0013_task_content_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskstatusspan",
            name="task_assigned_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="taskstatusspan",
            name="task_due_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
