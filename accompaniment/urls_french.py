"""Routes of the french part of the accompaniment, inside the accompaniment namespace
(accompaniment/urls.py includes them)."""

urlpatterns: list = []
