"""What the school part adds to the registries of beneficiaries: the person's timeline
(beneficiaries.timeline) and the summary at the top of the person's and household's pages
(beneficiaries.summary).

The summary costs one query, on either page: the schooling in force of the page's people
(services_school.current_schooling). A household's page lists every child at a glance, each a
link to their schooling page; a child's own page says their schooling in one line."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment.models import Schooling, SchoolLevel
from accompaniment.services_school import current_schooling, is_child
from beneficiaries import summary, timeline
from beneficiaries.models import Pathway
from beneficiaries.summary import Block, Row, SummaryQuery, allowed
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery
from mia import permissions
from mia.links import object_url

# After the accompaniment's own blocks (follow-ups 10 … plan 40).
ORDER = 60


def _date(day) -> str:
    return formats.date_format(day, "d/m/Y")


def _where(row: Schooling) -> str:
    """ "École Jean-Jaurès, Montreuil": the school and its commune, as far as they are known."""
    return ", ".join(part for part in (row.school, row.commune.name if row.commune else "") if part)


def _marks(row: Schooling) -> str:
    """The school mediation and an attendance concern, the two things to see at a glance."""
    marks = []
    if row.mediation:
        marks.append(
            _("Médiation scolaire depuis le %(date)s") % {"date": _date(row.mediation_since)}
            if row.mediation_since
            else _("Médiation scolaire")
        )
    if row.attendance_concern:
        marks.append(_("Assiduité préoccupante"))
    return " · ".join(marks)


def _age(person) -> str:
    age = person.age
    if age is None:
        return _("âge inconnu")
    if not person.birth_date:
        # Only the year is known: the age is one year too many until the birthday.
        return _("né·e en %(year)d") % {"year": person.birth_year}
    return ngettext("%(age)d an", "%(age)d ans", age) % {"age": age}


# --- Summary -----------------------------------------------------------------------------------


def schooling(query: SummaryQuery):
    if not query.people or not permissions.reads_pathways(query.user):
        return
    in_force = current_schooling(query.person_ids, on=query.today)
    if query.household:
        yield from _household(query, in_force)
    else:
        yield from _person(query, in_force)


def _household(query: SummaryQuery, in_force: dict):
    # Every minor of the household, and anyone older whose schooling is still followed.
    children = [person for person in query.people if is_child(person) or person.pk in in_force]
    if not children:
        return
    rows, unknown = [], 0
    for child in children:
        row = in_force.get(child.pk)
        if row is None:
            unknown += 1
            meta = _("Scolarité non renseignée")
        else:
            meta = " — ".join(part for part in (row.get_level_display(), _where(row)) if part)
        rows.append(
            Row(
                text=f"{child} ({_age(child)})",
                meta=meta,
                detail=_marks(row) if row else "",
                url=allowed(query.user, object_url("accompaniment:schooling", child.pk)),
            )
        )
    total = len(children)
    yield Block(
        key="schooling",
        order=ORDER,
        title=_("Scolarité des enfants"),
        count=total,
        count_label=ngettext("%(count)d enfant", "%(count)d enfants", total) % {"count": total},
        lead=ngettext(
            "%(count)d sans scolarité renseignée.", "%(count)d sans scolarité renseignée.", unknown
        )
        % {"count": unknown}
        if unknown
        else "",
        rows=tuple(rows),
    )


def _person(query: SummaryQuery, in_force: dict):
    person = query.people[0]
    row = in_force.get(person.pk)
    if row is None and not is_child(person):
        return
    url = allowed(query.user, object_url("accompaniment:schooling", person.pk))
    rows = ()
    if row is not None:
        rows = (
            Row(
                text=row.get_level_display(),
                date=row.since,
                meta=_where(row),
                detail=_marks(row),
                url=url,
            ),
        )
    yield Block(
        key="schooling",
        order=ORDER,
        title=_("Scolarité"),
        count=len(rows),
        count_label=_("depuis le %(date)s") % {"date": _date(row.since)} if row else "",
        rows=rows,
        link=url,
        link_label=_("Voir et mettre à jour la scolarité"),
        empty=_("Scolarité non renseignée."),
    )


# --- Timeline ----------------------------------------------------------------------------------


def schoolings(query: TimelineQuery):
    """Each row of schooling recorded, on the day it starts: "Scolarité : Élémentaire —
    École Jean-Jaurès, Montreuil"."""
    if query.pathway and query.pathway != Pathway.SCHOOLING:
        return []
    if not permissions.reads_pathways(query.user):
        return []
    rows = (
        Schooling.objects.filter(person_id__in=query.person_ids)
        .select_related("person", "commune")
        .only(
            *("person_id", "since", "level", "school", "commune__name"),
            *("mediation", "mediation_since", "attendance_concern"),
            *PERSON_NAME,
        )
        .order_by("-since", "-pk")
    )
    levels = {value: str(label) for value, label in SchoolLevel.choices}
    title = _("Scolarité : %(level)s")
    entries = []
    for row in rows[: query.limit]:
        text = title % {"level": levels.get(row.level, row.level)}
        if where := _where(row):
            text = f"{text} — {where}"
        entries.append(
            Entry(
                date=row.since,
                rank=(40, row.pk),
                kind="schooling",
                title=text,
                detail=_marks(row),
                pathways=(Pathway.SCHOOLING.value,),
                who=str(row.person),
                url=object_url("accompaniment:schooling", row.person_id),
            )
        )
    return entries


def register_sources() -> None:
    """Called by AccompanimentConfig.ready()."""
    summary.register("accompaniment.schooling", schooling)
    timeline.register("accompaniment.schooling", schoolings)
