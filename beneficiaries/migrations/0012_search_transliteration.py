"""Recompute Person.name_keys with the sound keys that know French transliterations (Snejana /
Snezhana, Mikhail / Mihail, Lioubomir / Lyubomir) and the -ov / -of / -ova surname endings
(mia.text.sound_key). Batched by primary key, so that a national table is never held whole."""

from django.db import migrations

from mia.text import sound_keys

BATCH = 2000
MARK = "|"  # beneficiaries.models.OTHER_NAMES_MARK, as it was when this migration was written


def forwards(apps, schema_editor):
    Person = apps.get_model("beneficiaries", "Person")
    last = 0
    while True:
        people = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "first_name", "last_name", "other_names")[:BATCH]
        )
        if not people:
            return
        for person in people:
            keys = sound_keys(f"{person.first_name} {person.last_name}")
            if person.other_names:
                keys = f"{keys or ' '}{MARK}{sound_keys(person.other_names) or ' '}"
            person.name_keys = keys
        Person.objects.bulk_update(people, ["name_keys"], batch_size=BATCH)
        last = people[-1].pk


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0011_search_columns_text")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
