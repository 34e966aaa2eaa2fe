"""Fill the new derived columns of existing rows, give every existing person the enrolment that
their entry and exit dates describe, and index the new search columns on PostgreSQL."""

from django.db import migrations

from mia.text import fold, sound_keys

BATCH = 2000


def forwards(apps, schema_editor):
    Person = apps.get_model("beneficiaries", "Person")
    Household = apps.get_model("beneficiaries", "Household")
    Enrolment = apps.get_model("beneficiaries", "Enrolment")

    households = list(Household.objects.only("pk", "name"))
    for household in households:
        household.search_text = fold(household.name)
    Household.objects.bulk_update(households, ["search_text"], batch_size=BATCH)

    people = list(
        Person.objects.only(
            "pk", "first_name", "last_name", "other_names", "phone", "entered_on", "exited_on",
            "exit_reason", "created_by_id",
        )
    )  # fmt: skip
    for person in people:
        names = f"{person.first_name} {person.last_name} {person.other_names}"
        person.name_keys = sound_keys(names)
        person.phone_digits = "".join(char for char in person.phone if char.isdigit())
    Person.objects.bulk_update(people, ["name_keys", "phone_digits"], batch_size=BATCH)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                person_id=person.pk,
                entered_on=person.entered_on,
                exited_on=person.exited_on,
                exit_reason=person.exit_reason,
                recorded_by_id=person.created_by_id,
            )
            for person in people
        ],
        batch_size=BATCH,
    )

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS person_name_keys_trgm "
            "ON beneficiaries_person USING gin (name_keys gin_trgm_ops)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS household_search_text_trgm "
            "ON beneficiaries_household USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    apps.get_model("beneficiaries", "Enrolment").objects.all().delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_name_keys_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS household_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0005_search_keys_versions_enrolments")]
    operations = [migrations.RunPython(forwards, backwards)]
