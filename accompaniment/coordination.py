"""Coordinators' pages: the caseload board, transfers, entries and exits of the programme."""

from django.http import Http404

from mia import permissions
from mia.permissions import access


# Placeholders until each page lands (the routes are fixed in accompaniment/urls.py).
def _placeholder(name):
    @access(permissions.signed_in, hide=True)
    def view(request, *args, **kwargs):
        raise Http404

    view.__name__ = name
    return view


board = _placeholder("board")
transfer = _placeholder("transfer")
person_exit = _placeholder("person_exit")
person_reenter = _placeholder("person_reenter")
