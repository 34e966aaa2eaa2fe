"""Writes that touch several rows. Views, the demo loader and later imports all call these."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.duplicates import (
    CHOSEN_FIELDS,
    fill_blanks,
    keep_from_duplicate,
    likely_pairs,
    person_relations,
    snapshot,
)
from beneficiaries.models import (
    DistinctPair,
    DuplicateScan,
    Enrolment,
    ExitReason,
    Household,
    HouseholdStay,
    LikelyPair,
    Person,
    PersonMerge,
    ReferentAssignment,
    Site,
    SitePopulation,
    SiteStatus,
)
from mia import permissions
from mia.concurrency import save_versioned


@transaction.atomic
def referent_assign(
    *, person: Person, referent, by, on: datetime.date | None = None
) -> ReferentAssignment | None:
    """Make `referent` the person's referent from `on`, closing the previous assignment.
    Assigning the current referent again changes nothing; None leaves the person unassigned."""
    on = on or timezone.localdate()
    if (referent.pk if referent else None) == person.referent_id:
        return None
    # An assignment dated after `on` (an entry recorded ahead) ends the day it starts.
    ReferentAssignment.objects.filter(person=person, ended_on__isnull=True).update(
        ended_on=Greatest(Value(on), F("started_on"))
    )
    person.referent = referent
    person.save(update_fields=["referent", "updated_at"])
    if referent is None:
        return None
    return ReferentAssignment.objects.create(
        person=person, referent=referent, started_on=on, assigned_by=by
    )


@transaction.atomic
def person_create(*, by, person: Person, referent=None) -> Person:
    """Open a file in the creator's organisation. A field worker who opens it becomes the
    referent unless a coordinator named someone else."""
    person.organisation_id = by.organisation_id
    person.created_by = by
    person.save()
    Enrolment.objects.create(
        person=person,
        entered_on=person.entered_on,
        exited_on=person.exited_on,
        exit_reason=person.exit_reason,
        recorded_by=by,
    )
    if referent is None and permissions.keeps_caseload(by):
        referent = by
    if referent is not None:
        referent_assign(person=person, referent=referent, by=by, on=person.entered_on)
    return person


@transaction.atomic
def household_move(
    *, household: Household, site: Site | None, on: datetime.date | None = None
) -> None:
    """Record that the household now lives on `site` (None: no known site), keeping history."""
    on = on or timezone.localdate()
    if household.site_id == (site.pk if site else None) and household.stays.filter(
        ended_on__isnull=True
    ).exists() == (site is not None):
        return
    # A stay dated after `on` (a household opened with an entry ahead) ends the day it starts.
    HouseholdStay.objects.filter(household=household, ended_on__isnull=True).update(
        ended_on=Greatest(Value(on), F("started_on"))
    )
    if site is not None:
        HouseholdStay.objects.create(household=household, site=site, started_on=on)
    household.site = site
    household.save(update_fields=["site", "updated_at"])


@transaction.atomic
def household_create(*, by, household: Household, on: datetime.date | None = None) -> Household:
    site = household.site
    household.organisation_id = by.organisation_id
    household.site = None
    household.save()
    household_move(household=household, site=site, on=on)
    return household


@transaction.atomic
def person_update(
    *, by, person: Person, changed: list[str], expected_version: int, referent=...
) -> Person:
    """Save the edited fields if nobody saved the file meanwhile (mia.concurrency), keeping the
    current enrolment's entry date in step; a referent passed (None included) is assigned."""
    save_versioned(person, expected=expected_version, update_fields=[*changed, "updated_at"])
    if "entered_on" in changed:
        person.enrolments.filter(exited_on__isnull=True).update(entered_on=person.entered_on)
    if referent is not ...:
        referent_assign(person=person, referent=referent, by=by)
    return person


@transaction.atomic
def person_exit(*, person: Person, on: datetime.date, reason: ExitReason, by) -> Enrolment:
    """Close the person's current period in the programme."""
    enrolment = person.enrolments.select_for_update().get(exited_on__isnull=True)
    enrolment.exited_on, enrolment.exit_reason = on, reason
    enrolment.full_clean()
    enrolment.save(update_fields=["exited_on", "exit_reason"])
    person.exited_on, person.exit_reason = on, reason
    person.version += 1
    person.save(update_fields=["exited_on", "exit_reason", "version", "updated_at"])
    return enrolment


@transaction.atomic
def person_reenter(*, person: Person, on: datetime.date, by) -> Enrolment:
    """Open a new period for a person who had left the programme."""
    enrolment = Enrolment(person=person, entered_on=on, recorded_by=by)
    enrolment.full_clean()
    enrolment.save()
    person.entered_on, person.exited_on, person.exit_reason = on, None, ""
    person.version += 1
    person.save(update_fields=["entered_on", "exited_on", "exit_reason", "version", "updated_at"])
    return enrolment


@transaction.atomic
def households_leave(site: Site, on: datetime.date) -> None:
    """A site closed on `on` (evicted, resorbed, burnt down...): the households still living
    there left it that day. Their stays end (what happened on the site, its board and its
    resorption, still reads them); where they live next is recorded as it becomes known (a
    placement, another site). Both updates are audited, one entry per row."""
    HouseholdStay.objects.filter(site=site, ended_on__isnull=True).update(
        ended_on=Greatest(Value(on), F("started_on"))
    )
    Household.objects.filter(site=site).update(site=None, updated_at=timezone.now())


@transaction.atomic
def site_save(
    *, site: Site, by, population: int | None = None, on: datetime.date | None = None
) -> Site:
    """Create or update a site; a population figure given with it becomes a dated estimate.
    A site closed by this change sees its households leave (households_leave)."""
    if site.pk is None:
        site.organisation_id = by.organisation_id
        was_open = True
    else:
        was_open = Site.objects.filter(pk=site.pk, status=SiteStatus.OPEN).exists()
    site.save()
    if was_open and site.status != SiteStatus.OPEN and site.closed_on:
        households_leave(site, site.closed_on)
    if population is not None:
        SitePopulation.objects.update_or_create(
            site=site, observed_on=on or timezone.localdate(), defaults={"people": population}
        )
    return site


@transaction.atomic
def household_update(*, household: Household, site: Site | None, expected_version: int) -> None:
    """Save the household's name if nobody saved it meanwhile, then record a move of site."""
    save_versioned(household, expected=expected_version, update_fields=["name", "updated_at"])
    household_move(household=household, site=site)


# Rows per UPDATE in caseload_transfer: under SQLite's old limit of 999 parameters.
_TRANSFER_CHUNK = 900


@transaction.atomic
def caseload_transfer(
    *, persons: QuerySet[Person], to_referent, by, on: datetime.date | None = None
) -> int:
    """Make `to_referent` the referent of every person of `persons` from `on`, in bulk: a
    person, a household, a site or a whole caseload. People already followed by `to_referent`
    are skipped. Each move closes the open assignment and opens a new one (the history), and
    bumps the person's version so that an edit form opened before cannot silently revert it.
    Returns how many people moved."""
    on = on or timezone.localdate()
    ids = list(
        persons.exclude(referent_id=to_referent.pk)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), _TRANSFER_CHUNK):
        chunk = ids[start : start + _TRANSFER_CHUNK]
        # An assignment dated after `on` (an entry recorded ahead) ends the day it starts.
        ReferentAssignment.objects.filter(person_id__in=chunk, ended_on__isnull=True).update(
            ended_on=Greatest(Value(on), F("started_on"))
        )
        Person.objects.filter(pk__in=chunk).update(
            referent=to_referent, version=F("version") + 1, updated_at=timezone.now()
        )
    ReferentAssignment.objects.bulk_create(
        [
            ReferentAssignment(person_id=pk, referent=to_referent, started_on=on, assigned_by=by)
            for pk in ids
        ],
        batch_size=_TRANSFER_CHUNK,
    )
    return len(ids)


class MergeRefused(Exception):
    """The two files cannot be merged; the message says why, in French, for the user."""


def pair_distinct(*, one: Person, other: Person, by) -> DistinctPair:
    """Record that two files likely to be one person are two people (the queue of likely
    duplicates leaves them out, now and in later scans); recording it twice is harmless."""
    if one.pk == other.pk or one.organisation_id != other.organisation_id:
        raise MergeRefused(_("Ces deux dossiers ne peuvent pas être comparés."))
    first, second = sorted((one.pk, other.pk))
    with transaction.atomic():
        pair, _created = DistinctPair.objects.get_or_create(
            first_id=first, second_id=second, defaults={"decided_by": by}
        )
        LikelyPair.objects.filter(first_id=first, second_id=second).delete()
    return pair


# A scan asked for less than this long ago and not finished is still under way: asking again
# adds none (a double tap, two coordinators at once).
SCAN_PENDING = datetime.timedelta(minutes=30)


def duplicate_scan_request(*, organisation, by=None) -> DuplicateScan:
    """Ask for the organisation's likely duplicates to be searched again, by the Celery worker
    (beneficiaries.tasks.duplicate_scan) once this transaction commits."""
    from beneficiaries import tasks

    pending = DuplicateScan.objects.filter(
        organisation=organisation,
        finished_at__isnull=True,
        requested_at__gte=timezone.now() - SCAN_PENDING,
    ).first()
    if pending:
        return pending
    scan = DuplicateScan.objects.create(organisation=organisation, requested_by=by)
    transaction.on_commit(lambda: tasks.duplicate_scan.delay(scan.pk))
    return scan


def duplicate_scan_run(*, scan: DuplicateScan) -> int:
    """Rank every pair of the organisation's files (duplicates.likely_pairs) into the scan's
    LikelyPair rows; the scans before it and their pairs are deleted once it is done. Run
    twice, or twice at once (the worker and a retry), the second run finds the scan finished
    and does nothing: the scan's row is locked while it runs."""
    with transaction.atomic():
        scan = DuplicateScan.objects.select_for_update().filter(pk=scan.pk).first()
        if scan is None or scan.finished_at:
            return scan.pairs if scan else 0
        people = Person.objects.filter(organisation_id=scan.organisation_id)
        pairs = likely_pairs(people)
        LikelyPair.objects.bulk_create(
            [
                LikelyPair(
                    scan=scan,
                    first_id=pair.first_pk,
                    second_id=pair.second_pk,
                    score=pair.score,
                    reasons=[str(reason) for reason in pair.reasons],
                )
                for pair in pairs
            ],
            batch_size=2000,
        )
        scan.files, scan.pairs, scan.finished_at = people.count(), len(pairs), timezone.now()
        scan.save(update_fields=["files", "pairs", "finished_at"])
        DuplicateScan.objects.filter(
            organisation_id=scan.organisation_id,
            finished_at__isnull=False,
            requested_at__lt=scan.requested_at,
        ).delete()
    return len(pairs)


@transaction.atomic
def person_merge(
    *,
    survivor: Person,
    duplicate: Person,
    by,
    expected_versions: dict[int, int] | None = None,
    keep: dict[str, int] | None = None,
) -> PersonMerge:
    """Make one file of two files of one person: every row pointing at `duplicate` (in any app)
    moves to `survivor`, which is completed with what only the duplicate knew; the duplicate is
    recorded in a PersonMerge, then deleted. `expected_versions` ({pk: version}, from the
    preview) refuses the merge if either file was saved since it was shown. `keep` ({field:
    pk of the file whose value is kept}, fields of duplicates.CHOSEN_FIELDS) takes the
    duplicate's value where the coordinator chose it; a field left out keeps the survivor's.
    The survivor's names replaced become other spellings; its replaced values are recorded."""
    keep = keep or {}
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("Un dossier ne peut pas être fusionné avec lui-même."))
    if survivor.organisation_id != duplicate.organisation_id:
        raise MergeRefused(_("Les deux dossiers n'appartiennent pas à la même organisation."))
    if not set(keep) <= set(CHOSEN_FIELDS) or not set(keep.values()) <= {
        survivor.pk,
        duplicate.pk,
    }:
        raise MergeRefused(_("Choix de valeurs invalide : vérifiez de nouveau la fusion."))
    # Lock both rows, in a fixed order so that two merges of the same pair cannot deadlock.
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise MergeRefused(_("L'un des deux dossiers n'existe plus."))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if expected_versions and any(
        locked[pk].version != version for pk, version in expected_versions.items()
    ):
        raise MergeRefused(
            _("L'un des dossiers a été modifié entre-temps : vérifiez de nouveau la fusion.")
        )
    kept = snapshot(duplicate)
    today = timezone.localdate()
    names = f"{survivor.first_name} {survivor.last_name}"
    taken = [name for name in CHOSEN_FIELDS if keep.get(name) == duplicate.pk]
    if taken:
        kept["kept_from_duplicate"] = taken
        kept["replaced_on_survivor"] = keep_from_duplicate(survivor, duplicate, taken)
    renamed = {"first_name", "last_name"} & set(taken)

    # One open referent assignment per person. An unassigned survivor keeps the duplicate's
    # referent (the person goes on being followed); otherwise the survivor's referent stays and
    # the duplicate's assignment ends today, so the history still shows who followed that file.
    open_assignment = duplicate.assignments.filter(ended_on__isnull=True).first()
    if open_assignment:
        if survivor.assignments.filter(ended_on__isnull=True).exists():
            open_assignment.ended_on = max(today, open_assignment.started_on)
            open_assignment.save(update_fields=["ended_on"])
        else:
            survivor.referent_id = open_assignment.referent_id

    # One open period in the programme per person. Two open periods of one person describe the
    # same accompaniment and would count them twice: keep the survivor's, from the earlier
    # entry, and drop the duplicate's (the snapshot keeps its dates).
    open_enrolment = duplicate.enrolments.filter(exited_on__isnull=True).first()
    survivor_enrolment = survivor.enrolments.filter(exited_on__isnull=True).first()
    if open_enrolment and survivor_enrolment:
        if open_enrolment.entered_on < survivor_enrolment.entered_on:
            survivor_enrolment.entered_on = open_enrolment.entered_on
            survivor_enrolment.save(update_fields=["entered_on"])
        kept["dropped_open_enrolment"] = {
            "entered_on": open_enrolment.entered_on.isoformat(),
            "recorded_by_id": open_enrolment.recorded_by_id,
        }
        open_enrolment.delete()

    moved = {}
    for relation in person_relations():
        rows = relation.model._base_manager.filter(**{relation.person_field: duplicate})
        if relation.other_field:
            # A follow-up both attended keeps one link, to the survivor.
            already = relation.model._base_manager.filter(
                **{relation.person_field: survivor}
            ).values(relation.other_field)
            rows.filter(**{f"{relation.other_field}__in": already}).delete()
        try:
            count = rows.update(**{relation.person_field: survivor})
        except IntegrityError as error:
            # A uniqueness rule of a later app that the rules above do not settle.
            raise MergeRefused(
                _("Fusion impossible : conflit sur « %(rows)s ».") % {"rows": relation.label}
            ) from error
        if count:
            moved[relation.key] = count

    fill_blanks(survivor, duplicate, replaced_names=names if renamed else "")
    # Entry and exit mirror the latest period, now that both files' periods are together.
    latest = survivor.enrolments.order_by(F("exited_on").desc(nulls_first=True), "-entered_on")
    if period := latest.first():
        survivor.entered_on, survivor.exited_on = period.entered_on, period.exited_on
        survivor.exit_reason = period.exit_reason
    survivor.version += 1
    survivor.save()
    merge = PersonMerge.objects.create(
        survivor=survivor, merged_person_id=duplicate.pk, snapshot=kept, moved=moved, merged_by=by
    )
    duplicate.delete()
    return merge
