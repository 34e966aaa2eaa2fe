"""What the french part adds to the registries of beneficiaries: the person's timeline
(beneficiaries.timeline) and the summary at the top of the person's and household's pages
(beneficiaries.summary).

The summary's French line (a person's page only): the level now per skill, the course they
attend (or wait for), and the hours attended this month, in one query. The timeline: each
enrolment and each departure from a course, assessments and certifications; never each
tick of an attendance sheet."""

from decimal import Decimal

from django.db.models import Case, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.utils.translation import gettext as _

from accompaniment.models import (
    Assessment,
    Attendance,
    CefrLevel,
    Certification,
    CertificationResult,
    DropReason,
    Learner,
    LearnerStatus,
    Skill,
)
from accompaniment.services_french import hours_label
from beneficiaries.models import Pathway, Person
from beneficiaries.summary import Block, Row, SummaryQuery, allowed
from beneficiaries.summary import register as register_summary
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery
from beneficiaries.timeline import register as register_timeline
from mia import permissions
from mia.links import object_url

SKILLS = (Skill.OVERALL, Skill.ORAL, Skill.WRITTEN)


# --- Summary -------------------------------------------------------------------------------------


def french(query: SummaryQuery):
    if query.household or not permissions.reads_pathways(query.user):
        return
    person = query.people[0]
    today = query.today

    def latest(skill: str):
        rows = Assessment.objects.filter(person_id=OuterRef("pk"), skill=skill)
        return Subquery(rows.order_by("-assessed_on", "-pk").values("level")[:1])

    current = Learner.objects.filter(
        person_id=OuterRef("pk"), status__in=[LearnerStatus.ENROLLED, LearnerStatus.WAITING]
    ).order_by(
        Case(
            When(status=LearnerStatus.ENROLLED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-enrolled_on",
        "-pk",
    )
    month = (
        Attendance.objects.filter(
            person_id=OuterRef("pk"),
            present=True,
            session__cancelled=False,
            session__date__range=(today.replace(day=1), today),
        )
        .order_by()
        .values("person_id")
        .annotate(total=Sum("session__hours"))
        .values("total")
    )
    last_assessed = Assessment.objects.filter(person_id=OuterRef("pk")).order_by("-assessed_on")
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            **{f"level_{skill}": latest(skill) for skill in SKILLS},
            assessed_on=Subquery(last_assessed.values("assessed_on")[:1]),
            course_id=Subquery(current.values("course_id")[:1]),
            course_name=Subquery(current.values("course__name")[:1]),
            course_status=Subquery(current.values("status")[:1]),
            month_hours=Subquery(month),
        )
        .values(
            *(f"level_{skill}" for skill in SKILLS),
            "assessed_on",
            "course_id",
            "course_name",
            "course_status",
            "month_hours",
        )
        .first()
    )
    levels = dict(CefrLevel.choices)
    skills = dict(Skill.choices)
    rows = []
    known = [
        f"{skills[skill]} {levels[row[f'level_{skill}']]}"
        for skill in SKILLS
        if row[f"level_{skill}"]
    ]
    page = allowed(query.user, object_url("accompaniment:person_french", person.pk))
    if known:
        rows.append(
            Row(
                text=_("Niveau : %(levels)s") % {"levels": " · ".join(known)},
                date=row["assessed_on"],
                url=page,
            )
        )
    if row["course_id"]:
        waiting = row["course_status"] == LearnerStatus.WAITING
        rows.append(
            Row(
                text=row["course_name"],
                meta=_("Liste d'attente") if waiting else _("Cours suivi"),
                url=allowed(
                    query.user, object_url("accompaniment:course_detail", row["course_id"])
                ),
            )
        )
    hours = row["month_hours"] or Decimal("0")
    yield Block(
        key="french",
        order=60,
        title=_("Français"),
        count=int(hours),
        count_label=_("%(hours)s h ce mois-ci") % {"hours": hours_label(hours)},
        rows=tuple(rows),
        link=page,
        link_label=_("Parcours de français"),
        empty=_("Ni cours de français ni évaluation de niveau."),
    )


# --- Timeline ------------------------------------------------------------------------------------


def _french_only(query: TimelineQuery) -> bool:
    return query.pathway in (None, Pathway.FRENCH) and permissions.reads_pathways(query.user)


def enrolments(query: TimelineQuery):
    if not _french_only(query):
        return []
    rows = (
        Learner.objects.filter(person_id__in=query.person_ids)
        .select_related("person", "course")
        .only("status", "enrolled_on", "left_on", "drop_reason", "course__name", *PERSON_NAME)
        .order_by("-enrolled_on", "-pk")
    )
    enrolled, waiting = _("Inscription au cours : %(course)s"), _("Liste d'attente : %(course)s")
    completed, dropped = _("Cours terminé : %(course)s"), _("Abandon du cours : %(course)s")
    reasons = dict(DropReason.choices)
    entries = []
    for row in rows[: query.limit]:
        names = {"course": row.course.name}
        url = object_url("accompaniment:person_french", row.person_id)
        entries.append(
            Entry(
                date=row.enrolled_on,
                rank=(40, row.pk),
                kind="course_waiting" if row.status == LearnerStatus.WAITING else "course_enrolled",
                title=(waiting if row.status == LearnerStatus.WAITING else enrolled) % names,
                pathways=(Pathway.FRENCH,),
                who=str(row.person),
                url=url,
            )
        )
        if row.left_on and row.status in (LearnerStatus.COMPLETED, LearnerStatus.DROPPED):
            is_dropped = row.status == LearnerStatus.DROPPED
            entries.append(
                Entry(
                    date=row.left_on,
                    rank=(40, row.pk),
                    kind="course_dropped" if is_dropped else "course_completed",
                    title=(dropped if is_dropped else completed) % names,
                    detail=str(reasons.get(row.drop_reason, "")) if is_dropped else "",
                    pathways=(Pathway.FRENCH,),
                    who=str(row.person),
                    url=url,
                )
            )
    return entries


def assessments(query: TimelineQuery):
    if not _french_only(query):
        return []
    rows = (
        Assessment.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("assessed_on", "skill", "level", "assessor", *PERSON_NAME)
        .order_by("-assessed_on", "-pk")
    )
    title = _("Évaluation de français (%(skill)s) : %(level)s")
    levels, skills = dict(CefrLevel.choices), dict(Skill.choices)
    return [
        Entry(
            date=row.assessed_on,
            rank=(41, row.pk),
            kind="assessment",
            title=title
            % {"skill": str(skills[row.skill]).lower(), "level": levels.get(row.level, row.level)},
            detail=_("par %(assessor)s") % {"assessor": row.assessor} if row.assessor else "",
            pathways=(Pathway.FRENCH,),
            who=str(row.person),
            url=object_url("accompaniment:person_french", row.person_id),
        )
        for row in rows[: query.limit]
    ]


def certifications(query: TimelineQuery):
    if not _french_only(query):
        return []
    rows = (
        Certification.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("kind", "taken_on", "result", "level", *PERSON_NAME)
        .order_by("-taken_on", "-pk")
    )
    levels = dict(CefrLevel.choices)
    entries = []
    for row in rows[: query.limit]:
        text = f"{row.get_kind_display()} — {row.get_result_display().lower()}"
        if row.level and row.result != CertificationResult.PENDING:
            text = f"{text} ({levels.get(row.level, row.level)})"
        entries.append(
            Entry(
                date=row.taken_on,
                rank=(42, row.pk),
                kind=f"certification_{row.result}",
                title=text,
                pathways=(Pathway.FRENCH,),
                who=str(row.person),
                url=object_url("accompaniment:person_french", row.person_id),
            )
        )
    return entries


def register_sources() -> None:
    """Called by AccompanimentConfig.ready()."""
    register_summary("accompaniment.french", french)
    register_timeline("accompaniment.french_enrolments", enrolments)
    register_timeline("accompaniment.french_assessments", assessments)
    register_timeline("accompaniment.french_certifications", certifications)
