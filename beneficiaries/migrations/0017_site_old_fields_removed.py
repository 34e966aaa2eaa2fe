"""The site's old living-condition booleans and legal procedure fields, now in the new fields and
in SiteLegalProcedure (0016 moved them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0016_site_records_moved"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="site",
            name="evacuation_expected_on",
        ),
        migrations.RemoveField(
            model_name="site",
            name="has_electricity",
        ),
        migrations.RemoveField(
            model_name="site",
            name="has_toilets",
        ),
        migrations.RemoveField(
            model_name="site",
            name="has_waste_collection",
        ),
        migrations.RemoveField(
            model_name="site",
            name="has_water",
        ),
        migrations.RemoveField(
            model_name="site",
            name="legal_procedure",
        ),
    ]
