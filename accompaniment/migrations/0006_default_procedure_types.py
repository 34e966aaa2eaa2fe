"""The default procedure types, from accompaniment/data/procedure_types.csv: what the field uses,
with the validity and renewal delays found in public sources. Administrators edit them after."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "procedure_types.csv"


def _number(text: str) -> int | None:
    return int(text) if text.strip() else None


def load(apps, schema_editor):
    ProcedureType = apps.get_model("accompaniment", "ProcedureType")
    with CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        ProcedureType.objects.update_or_create(
            organisation=None,
            code=row["code"],
            defaults={
                "name": row["name"],
                "category": row["category"],
                "validity_months": _number(row["validity_months"]),
                "renew_before_days": _number(row["renew_before_days"]),
                "essential": row["essential"] == "1",
                "position": int(row["position"]),
                "guidance": row["guidance"],
            },
        )


def unload(apps, schema_editor):
    apps.get_model("accompaniment", "ProcedureType").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("accompaniment", "0005_rights_school_french")]
    operations = [migrations.RunPython(load, unload)]
