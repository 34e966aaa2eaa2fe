"""Move each site's old answers into the new fields: the living-condition booleans into the
detailed answers (yes -> the good answer, no -> none, unknown stays unknown), the legal procedure
and announced evacuation date into SiteLegalProcedure (a row only for a site that had one)."""

from django.db import migrations

ELECTRICITY = {True: "regular", False: "none"}
WATER = {True: "on_site", False: "none"}
TOILETS = {True: "sufficient", False: "none"}
WASTE = {True: "regular", False: "none"}
# The old procedure -> (court decision, an administrative order known without its date).
PROCEDURE = {
    "court": ("pending", False),
    "decided": ("eviction", False),
    "administrative": ("none", True),
}


def forward(apps, schema_editor):
    Site = apps.get_model("beneficiaries", "Site")
    SiteLegalProcedure = apps.get_model("beneficiaries", "SiteLegalProcedure")
    sites = list(
        Site.objects.only(
            "has_water",
            "has_electricity",
            "has_toilets",
            "has_waste_collection",
            "legal_procedure",
            "evacuation_expected_on",
        )
    )
    legal = []
    for site in sites:
        site.electricity = ELECTRICITY.get(site.has_electricity, "")
        site.water_access = WATER.get(site.has_water, "")
        site.toilets = TOILETS.get(site.has_toilets, "")
        site.waste_evacuation = WASTE.get(site.has_waste_collection, "")
        decision, order = PROCEDURE.get(site.legal_procedure, ("none", False))
        if decision != "none" or order or site.evacuation_expected_on:
            legal.append(
                SiteLegalProcedure(
                    site_id=site.pk,
                    court_decision=decision,
                    evacuation_order_undated=order,
                    evacuation_expected_on=site.evacuation_expected_on,
                )
            )
    Site.objects.bulk_update(
        sites, ["electricity", "water_access", "toilets", "waste_evacuation"], batch_size=1000
    )
    SiteLegalProcedure.objects.bulk_create(legal, batch_size=1000)


def backward(apps, schema_editor):
    Site = apps.get_model("beneficiaries", "Site")
    SiteLegalProcedure = apps.get_model("beneficiaries", "SiteLegalProcedure")
    back = {value: key for key, value in WATER.items()}
    sites = list(Site.objects.all())
    procedures = {row.site_id: row for row in SiteLegalProcedure.objects.all()}
    for site in sites:
        site.has_water = back.get(site.water_access)
        site.has_electricity = {v: k for k, v in ELECTRICITY.items()}.get(site.electricity)
        site.has_toilets = {v: k for k, v in TOILETS.items()}.get(site.toilets)
        site.has_waste_collection = {v: k for k, v in WASTE.items()}.get(site.waste_evacuation)
        row = procedures.get(site.pk)
        site.legal_procedure = "none"
        if row is not None:
            site.evacuation_expected_on = row.evacuation_expected_on
            if row.court_decision == "eviction":
                site.legal_procedure = "decided"
            elif row.court_decision != "none":
                site.legal_procedure = "court"
            elif row.evacuation_order_undated or row.evacuation_order_on:
                site.legal_procedure = "administrative"
    Site.objects.bulk_update(
        sites,
        [
            "has_water",
            "has_electricity",
            "has_toilets",
            "has_waste_collection",
            "legal_procedure",
            "evacuation_expected_on",
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0015_site_records"),
    ]

    operations = [migrations.RunPython(forward, backward)]
