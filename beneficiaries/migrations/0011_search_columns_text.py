"""The search columns become text: folding lengthens names (щ gives "sht"), so names within their
fields' limits overflowed varchar(200) and varchar(600). On PostgreSQL varchar to text rewrites
no row, and the trigram indexes (0004, 0006) stay on these columns, text being their type."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0010_search_other_names_mark")]

    operations = [
        migrations.AlterField(
            model_name="household",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="person",
            name="name_keys",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="person",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
    ]
