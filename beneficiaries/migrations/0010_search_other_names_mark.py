"""Rewrite Person.search_text and name_keys of people with other spellings, which now come after
a mark (beneficiaries.models.OTHER_NAMES_MARK): a partner without the identity section finds
them by their names, never by their other spellings."""

from django.db import migrations

from mia.text import fold, sound_keys

BATCH = 2000
MARK = "|"  # beneficiaries.models.OTHER_NAMES_MARK, as it was when this migration was written


def forwards(apps, schema_editor):
    Person = apps.get_model("beneficiaries", "Person")
    people = list(
        Person.objects.exclude(other_names="").only("pk", "first_name", "last_name", "other_names")
    )
    for person in people:
        names = f"{person.first_name} {person.last_name}"
        person.search_text = f"{fold(names)} {MARK} {fold(person.other_names)}"
        person.name_keys = f"{sound_keys(names) or ' '}{MARK}{sound_keys(person.other_names) or ' '}"
    Person.objects.bulk_update(people, ["search_text", "name_keys"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0009_person_by_name_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
