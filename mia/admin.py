from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mia import permissions, sessions
from mia.models import Organisation, User

# Groups are the partner organisations' share holders (partners.services.organisation_group):
# their members and permissions follow the organisation and its consents, never a hand edit.
admin.site.unregister(Group)
# allauth.mfa's own admin shows each authenticator's data: the TOTP secret, the recovery codes;
# allauth.usersessions' shows each session's key, with which one browses as its owner.
admin.site.unregister(Authenticator)
admin.site.unregister(UserSession)


class CheckedAdmin(admin.ModelAdmin):
    """The base of every admin page of MIA (tests/mia/test_admin_tampering.py checks it).
    Django filters an action's rows by the ids posted as they are: an id that is not one (1.5,
    5,000 digits) made the database lookup raise, a 500. Here it is refused with a message."""

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.to_python(value)
        except ValidationError:
            self.message_user(
                request,
                _("La sélection envoyée n'est pas valide : cochez de nouveau les lignes voulues."),
                messages.WARNING,
            )
            # None: the changelist answers as when nothing is selected, by showing itself again.
            return None
        return super().response_action(request, queryset)


class RoleAdmin(CheckedAdmin):
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
    """An association's administrator edits their own organisation's details; other
    associations and the partner organisations (shared by every association of the instance)
    belong to the instance's superuser."""

    list_display = ["name", "kind", "email", "phone"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request) & permissions.organisations_administered_by(
            request.user
        )

    def get_readonly_fields(self, request, obj=None):
        if permissions.manages_all_organisations(request.user):
            return []
        return ["kind"]

    def has_add_permission(self, request, obj=None):
        return permissions.manages_all_organisations(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.manages_all_organisations(request.user)


def _without(fieldsets, names: set[str]) -> list:
    return [
        (title, {**options, "fields": [f for f in options["fields"] if f not in names]})
        for title, options in fieldsets
    ]


@admin.register(User)
class UserAdmin(RoleAdmin, BaseUserAdmin):
    """An association's administrator manages the accounts of their organisation only, and not
    the organisation or the role of their own account. Nobody edits is_staff (it follows the
    role), is_superuser (`manage.py createsuperuser` only), groups (partner shares) or per-user
    permissions (unused): they are fields of no form here."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "phone"]}),
        (_("Rôle"), {"fields": ["organisation", "role"]}),
        (_("Droits"), {"fields": ["is_active"]}),
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

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if permissions.manages_all_organisations(request.user):
            return users
        # A superuser's account is the instance's, whatever organisation it names.
        return users.filter(organisation_id=request.user.organisation_id, is_superuser=False)

    def get_list_filter(self, request):
        if permissions.manages_all_organisations(request.user):
            return self.list_filter
        return ["role", "is_active"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if permissions.manages_all_organisations(request.user):
            return fieldsets
        # The organisation is the administrator's own; the password is set by its owner.
        return _without(fieldsets, {"organisation", "password"})

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if obj is None:
            return readonly
        if obj.pk == request.user.pk:
            readonly += ["organisation", "role"]
        if not permissions.manages_all_organisations(request.user):
            # The login e-mail receives the password-reset link: changed by its owner only
            # (with re-authentication and verification), or the account is taken over.
            readonly += ["email"]
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            assignable = permissions.roles_assignable_by(request.user)
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value in assignable
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not permissions.manages_all_organisations(request.user):
            obj.organisation_id = request.user.organisation_id
        obj.is_staff = permissions.is_staff_role(obj.role)
        super().save_model(request, obj, form, change)

    actions = ["end_sessions"]

    @admin.action(description=_("Fermer toutes les sessions"), permissions=["end_sessions"])
    def end_sessions(self, request, queryset):
        # The queryset is the administrator's own organisation's accounts (get_queryset).
        ended = sum(sessions.sessions_end(user=user, by=request.user) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d session fermée.", "%(count)d sessions fermées.", ended)
            % {"count": ended},
        )

    def has_end_sessions_permission(self, request) -> bool:
        return permissions.ends_sessions(request.user)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password lets one sign in as them, with their reads recorded under
        # their name: an account's owner sets it (invitation or reset link).
        if not permissions.manages_all_organisations(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class InstanceAdmin(CheckedAdmin):
    """Read-only, for the instance's superuser, who may delete a row (a lost second factor)."""

    def has_module_permission(self, request):
        return permissions.manages_all_organisations(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.manages_all_organisations(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return permissions.manages_all_organisations(request.user)


@admin.register(Authenticator)
class AuthenticatorAdmin(InstanceAdmin):
    """Who enrolled which second factor. The data (secret, recovery codes) is shown to nobody."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    list_select_related = ["user"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields


@admin.register(UserSession)
class UserSessionAdmin(InstanceAdmin):
    """Who is signed in, since when, from where. Not the session key, with which one browses
    as its owner, nor its data. Sessions end from the accounts' list (end_sessions)."""

    list_display = ["user", "created_at", "last_seen_at", "ip"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        # Deleting the row would leave the session itself open.
        return False


# allauth's own admin of e-mail addresses, for the superuser, on the same base as ours.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(CheckedAdmin, BaseEmailAddressAdmin):
    pass
