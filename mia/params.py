"""Values taken straight from a request's query string or form, checked before anything uses them.

str.isdigit() accepts '²' and '٣' (int() refuses the first and reads the second as 3) and
strings of thousands of digits (int() refuses more than 4,300): an id comes from here, as ASCII
digits of the length an id has. A `next` address comes from here too, checked before any write:
a bad one found after a save answered 500, and the user, told to try again, saved twice."""

from urllib.parse import unquote, urlsplit

from django.http import Http404, HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

# A bigint holds every number of 18 digits; a 19-digit one may be out of its range.
ID_DIGITS = 18


def int_or_none(value: str | None, *, digits: int = ID_DIGITS) -> int | None:
    """`value` as a number if it is 1 to `digits` ASCII digits (no sign, point or space)."""
    if value and len(value) <= digits and value.isascii() and value.isdecimal():
        return int(value)
    return None


def int_or_404(value: str | None) -> int:
    """An id from the query string or a form: anything else is a page that does not exist."""
    number = int_or_none(value)
    if number is None:
        raise Http404
    return number


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go back after a form: `next` if it is the path of one of our pages (with its
    query string), else `default`. Django's check refuses other sites and schemes; a page of
    ours is also required, since redirect() reads any other word as the name of a URL."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(request, target, default=default)


def local_path(request: HttpRequest, target: str, *, default: str) -> str:
    """`target` if it is the path of one of our pages (with its query string), else `default`:
    `next` above, or an address stored with a row (a notice's page)."""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    try:
        resolve(unquote(parts.path))
    except Resolver404:
        return default
    return target
