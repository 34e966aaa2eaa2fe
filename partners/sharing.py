"""The provider that tells beneficiaries which files and sections are shared with a partner
(registered in PartnersConfig.ready; see beneficiaries.sharing)."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from partners.models import PersonGroupObjectPermission, Section, section_codename, section_of


def grants_of(user):
    """Grants to a group this user belongs to, for their own organisation, under a consent
    valid today: expiry ends access at once, before the nightly task deletes the rows."""
    today = timezone.localdate()
    return PersonGroupObjectPermission.objects.filter(
        Q(consent__expires_on__isnull=True) | Q(consent__expires_on__gte=today),
        group__user=user.pk,
        consent__organisation_id=user.organisation_id,
        consent__withdrawn_on__isnull=True,
        consent__given_on__lte=today,
    )


class GrantSharing:
    def persons_filter(self, user) -> Q:
        return Q(Exists(grants_of(user).filter(content_object=OuterRef("pk"))))

    def section_filter(self, user, section: str) -> Q:
        # Not correlated: ORed with a match on the names (PersonQuerySet.search), PostgreSQL
        # hashes these ids once instead of probing the grants row by row.
        shared = grants_of(user).filter(permission__codename=section_codename(section))
        return Q(pk__in=shared.values("content_object_id"))

    def sections(self, user, person) -> dict[str, str]:
        codenames = (
            grants_of(user)
            .filter(content_object=person)
            .values_list("permission__codename", flat=True)
        )
        shared = {section_of(codename) for codename in codenames}
        return {code: label for code, label in Section.choices if code in shared}


provider = GrantSharing()
