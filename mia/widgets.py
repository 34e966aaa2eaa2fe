from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class LongSelect(forms.Select):
    """A <select> written in Python: Django's template-based one costs about 50 µs an option,
    which a filter offering every site of an association (hundreds) makes the slowest part of
    the page. Same markup, no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)
