# Joins two lines of migrations made side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0002_explanation_version_for_stale_forms"),
        ("followups", "0002_extensions_as_deadline_changes"),
    ]

    operations = []
