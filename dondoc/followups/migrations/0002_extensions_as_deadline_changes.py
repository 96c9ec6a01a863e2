"""Each extension already granted becomes the task's dated deadline record (tasks.DeadlineChange),
from which the deadline in force is now computed."""

from django.db import migrations


def forwards(apps, schema_editor):
    DeadlineExtension = apps.get_model("followups", "DeadlineExtension")
    DeadlineChange = apps.get_model("tasks", "DeadlineChange")
    DeadlineChange.objects.bulk_create(
        DeadlineChange(
            task_id=e.task_id,
            origin="extended",
            effective_on=e.granted_on,
            deadline_text=f"{e.new_due_on:%d/%m/%Y}",
            deadline_kind="date",
            due_on=e.new_due_on,
            reason=e.reason,
            by_id=e.granted_by_id,
        )
        for e in DeadlineExtension.objects.order_by("granted_on", "id")
    )


def backwards(apps, schema_editor):
    apps.get_model("tasks", "DeadlineChange").objects.filter(origin="extended").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0001_initial"),
        ("tasks", "0003_task_and_deadline_changes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
