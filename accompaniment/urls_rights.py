"""Routes of the rights part of the accompaniment, inside the accompaniment namespace
(accompaniment/urls.py includes them)."""

urlpatterns: list = []
