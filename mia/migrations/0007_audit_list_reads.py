"""A list read (a search, a caseload, the partner portal, a site's households) is one audit
entry naming every file shown. On PostgreSQL, GIN indexes let "who looked at this file" find a
person's id inside those lists without reading the whole trail; SQLite, for laptops, does
without (mia.fields.IdListField)."""

from django.db import migrations

import mia.fields

INDEXES = {"audit_person_ids_gin": "person_ids", "audit_household_ids_gin": "household_ids"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} "
            f"ON mia_auditentry USING gin ({column} jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("mia", "0006_email_addresses")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="person_ids",
            field=mia.fields.IdListField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="household_ids",
            field=mia.fields.IdListField(blank=True, default=list),
        ),
        migrations.RunPython(create, drop),
    ]
