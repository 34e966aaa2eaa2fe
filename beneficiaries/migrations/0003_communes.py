"""Load the communes of Hauts-de-Seine, Seine-Saint-Denis and Val-de-Marne with their INSEE codes."""

import csv
import re
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "communes.csv"
MERGED = re.compile(r"merged into .*\((\d{5})\)")


def load(apps, schema_editor):
    Commune = apps.get_model("beneficiaries", "Commune")
    with CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    Commune.objects.bulk_create(
        [Commune(insee=r["insee"], name=r["nom"], departement=r["departement"]) for r in rows],
        ignore_conflicts=True,
    )
    for row in rows:
        merged = MERGED.search(row["note"] or "")
        if merged:
            Commune.objects.filter(insee=row["insee"]).update(merged_into_id=merged.group(1))


def unload(apps, schema_editor):
    apps.get_model("beneficiaries", "Commune").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0002_initial")]
    operations = [migrations.RunPython(load, unload)]
