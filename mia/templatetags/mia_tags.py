from django import template

from mia.links import object_url

register = template.Library()


@register.filter
def url_of(pk, name: str) -> str:
    """{{ person.pk|url_of:"beneficiaries:person_detail" }}: the same as {% url name pk %}, for
    lists of hundreds of rows (mia.links.object_url)."""
    return object_url(name, pk)
