# Joins two lines of migrations made side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0002_round_cutoff_and_chase"),
        ("rounds", "0002_submission_approval_version_signed_report"),
    ]

    operations = []
