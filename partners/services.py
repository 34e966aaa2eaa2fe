"""Consents and the grants they open. django-guardian is called from here only (and
mia.permissions): a grant is a PersonGroupObjectPermission row giving a section permission on a
person to the recipient organisation's auth group, linked to the consent that allows it."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Household, Person
from mia.models import Organisation, Role, User
from partners import files
from partners.models import Consent, PersonGroupObjectPermission, section_codename


def organisation_group(organisation: Organisation) -> Group:
    """The auth group receiving the organisation's shares, created on first use with its
    partner users as members."""
    if organisation.group_id:
        return organisation.group
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.group_id is None:
            group, _created = Group.objects.get_or_create(name=f"organisation-{locked.pk}")
            Organisation.objects.filter(pk=locked.pk).update(group=group)
            group.user_set.add(
                *User.objects.filter(organisation=locked, role=Role.PARTNER, is_active=True)
            )
        else:
            group = locked.group
    organisation.group = group
    return group


def join_organisation_group(user: User) -> None:
    """A partner account belongs to its organisation's group, and to no other organisation's
    (called when accounts are created, moved or change role, see partners.apps)."""
    group = None
    if user.role == Role.PARTNER and user.organisation_id:
        group = organisation_group(user.organisation)
        user.groups.add(group)
    others = User.groups.through.objects.filter(user=user, group__organisation__isnull=False)
    if group is not None:
        others = others.exclude(group=group)
    others.delete()


def _permissions(sections) -> dict[str, Permission]:
    codenames = [section_codename(section) for section in sections]
    found = Permission.objects.filter(
        content_type__app_label="beneficiaries",
        content_type__model="person",
        codename__in=codenames,
    )
    return {permission.codename: permission for permission in found}


def covered_persons(consent: Consent) -> list[Person]:
    """The person, and for a household consent the household's members under 18 (a parent
    consents for their minor children; adults give their own consent)."""
    covered = [consent.person]
    if consent.household_id:
        for member in consent.household.members.exclude(pk=consent.person_id):
            if member.age is not None and member.age < 18:
                covered.append(member)
    return covered


def _grant(consents: list[Consent]) -> int:
    """Grant what these consents cover, skipping rows that already exist (another consent
    already grants them: one row per group, permission and person)."""
    rows = []
    for consent in consents:
        group = organisation_group(consent.organisation)
        by_codename = _permissions(consent.sections)
        for person in covered_persons(consent):
            for section in consent.sections:
                rows.append(
                    PersonGroupObjectPermission(
                        group=group,
                        permission=by_codename[section_codename(section)],
                        content_object=person,
                        consent=consent,
                    )
                )
    created = PersonGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


@transaction.atomic
def consent_record(
    *,
    person: Person,
    organisation: Organisation,
    purpose: str,
    sections: list[str],
    given_on: datetime.date,
    expires_on: datetime.date | None = None,
    proof: UploadedFile | None = None,
    by: User,
    household: Household | None = None,
) -> Consent:
    """Record a consent and share its sections with the organisation at once (if valid)."""
    consent = Consent(
        person=person,
        organisation=organisation,
        purpose=purpose,
        sections=list(sections),
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=by,
        household=household,
    )
    if proof:
        kind = files.check_upload(proof)
        consent.proof.save(files.random_name(kind), proof, save=False)
    consent.full_clean(exclude=["proof"])
    consent.save()
    if consent.is_valid():
        _grant([consent])
    return consent


def _regrant(*, organisation: Organisation, persons: list[Person]) -> None:
    """Grant again what the organisation's other valid consents cover for these persons."""
    ids = [person.pk for person in persons]
    household_ids = {person.household_id for person in persons if person.household_id}
    others = (
        Consent.objects.valid()
        .filter(organisation=organisation)
        .select_related("person", "household", "organisation")
    )
    others = others.filter(person_id__in=ids) | others.filter(household_id__in=household_ids)
    _grant(list(others))


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User, on: datetime.date | None = None) -> Consent:
    """End the consent: its grants are deleted at once, then whatever another still-valid
    consent of the same organisation covers is granted again."""
    consent.withdrawn_on = on or timezone.localdate()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    persons = covered_persons(consent)
    consent.grants.all().delete()
    _regrant(organisation=consent.organisation, persons=persons)
    return consent


@transaction.atomic
def shares_expire(*, on: datetime.date | None = None) -> int:
    """Delete the grants of consents expired by `on`, then re-grant what other valid consents
    cover. Access already ends at expiry (the visibility query ignores expired consents): this
    keeps the permission tables equal to what is allowed. Returns the number of grants removed."""
    on = on or timezone.localdate()
    expired = list(
        Consent.objects.filter(expires_on__lt=on, grants__isnull=False)
        .distinct()
        .select_related("person", "household", "organisation")
    )
    removed, _ = PersonGroupObjectPermission.objects.filter(consent__in=expired).delete()
    by_organisation: dict[int, list[Person]] = {}
    for consent in expired:
        by_organisation.setdefault(consent.organisation_id, []).extend(covered_persons(consent))
    for consent in expired:
        persons = by_organisation.pop(consent.organisation_id, None)
        if persons:
            _regrant(organisation=consent.organisation, persons=persons)
    return removed


def shares_open(*, person: Person, organisation: Organisation) -> None:
    """Grant now what the organisation's valid consents cover for this person: a referral sent
    under consent opens the share at once (partners.referrals), even for a consent that only
    became valid after it was recorded (given on a later date)."""
    _regrant(organisation=organisation, persons=[person])
