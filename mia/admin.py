from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from mia import permissions
from mia.models import Organisation, User


class RoleAdmin(admin.ModelAdmin):
    """The admin answers to the administrator role (mia.permissions), not to Django's per-model
    permissions: an administrator manages users, organisations and reference lists."""

    def has_module_permission(self, request):
        return permissions.administers(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.administers(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.administers(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.administers(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.administers(request.user)


@admin.register(Organisation)
class OrganisationAdmin(RoleAdmin):
    list_display = ["name", "kind", "email", "phone"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(RoleAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "phone"]}),
        (_("Rôle"), {"fields": ["organisation", "role"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "organisation", "role", "password1", "password2"],
            },
        )
    ]
