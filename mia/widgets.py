from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe


class ChoiceList(BaseChoiceIterator):
    """Choices read once from the database, such as every site of an association, given to a
    field as they are: Django leaves a choice iterator alone instead of normalising each pair
    again, and the copy every form makes of its fields shares this list instead of deep-copying
    hundreds of tuples (together about a third of a people search's server time)."""

    def __init__(self, choices):
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __deepcopy__(self, memo):
        return self


class LongSelect(forms.Select):
    """A <select> written in Python: Django's template-based one costs about 50 µs an option,
    and even format_html per option about 25 µs, which a filter offering every site of an
    association (hundreds) makes the slowest part of the page. Same markup, no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308
