"""A task no unit leads sorts by the name of its first lead collective agency.

The task list's "lead agency" order reads the name the spans' rows of part "task" keep
(``task_lead_name``, migration 0015): that of the task's first lead unit. A task led only by a
collective agency ("Các bộ, ngành, địa phương") had none and sorted last, though its row shows
that agency's name where the others show a unit's (``spans.first_lead_name``). Its rows now
keep the name of its first lead collective agency; going back empties them again.
"""

from django.db import migrations


def _tables(apps) -> tuple[str, str, str, str]:
    return (
        apps.get_model("tasks", "TaskStatusSpan")._meta.db_table,
        apps.get_model("tasks", "TaskAgency")._meta.db_table,
        apps.get_model("tasks", "TaskAgencyGroup")._meta.db_table,
        apps.get_model("orgs", "OrgGroup")._meta.db_table,
    )


def fill(apps, schema_editor):
    spans, agencies, links, groups = _tables(apps)
    schema_editor.execute(
        f"""UPDATE {spans} SET task_lead_name = (
                SELECT g.name FROM {links} l JOIN {groups} g ON g.id = l.group_id
                WHERE l.task_id = {spans}.task_id AND l.role = 'lead'
                ORDER BY l.id LIMIT 1)
            WHERE part = 'task' AND task_lead_name IS NULL
            AND NOT EXISTS (SELECT 1 FROM {agencies} a
                            WHERE a.task_id = {spans}.task_id AND a.role = 'lead')"""
    )


def empty(apps, schema_editor):
    spans, agencies, _links, _groups = _tables(apps)
    schema_editor.execute(
        f"""UPDATE {spans} SET task_lead_name = NULL
            WHERE part = 'task' AND task_lead_name IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {agencies} a
                            WHERE a.task_id = {spans}.task_id AND a.role = 'lead')"""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0016_status_span_deadline_in_force"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
