import pytest
from django.template import Context, Template
from django.urls import reverse


@pytest.mark.parametrize(
    "name",
    ["beneficiaries:person_detail", "beneficiaries:household_detail", "accompaniment:plan"],
)
def test_url_of_gives_what_url_gives(name):
    rendered = Template("{% load mia_tags %}{{ pk|url_of:name }}").render(
        Context({"pk": 42, "name": name})
    )

    assert rendered == reverse(name, args=[42])


def test_long_select_escapes_and_marks_the_chosen_option():
    from mia.widgets import LongSelect

    widget = LongSelect(choices=[("", "Tous"), (1, "L'Île <Saint-Denis>"), (2, "Autre")])

    html = widget.render("site", "1", attrs={"id": "id_site"})

    assert html == (
        '<select name="site" id="id_site"><option value="">Tous</option>'
        '<option value="1" selected>L&#x27;Île &lt;Saint-Denis&gt;</option>'
        '<option value="2">Autre</option></select>'
    )
