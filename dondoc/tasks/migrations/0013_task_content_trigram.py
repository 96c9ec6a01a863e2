"""A trigram index on the tasks' folded content, for the task list's search on PostgreSQL.

The search (``q``, diacritics ignored) is ``content_folded LIKE '%…%'``, which no B-tree index
serves; a GIN index of trigrams (``pg_trgm``) does, so that a search for a rare phrase reads the
tasks that contain it instead of every task of the program. ``pg_trgm`` is a trusted extension
from PostgreSQL 13: the database's owner may create it without being a superuser. Nothing is
done on SQLite. The index is not one of the model's (Django's ``GinIndex`` cannot be created on
SQLite), so it is named here and in ``Task.Meta``'s comment only.
"""

from django.db import migrations

INDEX = "tasks_task_content_folded_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tasks_task USING gin (content_folded gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    # The extension stays: something else in the database may use it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0012_status_checkpoints"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
