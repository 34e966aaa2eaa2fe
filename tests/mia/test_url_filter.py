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


def test_choice_list_is_shared_by_form_copies_and_still_validates():
    import copy

    from django import forms

    from mia.widgets import ChoiceList, LongSelect

    class SiteForm(forms.Form):
        site = forms.TypedChoiceField(coerce=int, widget=LongSelect)

    choices = ChoiceList([("", "Tous"), (1, "Acacias"), (2, "Canal")])
    form = SiteForm({"site": "2"})
    form.fields["site"].choices = choices
    copied = copy.deepcopy(form.fields["site"])

    assert copied.choices is choices and list(copied.widget.choices) == list(choices)
    assert form.is_valid() and form.cleaned_data["site"] == 2
    refused = SiteForm({"site": "3"})
    refused.fields["site"].choices = choices
    assert not refused.is_valid() and "site" in refused.errors
    assert '<option value="2" selected>Canal</option>' in str(form["site"])
