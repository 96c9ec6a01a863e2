"""The task list's "lead agency" sort on the status spans, and indexes that read a status in it.

Sorted by lead agency, the list ordered every task of the program by the official name of a
lead unit chosen by short name, in byte order, a subquery per task: 1.5–6.9 s a page at 500,000
tasks, and an order the reader could not follow, the list showing short names, the first lead
given first. The rows of part "task" now carry the name shown of the first lead unit given
(``spans.first_lead_name``; ``spans.task_rows`` writes it, ``spans.refresh`` keeps it with the
rest of the row, ``spans.renamed`` when a unit is renamed), the list sorts by it in Vietnamese
order, and on PostgreSQL partial indexes by program and status give that order ascending and
descending (NULLs last), as migration 0014's do for the deadline and the assignment date.
"""

from django.db import migrations, models

COLLATION = "dondoc_vi"  # orgs 0003
SPAN_INDEXES = {
    "status_span_list_lead_idx": f"task_lead_name COLLATE {COLLATION} ASC NULLS LAST, task_id",
    "status_span_list_lead_desc_idx": f"task_lead_name COLLATE {COLLATION} DESC NULLS LAST, task_id",
}
SHOWN = "COALESCE(NULLIF(u.short_name, ''), u.name)"


def fill(apps, schema_editor):
    """The name shown of the task's first lead unit on its rows of part "task"."""
    spans = "tasks_taskstatusspan"
    agencies = apps.get_model("tasks", "TaskAgency")._meta.db_table
    units = apps.get_model("orgs", "OrgUnit")._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""UPDATE {spans} s SET task_lead_name = f.name
                FROM (SELECT DISTINCT ON (a.task_id) a.task_id, {SHOWN} AS name
                      FROM {agencies} a JOIN {units} u ON u.id = a.org_unit_id
                      WHERE a.role = 'lead'
                      ORDER BY a.task_id, a.id) f
                WHERE f.task_id = s.task_id AND s.part = 'task'"""
        )
    else:
        schema_editor.execute(
            f"""UPDATE {spans} SET task_lead_name = (
                    SELECT {SHOWN} FROM {agencies} a JOIN {units} u ON u.id = a.org_unit_id
                    WHERE a.task_id = {spans}.task_id AND a.role = 'lead'
                    ORDER BY a.id LIMIT 1)
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


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SPAN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_org_groups"),
        ("tasks", "0014_status_span_list_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskstatusspan",
            name="task_lead_name",
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
