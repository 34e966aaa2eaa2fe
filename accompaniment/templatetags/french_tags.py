"""Filters of the French pathway's templates."""

from django import template

from accompaniment.services_french import hours_label

register = template.Library()


@register.filter
def hours(value) -> str:
    """ "2", "1,5", "1,25": hours as people write them (floatformat would say "1,50")."""
    return hours_label(value)
