"""Likely duplicates while a file is opened, and merging two files of one person."""

from django.http import Http404

from mia import permissions
from mia.permissions import access


# Placeholders until each page lands (the routes are fixed in beneficiaries/urls.py).
def _placeholder(name):
    @access(permissions.signed_in, hide=True)
    def view(request, *args, **kwargs):
        raise Http404

    view.__name__ = name
    return view


duplicates = _placeholder("duplicates")
merge = _placeholder("merge")
