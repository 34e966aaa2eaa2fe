"""The error summary at the top of a form (templates/includes/form_errors.html)."""

from django import forms, template

register = template.Library()


@register.filter
def error_items(form: forms.BaseForm) -> list[dict]:
    """Every error of a bound form, the form's own first, then field by field in their order.
    A visible field's errors link to it (`#id_<field>`, the input, or the box around a group
    of choices); a hidden field's (a stale token, a version) have nowhere to lead."""
    if form is None or not getattr(form, "is_bound", False):
        return []
    items = [{"message": error, "href": "", "label": ""} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            visible = not field.is_hidden and field.auto_id
            items.append(
                {
                    "message": error,
                    "href": f"#{field.auto_id}" if visible else "",
                    "label": field.label if visible else "",
                }
            )
    return items
