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


def _grant(consent: Consent) -> int:
    """One grant per covered person and section, linked to this consent (existing rows are
    kept: recording twice grants once). Returns the rows asked for: with ignore_conflicts the
    database does not tell how many were new."""
    group = organisation_group(consent.organisation)
    by_codename = _permissions(consent.sections)
    rows = [
        PersonGroupObjectPermission(
            group=group,
            permission=by_codename[section_codename(section)],
            content_object=person,
            consent=consent,
        )
        for person in covered_persons(consent)
        for section in consent.sections
    ]
    PersonGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


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
        _grant(consent)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User, on: datetime.date | None = None) -> Consent:
    """End the consent and delete its grants at once. What another still-valid consent of the
    same organisation covers stays shared: it has grants of its own."""
    consent.withdrawn_on = on or timezone.localdate()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    consent.grants.all().delete()
    return consent


def shares_expire(*, on: datetime.date | None = None) -> int:
    """Delete the grants of consents expired by `on`. Access already ends at expiry (the
    visibility query ignores expired consents): this keeps the permission table equal to what
    is allowed. Returns the number of grants removed."""
    on = on or timezone.localdate()
    expired = PersonGroupObjectPermission.objects.filter(consent__expires_on__lt=on)
    removed, _by_model = expired.delete()
    return removed


@transaction.atomic
def shares_open(*, person: Person, organisation: Organisation) -> int:
    """Grant now what the organisation's valid consents cover for this person: a referral sent
    under consent opens the share at once (partners.referrals), even for a consent that only
    became valid after it was recorded (given on a later date). Returns the grants created."""
    valid = Consent.objects.valid().filter(organisation=organisation)
    consents = valid.filter(person=person)
    if person.household_id:
        consents = consents | valid.filter(household_id=person.household_id)
    return sum(_grant(consent) for consent in consents.select_related("organisation"))


def household_shares_refresh() -> int:
    """Household consents follow the household: a child born or arrived since is covered, a
    member who turned 18 or left is no longer (nightly, with shares_expire). Returns the
    number of grants removed."""
    removed = 0
    valid = Consent.objects.valid().filter(household__isnull=False)
    for consent in valid.select_related("person", "household", "organisation"):
        covered = [person.pk for person in covered_persons(consent)]
        count, _by_model = consent.grants.exclude(content_object_id__in=covered).delete()
        removed += count
        _grant(consent)
    return removed
