"""Demo step (order 35): the rights, school and French pathways for `manage.py seed_demo` (see
mia.demo).

About three procedures per person (domiciliation for most adults, health cover, CAF, bank
account…), each with its status history; refusals recorded as obstacles; the dated schooling of
every minor; French courses given by partner organisations, with a year of class sessions,
attendance ticks, level assessments and a few certifications. Written with mia.demo.insert_rows
(COPY on PostgreSQL), ids numbered here so that changes, obstacles, schoolings and ticks point
at their rows without reading anything back. Like accompaniment/demo.py, this module fills in
what the services would: a ProcedureChange per status, valid_until from the type's validity,
the renewal reminder that accompaniment's nightly task would have made.

People are read from the database rather than from the earlier steps' objects, so that
bench/pages.py can add the pathways to a database loaded before they existed. The demo's own
accounts always find the same things, whatever the draw: travailleur@demo.mia's first person has
a right ending in two weeks, one expired and a refusal; a household of that caseload has a child
refused by the town hall; a course of 30 learners meets this week (formateur@demo.mia gives it),
and one of them went from A0 to A1.1."""

import calendar
import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress

from accompaniment.models import (
    CEFR_RANK,
    Assessment,
    Attendance,
    CefrLevel,
    Certification,
    CertificationKind,
    CertificationResult,
    ClassSession,
    Course,
    CourseKind,
    CourseSlot,
    DropReason,
    Learner,
    LearnerStatus,
    Obstacle,
    ObstacleFollowUp,
    ObstacleKind,
    Procedure,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
    Schooling,
    SchoolLevel,
    Skill,
    Task,
)
from beneficiaries.demo import of_commune
from beneficiaries.models import Commune, Language, Pathway, Person
from mia.demo import (
    STAFF_FIRST_NAMES,
    STAFF_LAST_NAMES,
    DemoContext,
    Login,
    insert_rows,
    next_id,
    reset_sequences,
)
from mia.models import Organisation, OrganisationKind, Role, User

ADULT_AGE = 18
S = ProcedureStatus

# --- Rights --------------------------------------------------------------------------------------

# (type code, share of adults who have one). Health cover is drawn apart: AME, or PUMa often
# with the Complémentaire santé solidaire, or the CSS alone.
ADULT_PROCEDURES = [
    ("domiciliation", 0.85),
    ("compte", 0.45),
    ("identite", 0.25),
    ("navigo", 0.2),
    ("impots", 0.15),
    ("permis", 0.03),
]
# Days between filing and the decision, per type (the CCAS answers within two months, a bank
# within fifteen days or the Banque de France designates one…).
DELAYS = {
    "domiciliation": (15, 60),
    "ame": (30, 90),
    "css": (20, 60),
    "puma": (30, 100),
    "caf": (30, 120),
    "rsa": (30, 90),
    "compte": (2, 15),
    "france_travail": (1, 14),
    "navigo": (10, 30),
    "identite": (20, 120),
    "impots": (0, 0),
    "permis": (120, 400),
    "scolarite": (5, 45),
}
# Rights that last a year (domiciliation, AME, CSS): where each stands on the reference date.
VALIDITY_STATES = [
    ("valid", 57),  # ends in more than 30 days
    ("ending", 10),  # ends within 30 days
    ("lapsed", 4),  # ended less than a month ago
    ("expired", 6),  # ended earlier
    ("renewing", 9),  # ends soon or just ended, its renewal filed
    ("request", 8),  # a first request, filed or awaiting the answer
    ("refused", 3),
    ("to_start", 3),
]
# Other procedures of people still followed.
OUTCOMES = [
    (S.OBTAINED, 63),
    (S.PENDING, 12),
    (S.FILED, 8),
    (S.TO_START, 5),
    (S.REFUSED, 3),
    (S.ABANDONED, 9),
]
# Of people who left the programme: what became of their procedures by then.
EXITED_OUTCOMES = [(S.OBTAINED, 73), (S.REFUSED, 5), (S.ABANDONED, 22)]
# Refusals the team records as an obstacle (most), by type; other refusals sometimes.
OBSTACLE_OF = {
    "domiciliation": ObstacleKind.DOMICILIATION_REFUSED,
    "compte": ObstacleKind.BANK_REFUSED,
    "ame": ObstacleKind.HEALTH_REFUSED,
    "css": ObstacleKind.HEALTH_REFUSED,
    "puma": ObstacleKind.HEALTH_REFUSED,
    "scolarite": ObstacleKind.SCHOOL_REFUSED,
}
OBSTACLE_FOLLOW_UPS = {
    ObstacleKind.BANK_REFUSED: [
        (ObstacleFollowUp.NONE, 20),
        (ObstacleFollowUp.APPEAL, 30),  # the Banque de France's designation
        (ObstacleFollowUp.SOLVED, 50),
    ],
    ObstacleKind.SCHOOL_REFUSED: [
        (ObstacleFollowUp.NONE, 15),
        (ObstacleFollowUp.MEDIATION, 35),
        (ObstacleFollowUp.APPEAL, 15),
        (ObstacleFollowUp.DEFENDER, 15),
        (ObstacleFollowUp.SOLVED, 20),
    ],
    None: [
        (ObstacleFollowUp.NONE, 25),
        (ObstacleFollowUp.APPEAL, 20),
        (ObstacleFollowUp.MEDIATION, 20),
        (ObstacleFollowUp.DEFENDER, 10),
        (ObstacleFollowUp.SOLVED, 25),
    ],
}
# What the team notes about a refusal (kept with the team, never shown to partners).
OBSTACLE_DETAILS = {
    ObstacleKind.DOMICILIATION_REFUSED: [
        "Refus au guichet : « pas de lien avec la commune ».",
        "Refus écrit, motif : habitat sur un terrain non reconnu.",
        "Demande restée sans réponse après deux mois.",
    ],
    ObstacleKind.BANK_REFUSED: [
        "Refus oral à l'agence, aucune lettre remise.",
        "Refus écrit : justificatif de domicile jugé insuffisant.",
        "Aucune réponse de la banque après quinze jours.",
    ],
    ObstacleKind.HEALTH_REFUSED: [
        "Justificatif de présence de plus de trois mois jugé insuffisant.",
        "Dossier renvoyé incomplet à deux reprises.",
        "Refus au motif de ressources non justifiées.",
    ],
    ObstacleKind.SCHOOL_REFUSED: [
        "La mairie demande un justificatif de domicile que la famille n'a pas.",
        "Refus d'inscription : « plus de place » dans l'école du secteur.",
        "Inscription différée « jusqu'à l'évacuation du terrain ».",
    ],
    ObstacleKind.OTHER: [
        "Refus au guichet sans motif écrit.",
        "Pièces demandées que les textes ne prévoient pas.",
    ],
}
DEPARTEMENT_BODIES = {
    "cpam": {
        "92": "CPAM des Hauts-de-Seine",
        "93": "CPAM de la Seine-Saint-Denis",
        "94": "CPAM du Val-de-Marne",
    },
    "caf": {
        "92": "CAF des Hauts-de-Seine",
        "93": "CAF de la Seine-Saint-Denis",
        "94": "CAF du Val-de-Marne",
    },
    "rsa": {
        "92": "Département des Hauts-de-Seine",
        "93": "Département de la Seine-Saint-Denis",
        "94": "Département du Val-de-Marne",
    },
}
NEXT_STEPS = [
    "Relancer : {name}",
    "Compléter le dossier : {name}",
    "Apporter les pièces manquantes : {name}",
]
RENEWAL_TITLE = "Renouveler : {name}"

# --- School --------------------------------------------------------------------------------------

SCHOOL_NAMES = [
    "Jules-Ferry", "Jean-Jaurès", "Paul-Langevin", "Louise-Michel", "Victor-Hugo", "Pasteur",
    "Jean-Macé", "Anatole-France", "Pablo-Picasso", "Joliot-Curie", "Romain-Rolland",
    "des Tilleuls", "du Centre", "des Coquelicots", "Marie-Curie", "Condorcet",
]  # fmt: skip
SCHOOL_KINDS = {
    SchoolLevel.EARLY: ["Crèche municipale", "Action passerelle des moins de 3 ans"],
    SchoolLevel.MATERNELLE: ["École maternelle"],
    SchoolLevel.ELEMENTAIRE: ["École élémentaire"],
    SchoolLevel.COLLEGE: ["Collège"],
    SchoolLevel.LYCEE: ["Lycée professionnel", "Lycée"],
    SchoolLevel.OTHER: ["Mission de lutte contre le décrochage", "Dispositif d'insertion"],
}

# --- French --------------------------------------------------------------------------------------

# Course providers: partner organisations, invented. The first gives the 30-learner course and
# has the trainer's account.
PROVIDERS = [
    ("passerelles", "Centre de formation Passerelles (démo)", OrganisationKind.TRAINING),
    ("mots_partages", "Association Mots partagés (démo)", OrganisationKind.ASSOCIATION),
    ("trait_union", "Institut Trait d'union (démo)", OrganisationKind.TRAINING),
    ("voisins", "Association Voisins solidaires (démo)", OrganisationKind.ASSOCIATION),
]
TRAINER = "formateur@demo.mia"
SHOWCASE_LEARNERS = 30
# Courses per scale: (ACINA, Horizon). Each has 15–30 learners at national scale.
COURSES = {"small": (3, 1), "national": (56, 4)}
LEARNERS = {"small": (8, 14), "national": (15, 30)}
COURSE_KINDS = [
    (CourseKind.ASL, 40),
    (CourseKind.FLE, 30),
    (CourseKind.LITERACY, 18),
    (CourseKind.VOCATIONAL, 12),
]
COURSE_NAMES = {
    CourseKind.ASL: ["Atelier sociolinguistique", "ASL vie quotidienne", "ASL parents d'élèves"],
    CourseKind.FLE: ["Français langue étrangère A1", "FLE débutant·es", "FLE intermédiaire A2"],
    CourseKind.LITERACY: ["Alphabétisation", "Lire et écrire, premiers pas"],
    CourseKind.VOCATIONAL: [
        "Français à visée professionnelle — bâtiment",
        "Français à visée professionnelle — aide à la personne",
        "Français pour l'emploi — restauration",
    ],
}
PLACES = [
    "Centre social, 12 rue de la République, Saint-Denis",
    "Maison de quartier, 4 allée des Saules, Montreuil",
    "Salle municipale, 30 avenue Jean-Jaurès, Bobigny",
    "Locaux de l'association, 8 rue Pasteur, Aubervilliers",
    "Médiathèque, 15 rue Victor-Hugo, Ivry-sur-Seine",
    "Centre social, 2 boulevard de la Libération, Nanterre",
]
# Weekly patterns: [(weekday, start, end)].
SCHEDULES = [
    [(0, (9, 30), (11, 30)), (3, (9, 30), (11, 30))],
    [(1, (14, 0), (16, 0)), (4, (14, 0), (16, 0))],
    [(2, (9, 30), (12, 0))],
    [(0, (9, 0), (11, 0)), (2, (9, 0), (11, 0)), (4, (9, 0), (11, 0))],
    [(5, (10, 0), (12, 0))],
    [(1, (18, 0), (20, 0)), (3, (18, 0), (20, 0))],
]
# First level assessed, by kind of course.
FIRST_LEVELS = {
    CourseKind.LITERACY: [("a0", 70), ("a1_1", 30)],
    CourseKind.ASL: [("a0", 30), ("a1_1", 40), ("a1", 25), ("a2", 5)],
    CourseKind.FLE: [("a1_1", 30), ("a1", 40), ("a2", 25), ("b1", 5)],
    CourseKind.VOCATIONAL: [("a1", 40), ("a2", 45), ("b1", 15)],
}
LEVELS = CefrLevel.values
CERTIFICATION_OF = {
    CefrLevel.A1_1: CertificationKind.DILF,
    CefrLevel.A1: CertificationKind.DELF_A1,
    CefrLevel.A2: CertificationKind.DELF_A2,
    CefrLevel.B1: CertificationKind.DELF_B1,
    CefrLevel.B2: CertificationKind.DELF_B2,
}
DROP_REASONS = [
    (DropReason.WORK, 30),
    (DropReason.MOVED, 20),
    (DropReason.CHILDCARE, 20),
    (DropReason.HEALTH, 8),
    (DropReason.LEVEL, 7),
    (DropReason.LOST, 10),
    (DropReason.OTHER, 5),
]

PROCEDURE_FIELDS = (
    "id", "organisation_id", "person_id", "type_id", "status", "filed_on", "decided_on",
    "valid_from", "valid_until", "handler_id", "handler_name", "renewal_of_id",
    "renewal_task_id", "created_by_id", "created_at", "updated_at", "version",
)  # fmt: skip
CHANGE_FIELDS = ("procedure_id", "status", "previous", "on", "by_id", "at")
OBSTACLE_FIELDS = (
    "organisation_id", "person_id", "procedure_id", "kind", "body", "occurred_on", "follow_up",
    "follow_up_on", "details", "recorded_by_id", "created_at", "updated_at",
)  # fmt: skip
TASK_FIELDS = (
    "id", "organisation_id", "person_id", "title", "pathway", "due_on", "done_on",
    "assigned_to_id", "procedure_id", "created_by_id", "created_at",
)  # fmt: skip
SCHOOLING_FIELDS = (
    "organisation_id", "person_id", "since", "level", "school", "commune_id", "enrolled_on",
    "mediation", "mediation_since", "attendance_concern", "procedure_id", "recorded_by_id",
    "created_at", "updated_at",
)  # fmt: skip
COURSE_FIELDS = (
    "id", "organisation_id", "provider_id", "kind", "name", "place", "starts_on", "ends_on",
    "hours_per_class", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
SLOT_FIELDS = ("course_id", "weekday", "starts_at", "ends_at")
LEARNER_FIELDS = (
    "course_id", "person_id", "status", "enrolled_on", "left_on", "drop_reason",
    "created_by_id", "created_at", "updated_at",
)  # fmt: skip
SESSION_FIELDS = ("id", "course_id", "date", "hours", "cancelled", "created_at")
ATTENDANCE_FIELDS = ("session_id", "person_id", "present", "marked_by_id", "marked_at")
ASSESSMENT_FIELDS = (
    "organisation_id", "person_id", "assessed_on", "skill", "level", "assessor", "course_id",
    "recorded_by_id", "created_at",
)  # fmt: skip
CERTIFICATION_FIELDS = (
    "organisation_id", "person_id", "kind", "taken_on", "result", "level", "recorded_by_id",
    "created_at",
)  # fmt: skip


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def school_year(day: datetime.date) -> int:
    """The year the school year of `day` started (September)."""
    return day.year if day.month >= 9 else day.year - 1


def level_for(grade_age: int) -> str:
    """The French school level of a child born in year Y during the school year starting in
    Y + grade_age (children enter CP the year they turn six)."""
    if grade_age <= 5:
        return SchoolLevel.MATERNELLE
    if grade_age <= 10:
        return SchoolLevel.ELEMENTAIRE
    if grade_age <= 14:
        return SchoolLevel.COLLEGE
    return SchoolLevel.LYCEE


@dataclass
class _Person:
    pk: int
    organisation_id: int
    household_id: int | None
    referent_id: int | None
    relationship: str
    birth_date: datetime.date | None
    birth_year: int | None
    entered_on: datetime.date
    exited_on: datetime.date | None
    languages: list[str]
    commune: str  # INSEE code: the household's site, or a commune of the area
    # The birthday, or for a birth year alone the first day after it (the youngest it can be).
    born_on: datetime.date | None = None
    # How likely to be drawn as a learner: people who do not speak French, first.
    learner_weight: int = 4

    def __post_init__(self) -> None:
        if Language.FRENCH in self.languages:
            self.learner_weight = 1
        if self.birth_date:
            self.born_on = self.birth_date
        elif self.birth_year:
            self.born_on = datetime.date(self.birth_year, 1, 1)

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date:
            before = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - before
        return day.year - self.birth_year if self.birth_year else None

    @property
    def born(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


@dataclass
class _Procedure:
    pk: int
    person: _Person
    code: str
    status: str
    filed_on: datetime.date | None
    decided_on: datetime.date | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    steps: list[tuple[str, datetime.date]]
    renewal_of: "_Procedure | None" = None
    renewed: bool = False
    renewed_on: datetime.date | None = None  # the day its renewal was filed
    renewal_task: int | None = None
    handler: tuple[int | None, str] = (None, "")
    by: int | None = None


@dataclass
class _Course:
    pk: int
    organisation_id: int
    provider: Organisation
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    slots: list[tuple[int, datetime.time, datetime.time]]
    worker: int
    learners: list[tuple[_Person, str, datetime.date, datetime.date | None, str]] = field(
        default_factory=list
    )


def rights_school_and_french(context: DemoContext) -> None:
    builder = _Builder(context)
    builder.run()
    context.counts.update(builder.counts)
    travailleur = context.users["travailleur@demo.mia"]
    ending = Procedure.objects.filter(
        person__referent=travailleur,
        person__exited_on=None,
        status=S.OBTAINED,
        valid_until__gte=context.today,
        valid_until__lte=context.today + datetime.timedelta(days=30),
    ).count()
    context.describe(
        "travailleur@demo.mia",
        f"droits : {ending} qui finissent d'ici 30 jours dans sa file active, "
        f"un cours de {SHOWCASE_LEARNERS} apprenant·es qui a lieu cette semaine",
    )


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.rng = context.rng
        self.today = context.today
        self.scale = context.scale
        self.types = {t.code: t for t in ProcedureType.objects.filter(organisation=None)}
        self.communes = {c.insee: c for c in Commune.objects.all()}
        self.workers: dict[int, list[int]] = defaultdict(list)
        for pk, organisation_id in (
            User.objects.filter(role=Role.SOCIAL_WORKER)
            .order_by("pk")
            .values_list("pk", "organisation_id")
        ):
            self.workers[organisation_id].append(pk)
        self.people = self.load_people()
        self.members: dict[int, list[_Person]] = defaultdict(list)  # by organisation
        for person in self.people:
            self.members[person.organisation_id].append(person)
        self.procedures: list[_Procedure] = []
        self.obstacles: list[tuple] = []
        self.tasks: list[tuple] = []
        self.schoolings: list[tuple] = []
        self.procedure_id = next_id(Procedure) - 1
        self.task_id = next_id(Task) - 1
        self.counts: dict[str, int] = {}
        self._tables: dict[int, tuple] = {}
        self.organisation_names = {
            organisation.pk: organisation.name
            for organisation in self.context.organisations.values()
        }

    # -- helpers --

    # A few hundred thousand draws at national scale: random() is several times faster than
    # randint(), and the cumulated weights of each (constant) table are computed once.

    def weighted(self, choices):
        table = self._tables.get(id(choices))
        if table is None:
            values, weights = zip(*choices, strict=True)
            table = self._tables[id(choices)] = (values, list(itertools.accumulate(weights)))
        return self.rng.choices(table[0], cum_weights=table[1])[0]

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        span = max(0, (end - start).days)
        return start + datetime.timedelta(days=int(self.rng.random() * (span + 1)))

    def moment(self, day: datetime.date, time: datetime.time | None = None) -> datetime.datetime:
        """A time in office hours on that day, for created_at and the like."""
        if time is None:
            minutes = 480 + int(self.rng.random() * 600)
            time = datetime.time(minutes // 60, minutes % 60)
        return datetime.datetime.combine(day, time, tzinfo=datetime.UTC)

    def days(self, count: int) -> datetime.timedelta:
        return datetime.timedelta(days=count)

    def load_people(self) -> list[_Person]:
        fallback = "93066" if "93066" in self.communes else next(iter(self.communes))
        rows = Person.objects.order_by("pk").values_list(
            "pk", "organisation_id", "household_id", "referent_id", "relationship",
            "birth_date", "birth_year", "entered_on", "exited_on", "languages",
            "household__site__commune_id",
        )  # fmt: skip
        return [_Person(*row[:-1], commune=row[-1] or fallback) for row in rows]

    def worker_of(self, person: _Person) -> int | None:
        if person.referent_id:
            return person.referent_id
        workers = self.workers.get(person.organisation_id)
        return self.rng.choice(workers) if workers else None

    def end_of(self, person: _Person) -> datetime.date:
        return person.exited_on or self.today

    # -- the whole step --

    def run(self) -> None:
        self.providers, self.trainer = self.add_providers_and_trainer()
        self.choose_showcases()
        households: dict[int, list[_Person]] = defaultdict(list)
        for person in self.people:
            households[person.household_id].append(person)
        for person in self.people:
            if person.pk == self.showcase.pk:
                self.add_showcase_rights(person)
                continue
            minors = any(
                (m.age_on(self.today) or 99) < ADULT_AGE for m in households[person.household_id]
            )
            self.add_rights(person, has_minors=minors)
        for person in self.people:
            age = person.age_on(self.end_of(person))
            if age is not None and age < ADULT_AGE:
                self.add_schooling(person)
        self.add_reminders()
        self.write_rights()
        self.add_courses()

    def choose_showcases(self) -> None:
        """The rows the demo's accounts must find: the first person of travailleur@demo.mia's
        caseload (an adult, the bench's `{person}`), and that caseload's household with the
        most children of school age."""
        travailleur = self.context.users["travailleur@demo.mia"].pk
        caseload = [p for p in self.people if p.referent_id == travailleur and not p.exited_on]
        adults = [p for p in caseload if (p.age_on(self.today) or 0) >= ADULT_AGE]
        self.showcase = adults[0]
        self.caseload = caseload
        children: dict[int, list[_Person]] = defaultdict(list)
        for person in caseload:
            if 3 <= (person.age_on(self.today) or 99) <= 15:
                children[person.household_id].append(person)
        household = max(children.values(), key=len, default=[])
        # The oldest child was refused by the town hall; the others are in school, one with
        # the school mediator's support.
        household = sorted(household, key=lambda p: (p.born or 0, p.pk))
        self.refused_child = household[0].pk if household else None
        self.mediated_child = household[1].pk if len(household) > 1 else None

    # -- procedures --

    def handler(self, person: _Person, code: str) -> tuple[int | None, str]:
        commune = self.communes[person.commune]
        of = of_commune(commune.name)
        departement = commune.departement
        organisations = self.context.organisations
        if code == "domiciliation":
            if "ccas" in organisations and commune.name == "Montreuil":
                return organisations["ccas"].pk, ""
            return None, f"CCAS {of}"
        if code == "france_travail":
            if "france_travail" in organisations and self.rng.random() < 0.5:
                return organisations["france_travail"].pk, ""
            return None, f"France Travail, agence {of}"
        if code in ("ame", "css", "puma"):
            return None, DEPARTEMENT_BODIES["cpam"].get(departement, "CPAM")
        if code in ("caf", "rsa"):
            return None, DEPARTEMENT_BODIES[code].get(departement, "")
        if code == "compte":
            return None, f"Agence bancaire {of}"
        if code == "identite":
            if Language.ROMANIAN in person.languages:
                return None, "Consulat de Roumanie"
            if Language.BULGARIAN in person.languages:
                return None, "Consulat de Bulgarie"
            return None, f"Mairie {of}"
        if code == "impots":
            return None, f"Centre des finances publiques {of}"
        if code == "navigo":
            return None, "Agence Solidarité Transport"
        if code == "scolarite":
            return None, f"Mairie {of}"
        return None, ""

    def record(
        self,
        person: _Person,
        code: str,
        steps: list[tuple[str, datetime.date]],
        *,
        filed_on=None,
        decided_on=None,
        valid_until=None,
        renewal_of: _Procedure | None = None,
        by: int | None = None,
    ) -> _Procedure:
        """A procedure that went through `steps` ([(status, day)], oldest first)."""
        self.procedure_id += 1
        valid_from = None
        if steps[-1][0] == S.OBTAINED:
            valid_from = decided_on
            validity = self.types[code].validity_months
            if valid_until is None and validity and decided_on:
                valid_until = add_months(decided_on, validity) - self.days(1)
        procedure = _Procedure(
            pk=self.procedure_id,
            person=person,
            code=code,
            status=steps[-1][0],
            filed_on=filed_on,
            decided_on=decided_on,
            valid_from=valid_from,
            valid_until=valid_until,
            steps=steps,
            renewal_of=renewal_of,
            handler=self.handler(person, code),
            by=by or self.worker_of(person),
        )
        if renewal_of is not None:
            renewal_of.renewed, renewal_of.renewed_on = True, steps[0][1]
        self.procedures.append(procedure)
        return procedure

    def delay(self, code: str) -> int:
        low, high = DELAYS.get(code, (7, 60))
        return self.rng.randint(low, high)

    def obtained(
        self, person, code, decided_on, *, renewal_of=None, valid_until=None, expire=None
    ) -> _Procedure:
        """Filed, often awaited, then obtained on `decided_on`; expired the day after its end,
        as the nightly task marks it (services_rights.expire_ended)."""
        delay = self.delay(code)
        filed_on = decided_on - self.days(delay)
        steps = [(S.FILED, filed_on)]
        if delay >= 10 and self.rng.random() < 0.7:
            steps.append((S.PENDING, filed_on + self.days(self.rng.randint(1, delay // 2))))
        steps.append((S.OBTAINED, decided_on))
        procedure = self.record(
            person,
            code,
            steps,
            filed_on=filed_on,
            decided_on=decided_on,
            valid_until=valid_until,
            renewal_of=renewal_of,
        )
        until = procedure.valid_until
        if expire is None:
            expire = until is not None and until < self.today
        if expire and until is not None:
            steps.append((S.EXPIRED, until + self.days(1)))
            procedure.status = S.EXPIRED
        return procedure

    def open_procedure(self, person, code, filed_on, *, renewal_of=None) -> _Procedure:
        steps = [(S.FILED, filed_on)]
        if (self.today - filed_on).days > 7 and self.rng.random() < 0.6:
            steps.append((S.PENDING, self.day_between(filed_on + self.days(1), self.today)))
        return self.record(person, code, steps, filed_on=filed_on, renewal_of=renewal_of)

    def refused(self, person, code, decided_on, *, obstacle: bool = True) -> _Procedure:
        delay = self.delay(code)
        filed_on = decided_on - self.days(delay)
        steps = [(S.FILED, filed_on)]
        if delay >= 10 and self.rng.random() < 0.5:
            steps.append((S.PENDING, filed_on + self.days(self.rng.randint(1, delay // 2))))
        steps.append((S.REFUSED, decided_on))
        procedure = self.record(person, code, steps, filed_on=filed_on, decided_on=decided_on)
        kind = OBSTACLE_OF.get(code)
        recorded = self.rng.random() < (0.85 if kind else 0.25)
        if obstacle and recorded:
            follow_up, follow_up_on = self.add_obstacle(procedure, kind or ObstacleKind.OTHER)
            # Solved: the right was obtained in the end (another CCAS, the designated bank…).
            if (
                follow_up == ObstacleFollowUp.SOLVED
                and code != "scolarite"
                and not person.exited_on
                and follow_up_on + self.days(15) <= self.today
            ):
                decided = self.day_between(follow_up_on + self.days(15), self.today)
                self.obtained(person, code, decided)
        return procedure

    def add_obstacle(self, procedure: _Procedure, kind: str, *, follow_up=None):
        person = procedure.person
        occurred_on = procedure.decided_on
        if follow_up is None:
            follow_up = self.weighted(OBSTACLE_FOLLOW_UPS.get(kind, OBSTACLE_FOLLOW_UPS[None]))
        follow_up_on = None
        if follow_up != ObstacleFollowUp.NONE:
            last = min(occurred_on + self.days(90), self.end_of(person))
            follow_up_on = max(occurred_on, min(last, self.day_between(occurred_on, last)))
        handler_id, handler_name = procedure.handler
        body = self.organisation_names.get(handler_id) or handler_name or "Mairie"
        at = self.moment(occurred_on)
        self.obstacles.append(
            (person.organisation_id, person.pk, procedure.pk, kind, body, occurred_on, follow_up,
             follow_up_on, self.rng.choice(OBSTACLE_DETAILS[kind]), procedure.by, at,
             self.moment(follow_up_on) if follow_up_on else at)
        )  # fmt: skip
        return follow_up, follow_up_on

    def add_rights(self, person: _Person, *, has_minors: bool) -> None:
        rng = self.rng
        age = person.age_on(self.today)
        if age is None:
            age = 30  # no birth date known: the field treats them as adults
        codes = []
        if age < ADULT_AGE:
            roll = rng.random()
            # Minors are covered by the AME unconditionally, or as their parents' dependants.
            codes += ["ame"] if roll < 0.35 else ["puma"] if roll < 0.5 else []
        else:
            codes += [code for code, share in ADULT_PROCEDURES[:1] if rng.random() < share]
            roll = rng.random()
            if roll < 0.45:
                codes.append("ame")
            elif roll < 0.75:
                codes += ["puma", "css"] if rng.random() < 0.6 else ["puma"]
            elif roll < 0.87:
                codes.append("css")
            if person.relationship in ("head", "partner") and has_minors and rng.random() < 0.7:
                codes.append("caf")
            if age <= 62 and rng.random() < 0.4:
                codes.append("france_travail")
            if age >= 25 and rng.random() < 0.12:
                codes.append("rsa")
            codes += [code for code, share in ADULT_PROCEDURES[1:] if rng.random() < share]
        for code in codes:
            if code not in self.types:
                continue
            if person.exited_on:
                self.add_past_procedure(person, code)
            elif self.types[code].validity_months:
                self.add_yearly_right(person, code)
            else:
                self.add_procedure(person, code)

    def earliest(self, person: _Person, code: str) -> datetime.date:
        """The first day a decision could have been made after the person came in."""
        return person.entered_on + self.days(DELAYS.get(code, (7, 60))[1])

    def add_past_procedure(self, person: _Person, code: str) -> None:
        """Of a person who left: decided (or abandoned) before they left."""
        start, end = person.entered_on, person.exited_on
        if (end - start).days < 20:
            return
        outcome = self.weighted(EXITED_OUTCOMES)
        decided = self.day_between(min(self.earliest(person, code), end), end)
        if outcome == S.OBTAINED:
            self.obtained(person, code, decided)
        elif outcome == S.REFUSED:
            self.refused(person, code, decided)
        else:
            filed = self.day_between(start, decided)
            self.record(person, code, [(S.FILED, filed), (S.ABANDONED, decided)], filed_on=filed)

    def add_procedure(self, person: _Person, code: str) -> None:
        """A procedure without a known end (PUMa, CAF, bank account…) of a person followed."""
        today = self.today
        outcome = self.weighted(OUTCOMES)
        earliest = min(self.earliest(person, code), today)
        if outcome == S.OBTAINED:
            self.obtained(person, code, self.day_between(earliest, today))
        elif outcome in (S.PENDING, S.FILED):
            filed = self.day_between(max(person.entered_on, today - self.days(90)), today)
            steps = [(S.FILED, filed)]
            if outcome == S.PENDING:
                steps.append((S.PENDING, self.day_between(filed, today)))
            self.record(person, code, steps, filed_on=filed)
        elif outcome == S.TO_START:
            day = self.day_between(max(person.entered_on, today - self.days(45)), today)
            self.record(person, code, [(S.TO_START, day)])
        elif outcome == S.REFUSED:
            self.refused(person, code, self.day_between(earliest, today))
        else:
            filed = self.day_between(
                person.entered_on, max(person.entered_on, today - self.days(60))
            )
            ended = self.day_between(filed + self.days(20), today)
            self.record(
                person, code, [(S.FILED, filed), (S.ABANDONED, min(ended, today))], filed_on=filed
            )

    def add_yearly_right(self, person: _Person, code: str) -> None:
        """Domiciliation, AME, CSS: where the year's right stands on the reference date, and
        for people here long enough, the right it renewed."""
        today = self.today
        earliest = self.earliest(person, code)
        state = self.weighted(VALIDITY_STATES)
        windows = {
            "valid": (today - self.days(334), today),
            "ending": (today - self.days(365), today - self.days(335)),
            "lapsed": (today - self.days(395), today - self.days(366)),
            "expired": (today - self.days(760), today - self.days(396)),
            "renewing": (today - self.days(400), today - self.days(300)),
        }
        if state in windows:
            low, high = windows[state]
            if earliest > high:
                state = "request" if earliest > today else "valid"
                low, high = windows["valid"]
            low = max(low, earliest)
        if state in ("valid", "ending", "lapsed", "expired"):
            decided = self.day_between(low, high)
            previous = None
            earlier = decided - self.days(365 + self.rng.randint(-25, 10))
            if earlier >= earliest and self.rng.random() < 0.6:
                previous = self.obtained(person, code, earlier)
            current = self.obtained(person, code, decided, renewal_of=previous)
            # Within the renewal window, half the renewals are filed already.
            renew_from = current.valid_until - self.days(self.types[code].renew_before_days or 30)
            if state in ("valid", "ending") and renew_from <= today and self.rng.random() < 0.5:
                filed = self.day_between(max(renew_from, decided), today)
                self.open_procedure(person, code, filed, renewal_of=current)
        elif state == "renewing":
            previous = self.obtained(person, code, self.day_between(low, high))
            renew_from = previous.valid_until - self.days(self.types[code].renew_before_days or 30)
            filed = self.day_between(max(renew_from, previous.decided_on), today)
            self.open_procedure(person, code, min(filed, today), renewal_of=previous)
        elif state == "request":
            self.open_procedure(
                person, code, self.day_between(max(person.entered_on, today - self.days(70)), today)
            )
        elif state == "refused":
            self.refused(person, code, self.day_between(min(earliest, today), today))
        else:
            day = self.day_between(max(person.entered_on, today - self.days(30)), today)
            self.record(person, code, [(S.TO_START, day)])

    def add_showcase_rights(self, person: _Person) -> None:
        """The grid every demo visitor opens first: a domiciliation ending in two weeks (its
        renewal reminder is due), an AME that expired, a bank refusal not yet followed up, a
        CAF file awaited, France Travail obtained. Rights held before the person came in are
        recorded with their own dates."""
        today = self.today
        by = self.context.users["travailleur@demo.mia"].pk
        ends = today + self.days(14)
        self.obtained(
            person, "domiciliation", add_months(ends + self.days(1), -12), valid_until=ends
        )
        expired = today - self.days(20)
        self.obtained(
            person, "ame", add_months(expired + self.days(1), -12), valid_until=expired, expire=True
        )
        bank = self.refused(person, "compte", today - self.days(12), obstacle=False)
        self.add_obstacle(bank, ObstacleKind.BANK_REFUSED, follow_up=ObstacleFollowUp.NONE)
        caf = self.record(
            person,
            "caf",
            [(S.FILED, today - self.days(40)), (S.PENDING, today - self.days(30))],
            filed_on=today - self.days(40),
            by=by,
        )
        self.add_task(caf, NEXT_STEPS[0].format(name=self.types["caf"].name), today + self.days(2))
        self.obtained(person, "france_travail", today - self.days(200))

    def add_task(
        self, procedure, title, due_on, *, pathway=Pathway.RIGHTS, done_on=None, reminder=False
    ) -> int:
        """A next step of the procedure, or (`reminder`) the renewal reminder the nightly task
        made on its due day, by no one."""
        person = procedure.person
        self.task_id += 1
        if reminder:
            created, by = due_on, None
        else:
            created, by = min(due_on, self.today) - self.days(self.rng.randint(3, 20)), procedure.by
        self.tasks.append(
            (self.task_id, person.organisation_id, person.pk, title, pathway, due_on, done_on,
             person.referent_id or procedure.by, procedure.pk, by, self.moment(created))
        )  # fmt: skip
        return self.task_id

    def add_reminders(self) -> None:
        """What accompaniment's nightly task leaves (services_rights.renewals_due): each right
        of a person followed whose renewal date has come has one reminder, due that day, done
        when the renewal was filed, still open when it was not (if the right ended within the
        month; older ones were closed by hand, or predate the reminders). And the next step
        of some procedures under way."""
        today = self.today
        for procedure in self.procedures:
            person = procedure.person
            if person.exited_on:
                continue
            type_ = self.types[procedure.code]
            renew_on = None
            if procedure.valid_until and type_.renew_before_days:
                renew_on = procedure.valid_until - self.days(type_.renew_before_days)
            if renew_on is not None and renew_on <= today:
                title = RENEWAL_TITLE.format(name=type_.name)
                if procedure.renewed and procedure.renewed_on >= renew_on:
                    procedure.renewal_task = self.add_task(
                        procedure, title, renew_on, done_on=procedure.renewed_on, reminder=True
                    )
                elif not procedure.renewed and procedure.valid_until >= today - self.days(30):
                    procedure.renewal_task = self.add_task(
                        procedure, title, renew_on, reminder=True
                    )
            elif (
                procedure.status in (S.FILED, S.PENDING, S.TO_START)
                and person is not self.showcase  # its next step is set already
                and self.rng.random() < 0.15
            ):
                title = self.rng.choice(NEXT_STEPS).format(name=type_.name)
                pathway = Pathway.SCHOOLING if procedure.code == "scolarite" else Pathway.RIGHTS
                due = today + self.days(self.rng.randint(-10, 14))
                self.add_task(procedure, title, due, pathway=pathway)

    def write_rights(self) -> None:
        rows, changes = [], []
        for p in self.procedures:
            person = p.person
            at = [self.moment(day) for _status, day in p.steps]
            handler_id, handler_name = p.handler
            rows.append(
                (p.pk, person.organisation_id, person.pk, self.types[p.code].pk, p.status,
                 p.filed_on, p.decided_on, p.valid_from, p.valid_until, handler_id, handler_name,
                 p.renewal_of.pk if p.renewal_of else None, p.renewal_task, p.by, at[0],
                 max(at), len(p.steps))
            )  # fmt: skip
            previous = ""
            for (status, day), moment in zip(p.steps, at, strict=True):
                # A right ends by itself: the nightly task records it, by no one.
                by = None if status == S.EXPIRED else p.by
                changes.append((p.pk, status, previous, day, by, moment))
                previous = status
        insert_rows(Task, TASK_FIELDS, self.tasks)
        insert_rows(Procedure, PROCEDURE_FIELDS, rows)
        insert_rows(ProcedureChange, CHANGE_FIELDS, changes)
        insert_rows(Obstacle, OBSTACLE_FIELDS, self.obstacles)
        insert_rows(Schooling, SCHOOLING_FIELDS, self.schoolings)
        reset_sequences(Task, Procedure)
        self.counts.update(
            {
                "démarches": len(rows),
                "changements d'état": len(changes),
                "refus": len(self.obstacles),
                "scolarités": len(self.schoolings),
                "rappels et suites des démarches": len(self.tasks),
            }
        )

    # -- school --

    def add_schooling(self, child: _Person) -> None:
        """The child's schooling as dated facts: not in school on arrival for many, then the
        level of each school year since the enrolment (consistent with the birth year)."""
        rng = self.rng
        end = self.end_of(child)
        year = school_year(end)
        grade = year - child.born
        entered = child.entered_on
        by = self.worker_of(child)
        commune = child.commune
        mediation = False
        concern = False
        enrolment = None
        if child.pk == self.refused_child:
            level = SchoolLevel.NONE
        elif child.pk == self.mediated_child:
            level, mediation = level_for(grade), True
        elif grade <= 2:
            level = SchoolLevel.EARLY if rng.random() < 0.25 else SchoolLevel.NONE
            mediation = level == SchoolLevel.EARLY and rng.random() < 0.5
        elif grade <= 15:
            roll = rng.random()
            if roll < 0.12:
                level = SchoolLevel.NONE
            elif roll < 0.17 and grade >= 11:
                level = SchoolLevel.OTHER
            else:
                level = level_for(grade)
        else:
            roll = rng.random()
            level = (
                SchoolLevel.LYCEE
                if roll < 0.45
                else SchoolLevel.OTHER
                if roll < 0.65
                else SchoolLevel.NONE
            )
        in_school = level != SchoolLevel.NONE
        if level == SchoolLevel.NONE:
            mediation = child.pk == self.refused_child or rng.random() < 0.5
        elif level != SchoolLevel.EARLY and not mediation:
            mediation = rng.random() < 0.3
            concern = rng.random() < 0.12
        facts = []  # (since, level, enrolled_on)
        year_start = datetime.date(year, 9, 1)
        if in_school:
            # Enrolled this school year, or in an earlier one and still at that school.
            if entered < year_start - self.days(60) and rng.random() < 0.6:
                enrolled = self.day_between(entered + self.days(15), year_start)
            else:
                enrolled = self.day_between(max(entered + self.days(10), year_start), end)
            enrolled = min(enrolled, end)
            if enrolled > entered + self.days(10):
                facts.append((entered, SchoolLevel.NONE, None))
            if level in (SchoolLevel.OTHER, SchoolLevel.EARLY):
                facts.append((enrolled, level, enrolled))
            else:
                previous = None
                for start_year in range(school_year(enrolled), year + 1):
                    since = max(enrolled, datetime.date(start_year, 9, 1))
                    current = level_for(start_year - child.born)
                    if current != previous:
                        facts.append((since, current, enrolled))
                        previous = current
            if enrolled >= year_start and enrolled >= entered:
                enrolment = self.enrolment(child, enrolled, by)
        else:
            facts.append((entered, SchoolLevel.NONE, None))
            if child.pk == self.refused_child:
                enrolment = self.school_refusal(child, by, follow_up=ObstacleFollowUp.MEDIATION)
            elif 3 <= grade <= 15 and not child.exited_on and rng.random() < 0.4:
                if rng.random() < 0.35:
                    enrolment = self.school_refusal(child, by)
                else:
                    filed = self.day_between(max(entered, self.today - self.days(60)), self.today)
                    enrolment = self.open_procedure(child, "scolarite", filed)
        school = ""
        if in_school:
            kind = rng.choice(SCHOOL_KINDS[level])
            school = kind if level == SchoolLevel.OTHER else f"{kind} {rng.choice(SCHOOL_NAMES)}"
        for index, (since, fact_level, enrolled_on) in enumerate(facts):
            latest = index == len(facts) - 1
            mediation_since = None
            if latest and mediation:
                mediation_since = self.day_between(entered, since)
            at = self.moment(since)
            self.schoolings.append(
                (child.organisation_id, child.pk, since, fact_level,
                 school if fact_level != SchoolLevel.NONE else "",
                 commune if fact_level != SchoolLevel.NONE else None,
                 enrolled_on if fact_level != SchoolLevel.NONE else None,
                 latest and mediation, mediation_since, latest and concern,
                 enrolment.pk if latest and enrolment else None, by, at, at)
            )  # fmt: skip

    def enrolment(self, child: _Person, enrolled: datetime.date, by) -> _Procedure | None:
        """The town hall's enrolment, a procedure like the others."""
        if "scolarite" not in self.types:
            return None
        filed = max(child.entered_on, enrolled - self.days(self.delay("scolarite")))
        return self.record(
            child,
            "scolarite",
            [(S.FILED, filed), (S.OBTAINED, enrolled)],
            filed_on=filed,
            decided_on=enrolled,
            by=by,
        )

    def school_refusal(self, child: _Person, by, *, follow_up=None) -> _Procedure:
        decided = self.day_between(
            max(child.entered_on + self.days(45), self.today - self.days(120)), self.today
        )
        decided = min(decided, self.today)
        filed = max(child.entered_on, decided - self.days(self.delay("scolarite")))
        procedure = self.record(
            child,
            "scolarite",
            [(S.FILED, filed), (S.REFUSED, decided)],
            filed_on=filed,
            decided_on=decided,
            by=by,
        )
        self.add_obstacle(procedure, ObstacleKind.SCHOOL_REFUSED, follow_up=follow_up)
        return procedure

    # -- French --

    def add_providers_and_trainer(self) -> tuple[list[Organisation], User]:
        providers = []
        for key, name, kind in PROVIDERS:
            organisation, _created = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind}
            )
            self.context.organisations[key] = organisation
            providers.append(organisation)
        self.context.counts["organisations"] = Organisation.objects.count()
        trainer = User.objects.filter(email=TRAINER).first()
        if trainer is None:
            # Every demo account shares the published password: the same hash, not hashed again.
            password = User.objects.filter(email__endswith="@demo.mia").values_list(
                "password", flat=True
            )[0]
            trainer = User.objects.create(
                email=TRAINER,
                password=password,
                first_name=self.rng.choice(STAFF_FIRST_NAMES),
                last_name=self.rng.choice(STAFF_LAST_NAMES),
                role=Role.PARTNER,
                organisation=providers[0],
                date_joined=datetime.datetime(2019, 1, 7, 9, tzinfo=datetime.UTC),
            )
            EmailAddress.objects.create(user=trainer, email=TRAINER, primary=True, verified=True)
            self.context.counts["comptes"] = self.context.counts.get("comptes", 0) + 1
        self.context.users[TRAINER] = trainer
        login = Login(
            TRAINER,
            str(Role.PARTNER.label),
            providers[0].name,
            [
                "formateur·rice : les cours de son organisme, coche les présences "
                f"(un cours de {SHOWCASE_LEARNERS} apprenant·es a une séance cette semaine)"
            ],
        )
        after = [i for i, x in enumerate(self.context.logins) if x.role == login.role]
        self.context.logins.insert(after[-1] + 1 if after else len(self.context.logins), login)
        return providers, trainer

    def add_courses(self) -> None:
        rng = self.rng
        acina = self.context.organisations["acina"].pk
        horizon = self.context.organisations.get("horizon")
        self.course_id = next_id(Course) - 1
        self.showcase_course_worker = self.context.users["travailleur@demo.mia"].pk
        self.session_id = next_id(ClassSession) - 1
        self.levels: dict[tuple[int, str], int] = {}  # (person, skill) -> rank reached
        courses = [self.showcase_course(acina)]
        acina_count, horizon_count = COURSES[self.scale]
        for index in range(acina_count - 1):
            courses.append(self.random_course(acina, index))
        if horizon is not None:
            for index in range(horizon_count):
                courses.append(self.random_course(horizon.pk, index))
        # Older courses first: a learner's level carries on from one course to the next.
        courses.sort(key=lambda c: (c.starts_on, c.pk))
        course_rows, slot_rows, learner_rows, sessions, ticks = [], [], [], [], []
        self.assessments: list[tuple] = []
        self.certifications: list[tuple] = []
        for course in courses:
            name = rng.choice(COURSE_NAMES[course.kind])
            if course.pk == self.showcase_course_id:
                name = "Atelier sociolinguistique — groupe du matin"
            created = self.moment(course.starts_on - self.days(rng.randint(10, 40)))
            course_rows.append(
                (course.pk, course.organisation_id, course.provider.pk, course.kind, name,
                 rng.choice(PLACES), course.starts_on, course.ends_on, self.hours(course),
                 course.worker, created, created)
            )  # fmt: skip
            for weekday, starts_at, ends_at in course.slots:
                slot_rows.append((course.pk, weekday, starts_at, ends_at))
            for person, status, enrolled_on, left_on, reason in course.learners:
                at = self.moment(enrolled_on)
                learner_rows.append(
                    (course.pk, person.pk, status, enrolled_on, left_on, reason, course.worker,
                     at, self.moment(left_on) if left_on else at)
                )  # fmt: skip
            self.add_sessions(course, sessions, ticks)
            self.add_assessments(course)
        insert_rows(Course, COURSE_FIELDS, course_rows)
        insert_rows(CourseSlot, SLOT_FIELDS, slot_rows)
        insert_rows(Learner, LEARNER_FIELDS, learner_rows)
        insert_rows(ClassSession, SESSION_FIELDS, sessions)
        insert_rows(Attendance, ATTENDANCE_FIELDS, ticks)
        insert_rows(Assessment, ASSESSMENT_FIELDS, self.rising(self.assessments))
        insert_rows(Certification, CERTIFICATION_FIELDS, self.certifications)
        reset_sequences(Course, ClassSession)
        self.counts.update(
            {
                "cours de français": len(course_rows),
                "inscriptions aux cours": len(learner_rows),
                "séances": len(sessions),
                "présences cochées": sum(1 for tick in ticks if tick[2]),
                "évaluations de niveau": len(self.assessments),
                "certifications": len(self.certifications),
            }
        )

    def hours(self, course: _Course) -> Decimal:
        _weekday, starts_at, ends_at = course.slots[0]
        minutes = (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)
        return Decimal(minutes) / 60

    def adults(self, organisation_id: int, start, end) -> list[_Person]:
        """Who could have attended a course from `start` to `end`: adults in the programme
        then, people who do not speak French first."""
        entered_by, left_after = end - self.days(30), start + self.days(14)
        born_by = add_months(start, -12 * ADULT_AGE)
        return [
            p
            for p in self.members[organisation_id]
            if p.entered_on <= entered_by
            and (p.exited_on is None or p.exited_on >= left_after)
            and p.born_on is not None
            and p.born_on <= born_by
        ]

    def draw_learners(self, candidates: list[_Person], count: int) -> list[_Person]:
        rng = self.rng
        cumulative = list(itertools.accumulate(p.learner_weight for p in candidates))
        chosen: dict[int, _Person] = {}
        while len(chosen) < min(count, len(candidates)):
            for person in rng.choices(candidates, cum_weights=cumulative, k=count):
                if len(chosen) < count:
                    chosen.setdefault(person.pk, person)
        return sorted(chosen.values(), key=lambda p: p.pk)

    def showcase_course(self, organisation_id: int) -> _Course:
        """ACINA's course of exactly 30 learners, given by the trainer's organisation, which
        meets today (Sunday: it met on Saturday): its latest sheet waits for the ticks."""
        today = self.today
        first = min(today.weekday(), 5)
        second = first + 3 if first + 3 <= 5 else first - 3
        self.course_id += 1
        self.showcase_course_id = self.course_id
        start = today - self.days(240)
        course = _Course(
            pk=self.course_id,
            organisation_id=organisation_id,
            provider=self.providers[0],
            kind=CourseKind.ASL,
            starts_on=start,
            ends_on=today + self.days(120),
            slots=sorted(
                (day, datetime.time(9, 30), datetime.time(11, 30)) for day in (first, second)
            ),
            worker=self.showcase_course_worker,
        )
        # The showcase person and others of travailleur@demo.mia's caseload, then any adult
        # the association follows.
        followed = [p for p in self.adults(organisation_id, today, today) if p.exited_on is None]
        in_caseload = {c.pk for c in self.caseload}
        caseload = [p for p in followed if p.pk in in_caseload and p is not self.showcase]
        mine = [self.showcase, *caseload[:7]]
        taken = {m.pk for m in mine}
        others = self.draw_learners(
            [p for p in followed if p.pk not in taken], SHOWCASE_LEARNERS - len(mine)
        )
        for person in sorted(mine + others, key=lambda p: p.pk):
            joined = start if person is self.showcase or self.rng.random() < 0.7 else None
            enrolled = joined or self.day_between(start, today - self.days(30))
            enrolled = max(enrolled, person.entered_on)
            course.learners.append((person, LearnerStatus.ENROLLED, enrolled, None, ""))
        return course

    def random_course(self, organisation_id: int, index: int) -> _Course:
        """A course of the past year (ended), or one under way."""
        rng, today = self.rng, self.today
        roll = rng.random()
        # Each association has at least one course of each kind of time, however small.
        roll = {0: 0.1, 1: 0.5, 2: 0.9}.get(index, roll)
        if roll < 0.35:  # ended within the year
            weeks = rng.randint(12, 30)
            start = self.day_between(today - self.days(365), today - self.days(7 * weeks + 7))
        elif roll < 0.85:  # running for months
            weeks = rng.randint(30, 40)
            start = self.day_between(today - self.days(330), today - self.days(60))
        else:  # started a few weeks ago
            weeks = rng.randint(12, 30)
            start = self.day_between(today - self.days(70), today - self.days(14))
        end = start + self.days(7 * weeks)
        self.course_id += 1
        schedule = rng.choice(SCHEDULES)
        workers = self.workers.get(organisation_id) or [self.showcase_course_worker]
        course = _Course(
            pk=self.course_id,
            organisation_id=organisation_id,
            provider=self.providers[(index + 1) % len(self.providers)],
            kind=self.weighted(COURSE_KINDS),
            starts_on=start,
            ends_on=end,
            slots=[(day, datetime.time(*a), datetime.time(*b)) for day, a, b in schedule],
            worker=rng.choice(workers),
        )
        low, high = LEARNERS[self.scale]
        wanted = rng.randint(low, high)
        # The showcase person's levels are those of the showcase course alone.
        candidates = self.adults(organisation_id, start, min(end, today))
        candidates = [p for p in candidates if p is not self.showcase]
        ended = end < today
        enrolled_count = 0
        for person in self.draw_learners(candidates, wanted):
            stop = min(end, today, person.exited_on or today)
            enrolled = min(max(start, person.entered_on), stop)
            if rng.random() < 0.25:
                enrolled = self.day_between(enrolled, stop - self.days(14))
            left_on, reason = None, ""
            roll = rng.random()
            if person.exited_on and person.exited_on < min(end, today):
                status, left_on, reason = LearnerStatus.DROPPED, stop, DropReason.MOVED
            elif roll < 0.2:
                status, reason = LearnerStatus.DROPPED, self.weighted(DROP_REASONS)
                left_on = self.day_between(enrolled + self.days(7), stop)
            elif ended:
                status, left_on = LearnerStatus.COMPLETED, end
            elif roll < 0.27 or enrolled_count >= SHOWCASE_LEARNERS - 2:
                # Only the showcase course counts 30 enrolled: the bench finds it by that.
                status = LearnerStatus.WAITING
            else:
                status = LearnerStatus.ENROLLED
            if status == LearnerStatus.ENROLLED:
                enrolled_count += 1
            if left_on is not None:
                left_on = max(left_on, enrolled)
            course.learners.append((person, status, enrolled, left_on, reason))
        return course

    def add_sessions(self, course: _Course, sessions: list, ticks: list) -> None:
        """A sheet for each class day so far, each learner ticked present about three times in
        four; the showcase course's latest sheet is left to be taken."""
        rng, today = self.rng, self.today
        slots = {weekday: (starts_at, ends_at) for weekday, starts_at, ends_at in course.slots}
        rates = {
            person.pk: min(0.98, max(0.3, rng.gauss(0.77, 0.15)))
            for person, *_rest in course.learners
        }
        showcase = course.pk == self.showcase_course_id
        days = [
            course.starts_on + self.days(offset)
            for offset in range((min(course.ends_on, today) - course.starts_on).days + 1)
        ]
        days = [day for day in days if day.weekday() in slots]
        marker = self.trainer.pk if course.provider.pk == self.trainer.organisation_id else None
        hours = self.hours(course)
        for position, day in enumerate(days):
            latest = position == len(days) - 1
            if day == today and not (showcase and latest):
                continue  # today's class has not been opened yet
            self.session_id += 1
            cancelled = not (showcase and latest) and rng.random() < 0.04
            starts_at, ends_at = slots[day.weekday()]
            sessions.append(
                (self.session_id, course.pk, day, hours, cancelled, self.moment(day, starts_at))
            )
            if cancelled or (showcase and latest):
                continue
            marked_at = self.moment(day, ends_at)
            by = marker or course.worker
            for person, status, enrolled, left_on, _reason in course.learners:
                if status == LearnerStatus.WAITING or day < enrolled:
                    continue
                if left_on is not None and day > left_on:
                    continue
                present = rng.random() < rates[person.pk]
                ticks.append((self.session_id, person.pk, present, by, marked_at))

    def add_assessments(self, course: _Course) -> None:
        """A placement test on enrolment, a later assessment after three months (a level gained
        more often than not), and sometimes a certification after it."""
        rng, today = self.rng, self.today
        assessor = course.provider.name
        for person, status, enrolled, left_on, _reason in course.learners:
            if status == LearnerStatus.WAITING:
                continue
            showcase = person is self.showcase and course.pk == self.showcase_course_id
            skills = (
                [Skill.ORAL]
                if showcase
                else ([Skill.OVERALL] if rng.random() < 0.6 else [Skill.ORAL, Skill.WRITTEN])
            )
            until = min(left_on or today, today - self.days(1))
            for skill in skills:
                key = (person.pk, skill)
                first = CEFR_RANK[self.weighted(FIRST_LEVELS[course.kind])]
                if showcase:
                    first = 0
                rank = self.levels.get(key, first)
                if skill == Skill.WRITTEN:
                    rank = min(rank, self.levels.get((person.pk, Skill.ORAL), rank))
                self.assess(person, course, enrolled, skill, rank, assessor)
                later = enrolled + self.days(rng.randint(90, 150))
                if showcase or (later <= until and status != LearnerStatus.DROPPED):
                    later = min(later, until)
                    gained = showcase or rng.random() < 0.55
                    rank = min(rank + gained, len(LEVELS) - 1)
                    self.assess(person, course, later, skill, rank, assessor)
                    if skill != Skill.WRITTEN and rank >= 1 and not showcase:
                        self.maybe_certify(person, course, later, rank)
                self.levels[key] = rank

    def rising(self, assessments: list[tuple]) -> list[tuple]:
        """Two courses of one person may overlap: in date order, a level is never below the one
        assessed before it."""
        reached: dict[tuple[int, str], int] = {}
        rows = []
        for row in sorted(assessments, key=lambda row: (row[2], row[6])):
            key = (row[1], row[3])
            rank = max(CEFR_RANK[row[4]], reached.get(key, 0))
            reached[key] = rank
            rows.append((*row[:4], LEVELS[rank], *row[5:]))
        return rows

    def assess(self, person, course, day, skill, rank, assessor) -> None:
        self.assessments.append(
            (course.organisation_id, person.pk, day, skill, LEVELS[rank], assessor, course.pk,
             course.worker, self.moment(day))
        )  # fmt: skip

    def maybe_certify(self, person, course, assessed_on, rank) -> None:
        rng, today = self.rng, self.today
        if rng.random() >= 0.1:
            return
        taken = assessed_on + self.days(rng.randint(15, 60))
        if taken >= today:
            return
        level = LEVELS[rank]
        kind = CERTIFICATION_OF.get(level)
        if kind is None or rng.random() < 0.2:
            kind = CertificationKind.TCF
        if (today - taken).days < 30:
            result = CertificationResult.PENDING
        else:
            passed = rng.random() < 0.8
            result = CertificationResult.PASSED if passed else CertificationResult.FAILED
        self.certifications.append(
            (course.organisation_id, person.pk, kind, taken, result,
             level if kind == CertificationKind.TCF and result != CertificationResult.PENDING
             else "", course.worker, self.moment(taken))
        )  # fmt: skip
