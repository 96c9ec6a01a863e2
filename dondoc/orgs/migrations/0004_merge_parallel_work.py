# Joins two lines of migrations made side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_org_alias_history"),
        ("orgs", "0003_vietnamese_collation"),
    ]

    operations = []
