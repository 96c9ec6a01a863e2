# Joins two lines of migrations made side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0003_progress_update_drafts_and_corrections"),
        ("tasks", "0003_task_and_deadline_changes"),
    ]

    operations = []
