"""Routes of the school part of the accompaniment, inside the accompaniment namespace
(accompaniment/urls.py includes them)."""

urlpatterns: list = []
