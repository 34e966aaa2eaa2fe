"""On PostgreSQL, a trigram index makes the accent-insensitive name search (a substring match on
Person.search_text) use an index at national scale. SQLite, for laptops, does without."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_text_trgm "
        "ON beneficiaries_person USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0003_communes")]
    operations = [migrations.RunPython(create, drop)]
