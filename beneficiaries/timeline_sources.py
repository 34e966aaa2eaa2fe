"""What beneficiaries adds to the timeline: entries and exits, referents, places of life."""

from django.utils.translation import gettext as _

from beneficiaries.models import Enrolment, HouseholdStay, PersonMerge, ReferentAssignment
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery, register
from mia.links import object_url


def enrolments(query: TimelineQuery):
    if query.pathway:
        return []
    rows = (
        Enrolment.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("entered_on", "exited_on", "exit_reason", *PERSON_NAME)
        .order_by("-entered_on", "-pk")[: query.limit]
    )
    for row in rows:
        url = object_url("beneficiaries:person_detail", row.person_id)
        yield Entry(
            date=row.entered_on,
            rank=(1, row.pk),
            kind="enrolment",
            title=_("Entrée dans le programme"),
            who=str(row.person),
            url=url,
        )
        if row.exited_on:
            yield Entry(
                date=row.exited_on,
                rank=(1, row.pk),
                kind="exit",
                title=_("Sortie du programme : %(reason)s")
                % {"reason": row.get_exit_reason_display()},
                who=str(row.person),
                url=url,
            )


def assignments(query: TimelineQuery):
    if query.pathway:
        return []
    rows = (
        ReferentAssignment.objects.filter(person_id__in=query.person_ids)
        .select_related("person", "referent")
        .only(
            "started_on",
            *PERSON_NAME,
            "referent__first_name",
            "referent__last_name",
            "referent__email",
        )
        .order_by("-started_on", "-pk")[: query.limit]
    )
    return [
        Entry(
            date=row.started_on,
            rank=(2, row.pk),
            kind="assignment",
            title=_("Suivi par %(referent)s") % {"referent": row.referent},
            who=str(row.person),
            url=object_url("beneficiaries:person_detail", row.person_id),
        )
        for row in rows
    ]


def stays(query: TimelineQuery):
    if query.pathway not in (None, "housing"):
        return []
    rows = (
        HouseholdStay.objects.filter(household__members__id__in=query.person_ids)
        .distinct()
        .select_related("site", "household")
        .order_by("-started_on", "-pk")[: query.limit]
    )
    return [
        Entry(
            date=row.started_on,
            rank=(3, row.pk),
            kind="stay",
            title=_("Installation sur le lieu de vie %(site)s") % {"site": row.site.name},
            pathways=("housing",),
            who=str(row.household),
            url=object_url("beneficiaries:household_detail", row.household_id),
        )
        for row in rows
    ]


def merges(query: TimelineQuery):
    if query.pathway:
        return []
    rows = (
        PersonMerge.objects.filter(survivor_id__in=query.person_ids)
        .select_related("merged_by")
        .order_by("-merged_at", "-pk")[: query.limit]
    )
    return [
        Entry(
            date=row.merged_at.date(),
            rank=(4, row.pk),
            kind="merge",
            title=_("Fusion avec le dossier n° %(pk)d") % {"pk": row.merged_person_id},
            who=str(row.merged_by or ""),
            url=object_url("beneficiaries:person_detail", row.survivor_id),
        )
        for row in rows
    ]


def register_sources() -> None:
    register("beneficiaries.enrolments", enrolments)
    register("beneficiaries.assignments", assignments)
    register("beneficiaries.stays", stays)
    register("beneficiaries.merges", merges)
