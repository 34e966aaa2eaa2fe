"""Demo step: follow-ups, tasks and action plans for `manage.py seed_demo` (see mia.demo).

At national scale this is about a million follow-ups. Rows are generated household by household
and written in batches with mia.demo.insert_rows (COPY on PostgreSQL), with ids numbered here so
that participants, tasks and steps point at them without reading anything back. Notes, tasks and
goals are stock phrases combined at random: no real person's data. Like beneficiaries/demo.py,
this module fills in what accompaniment's services would: participants always include the
person, and Person.last_contact_on is the date of their latest follow-up."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from accompaniment.models import (
    Appointment,
    AppointmentPlace,
    FollowUp,
    Goal,
    GoalStatus,
    PlanChange,
    Step,
    Task,
    ToBring,
)
from beneficiaries.models import Pathway, Person
from mia.demo import DemoContext, insert_rows, next_id, reset_sequences

# Follow-ups start this long before the reference date: the whole history at national scale
# (about 40 per person, a million rows), the last 15 months on a laptop (about 10 per person).
HISTORY_DAYS = {"small": 450, "national": None}
# Days between two follow-ups of one person, drawn once per person: some are seen every two
# weeks, most every three weeks to a month and a half. Children rarely have their own.
ADULT_GAPS = [(13, 15), (20, 25), (30, 30), (45, 20), (65, 10)]
CHILD_GAPS = [(90, 50), (170, 50)]
ADULT_AGE = 16
# Households the team lost sight of (moved away, unreachable phone): nobody seen for weeks.
LOST_SIGHT_SHARE = 0.04
# Written to the database every this many follow-ups, to keep memory flat.
FLUSH_EVERY = 50_000
NAMED_WORKERS = ("travailleur@demo.mia", "travailleur2@demo.mia", "autre-asso@demo.mia")

PLACES = [
    ("on_site", 34),
    ("office", 26),
    ("phone", 18),
    ("partner_premises", 12),
    ("home_visit", 10),
]
CHILD_PLACES = [("office", 30), ("on_site", 40), ("partner_premises", 25), ("home_visit", 5)]
ADULT_PATHWAYS = [
    (Pathway.RIGHTS, 30),
    (Pathway.HOUSING, 18),
    (Pathway.EMPLOYMENT, 16),
    (Pathway.FRENCH, 12),
    (Pathway.HEALTH, 12),
    (Pathway.SCHOOLING, 7),
    (Pathway.OTHER, 5),
]
CHILD_PATHWAYS = [(Pathway.SCHOOLING, 60), (Pathway.HEALTH, 35), (Pathway.OTHER, 5)]

# --- Phrases -------------------------------------------------------------------------------------

OPENINGS = {
    "on_site": [
        "Passage sur le terrain.",
        "Rencontre sur le lieu de vie.",
        "Tournée sur le site avec une collègue.",
        "Échange devant l'habitation.",
        "Visite du terrain, beaucoup de monde présent.",
    ],
    "office": [
        "Entretien au bureau.",
        "Rendez-vous au bureau, un proche traduit.",
        "Entretien au bureau avec interprète par téléphone.",
        "Venue spontanée à la permanence.",
    ],
    "phone": [
        "Appel téléphonique.",
        "Échange par téléphone.",
        "Appel reçu, ligne mauvaise, à rappeler.",
        "Point rapide par téléphone.",
    ],
    "home_visit": [
        "Visite à l'hôtel social.",
        "Visite au centre d'hébergement.",
        "Visite à domicile.",
    ],
    "partner_premises": [
        "Accompagnement physique chez le partenaire.",
        "Rendez-vous commun chez le partenaire.",
        "Rencontre à l'antenne du CCAS.",
        "Accompagnement à l'agence France Travail.",
        "Accompagnement à la CPAM.",
    ],
}
PHRASES = {
    Pathway.RIGHTS: [
        "Dossier de domiciliation déposé au CCAS.",
        "Attestation de domiciliation reçue, copie faite.",
        "Demande d'AME à compléter : il manque un justificatif de présence.",
        "Carte Vitale reçue.",
        "Demande de Complémentaire santé solidaire envoyée.",
        "Point sur le dossier CAF, pièces manquantes listées.",
        "Ouverture d'un compte bancaire en cours.",
        "Aide à la déclaration de revenus.",
        "Renouvellement de la carte d'identité au consulat à prévoir.",
        "Courrier de la CPAM lu et expliqué.",
        "Relance de la CAF restée sans réponse.",
        "Demande de Navigo Solidarité faite en ligne.",
    ],
    Pathway.FRENCH: [
        "Inscription à l'atelier sociolinguistique.",
        "Assiduité régulière aux cours de français.",
        "Test de positionnement prévu, niveau A1 visé.",
        "Difficile de suivre les cours faute de garde d'enfants.",
        "Progrès à l'oral, l'écrit reste difficile.",
        "Orientation vers des cours du soir.",
    ],
    Pathway.EMPLOYMENT: [
        "Inscription à France Travail faite.",
        "CV rédigé ensemble.",
        "Candidature envoyée à un chantier d'insertion.",
        "Entretien d'embauche préparé.",
        "Contrat en CDDI signé, démarrage lundi.",
        "Recherche d'une formation dans le bâtiment.",
        "Point sur les heures travaillées et la fiche de paie.",
        "Atelier code de la route proposé.",
    ],
    Pathway.HOUSING: [
        "Demande SIAO mise à jour.",
        "Appel au 115 sans solution ce soir.",
        "Proposition d'hébergement à l'hôtel acceptée.",
        "Demande de logement social renouvelée.",
        "Dossier Solibail en préparation.",
        "Inquiétude sur l'évacuation annoncée du terrain.",
        "Point sur les conditions de vie sur le site : eau, électricité.",
    ],
    Pathway.HEALTH: [
        "Rendez-vous pris à la PMI.",
        "Orientation vers la PASS de l'hôpital.",
        "Recherche d'un médecin traitant.",
        "Suivi de grossesse en place.",
        "Vaccinations des enfants à jour.",
        "Orientation vers un bilan de santé.",
    ],
    Pathway.SCHOOLING: [
        "Inscription scolaire déposée en mairie.",
        "Enfants inscrits à la cantine.",
        "Rencontre avec l'enseignante.",
        "Demande de transport scolaire.",
        "Absences à l'école évoquées avec les parents.",
        "Fournitures scolaires remises.",
    ],
    Pathway.OTHER: [
        "Orientation vers l'épicerie solidaire.",
        "Remise de vêtements chauds.",
        "Point sur la situation familiale.",
        "Question sur une amende, orientation vers le point d'accès au droit.",
    ],
}
CLOSINGS = [
    "Prochain rendez-vous dans quinze jours.",
    "À revoir la semaine prochaine.",
    "Prévoir un interprète la prochaine fois.",
    "Documents originaux rendus.",
    "Situation inchangée.",
    "À rappeler en fin de semaine.",
]
TASKS = {
    Pathway.RIGHTS: [
        "Relancer la CPAM",
        "Déposer le dossier d'AME",
        "Récupérer l'attestation de domiciliation",
        "Envoyer les pièces à la CAF",
        "Prendre rendez-vous à la banque",
    ],
    Pathway.FRENCH: ["Inscrire à l'atelier de français", "Confirmer la date du test de niveau"],
    Pathway.EMPLOYMENT: [
        "Envoyer le CV au chantier d'insertion",
        "Préparer l'entretien d'embauche",
        "Relancer France Travail",
    ],
    Pathway.HOUSING: [
        "Mettre à jour la demande SIAO",
        "Renouveler la demande de logement social",
        "Compléter le dossier Solibail",
    ],
    Pathway.HEALTH: ["Prendre rendez-vous à la PMI", "Appeler la PASS"],
    Pathway.SCHOOLING: ["Déposer l'inscription scolaire en mairie", "Appeler l'école"],
    Pathway.OTHER: ["Rappeler la personne", "Orienter vers l'épicerie solidaire"],
}
# (goal, its steps in order) per pathway.
GOALS = {
    Pathway.RIGHTS: [
        (
            "Obtenir une domiciliation",
            ["Rassembler les pièces", "Déposer la demande au CCAS", "Récupérer l'attestation"],
        ),
        (
            "Ouvrir les droits à l'AME",
            [
                "Rassembler les justificatifs de présence",
                "Déposer le dossier à la CPAM",
                "Relancer la CPAM",
                "Récupérer la carte",
            ],
        ),
        (
            "Obtenir la Complémentaire santé solidaire",
            ["Créer le compte Ameli", "Envoyer la demande", "Recevoir l'attestation"],
        ),
        (
            "Ouvrir un compte bancaire",
            ["Prendre rendez-vous à la banque", "Fournir les justificatifs", "Recevoir la carte"],
        ),
        (
            "Ouvrir les droits CAF",
            ["Créer le compte en ligne", "Envoyer les pièces", "Relancer la CAF"],
        ),
        (
            "Renouveler la pièce d'identité",
            ["Prendre rendez-vous au consulat", "Retirer le document"],
        ),
    ],
    Pathway.FRENCH: [
        (
            "Atteindre le niveau A1 à l'oral",
            [
                "S'inscrire à l'atelier sociolinguistique",
                "Passer le test de positionnement",
                "Suivre trois mois de cours",
            ],
        ),
        ("Passer le DILF", ["S'inscrire à l'examen", "Suivre la préparation", "Passer l'épreuve"]),
    ],
    Pathway.EMPLOYMENT: [
        (
            "S'inscrire à France Travail",
            ["Créer l'espace en ligne", "Premier rendez-vous avec le conseiller"],
        ),
        (
            "Signer un contrat en insertion",
            [
                "Rédiger le CV",
                "Candidater dans deux chantiers d'insertion",
                "Préparer l'entretien",
                "Signer le contrat",
            ],
        ),
        (
            "Entrer en formation qualifiante",
            ["Choisir la formation", "Déposer le dossier de financement", "Passer l'entretien"],
        ),
        (
            "Obtenir le permis de conduire",
            ["S'inscrire au code", "Passer l'examen du code", "Prendre les leçons de conduite"],
        ),
    ],
    Pathway.HOUSING: [
        (
            "Obtenir une place d'hébergement",
            ["Faire la demande SIAO", "Relancer le SIAO", "Visiter le centre proposé"],
        ),
        (
            "Accéder à un logement social",
            [
                "Déposer la demande de logement social",
                "Obtenir le numéro unique",
                "Constituer le dossier DALO",
            ],
        ),
        (
            "Entrer dans un logement Solibail",
            ["Compléter le dossier Solibail", "Passer l'entretien", "Signer la convention"],
        ),
    ],
    Pathway.HEALTH: [
        ("Avoir un médecin traitant", ["Trouver un cabinet", "Déclarer le médecin traitant"]),
        ("Faire un bilan de santé", ["Prendre rendez-vous", "Aller au bilan"]),
    ],
    Pathway.SCHOOLING: [
        (
            "Scolariser les enfants",
            [
                "Demander l'inscription en mairie",
                "Faire l'admission à l'école",
                "Demander la cantine à tarif social",
            ],
        ),
    ],
}
GOAL_PATHWAYS = [
    (Pathway.RIGHTS, 35),
    (Pathway.HOUSING, 22),
    (Pathway.EMPLOYMENT, 18),
    (Pathway.FRENCH, 12),
    (Pathway.HEALTH, 8),
    (Pathway.SCHOOLING, 5),
]
GOAL_STATUSES = [
    (GoalStatus.NOT_STARTED, 20),
    (GoalStatus.IN_PROGRESS, 45),
    (GoalStatus.ACHIEVED, 25),
    (GoalStatus.ABANDONED, 10),
]
STEP_WHO = {
    Pathway.RIGHTS: ["CCAS", "CPAM", "CAF"],
    Pathway.FRENCH: ["Centre social"],
    Pathway.EMPLOYMENT: ["France Travail", "Chantier d'insertion"],
    Pathway.HOUSING: ["SIAO", "Bailleur"],
    Pathway.HEALTH: ["PMI", "PASS"],
    Pathway.SCHOOLING: ["Mairie", "École"],
}

FOLLOW_UP_FIELDS = (
    "id", "organisation_id", "person_id", "author_id", "date", "place", "pathways", "note",
    "created_at", "updated_at",
)  # fmt: skip
TASK_FIELDS = (
    "organisation_id", "person_id", "title", "pathway", "due_on", "done_on", "assigned_to_id",
    "follow_up_id", "created_by_id", "created_at",
)  # fmt: skip
GOAL_FIELDS = (
    "id", "organisation_id", "person_id", "pathway", "title", "status", "closed_on",
    "created_by_id", "created_at", "updated_at", "version",
)  # fmt: skip
STEP_FIELDS = ("id", "goal_id", "title", "who", "due_on", "done_on", "created_at", "updated_at")
CHANGE_FIELDS = ("goal_id", "step_id_value", "action", "changes", "by_id", "at")
APPOINTMENT_FIELDS = (
    "organisation_id", "person_id", "worker_id", "date", "time", "duration_minutes", "place",
    "address", "contact", "pathway", "purpose", "to_bring", "status", "created_by_id",
    "created_at", "updated_at",
)  # fmt: skip
# Share of the people followed who have a rendez-vous booked in the coming three weeks; the
# named workers always have some today and this week.
APPOINTMENT_SHARE = 0.05
# Offices people are sent to (invented addresses), with whom to ask for and what to bring.
OFFICES = [
    (AppointmentPlace.PARTNER, Pathway.RIGHTS,
     "Antenne CAF, 12 rue de la République, 93200 Saint-Denis",
     "Accueil CAF, guichet social", ["identity", "domiciliation", "caf", "rib"]),
    (AppointmentPlace.PARTNER, Pathway.RIGHTS, "CCAS, 4 place de la Mairie, 92000 Nanterre",
     "Service domiciliation", ["identity", "domiciliation"]),
    (AppointmentPlace.PARTNER, Pathway.EMPLOYMENT,
     "France Travail, 30 avenue Jean-Jaurès, 94200 Ivry-sur-Seine",
     "Conseillère à l'accueil", ["identity", "residence_permit", "cv"]),
    (AppointmentPlace.PARTNER, Pathway.HEALTH, "CPAM, 8 boulevard Gallieni, 93000 Bobigny",
     "Accueil, ticket « droits santé »", ["identity", "domiciliation", "health_card"]),
    (AppointmentPlace.SCHOOL, Pathway.SCHOOLING,
     "École élémentaire, 15 rue des Écoles, 93300 Aubervilliers",
     "La directrice", ["family_book", "domiciliation", "school"]),
    (AppointmentPlace.OFFICE, Pathway.EMPLOYMENT, "", "", ["cv", "payslips"]),
]  # fmt: skip
APPOINTMENT_HOURS = [(9, 0), (9, 30), (10, 0), (10, 30), (11, 0), (14, 0), (14, 30), (15, 30)]


@dataclass
class _Member:
    """What this step needs to know of a person."""

    person: Person
    adult: bool
    # Periods in the programme, and who followed the person when: [(referent_id, start, end)].
    periods: list[tuple[datetime.date, datetime.date]]
    windows: list[tuple[int, datetime.date, datetime.date]] = field(default_factory=list)

    def enrolled_on(self, day: datetime.date) -> bool:
        return any(start <= day <= end for start, end in self.periods)


def follow_ups_and_plans(context: DemoContext) -> None:
    builder = _Builder(context)
    builder.run()
    context.counts.update(builder.counts)
    for email in NAMED_WORKERS:
        week = my_week(context.users[email], context.today)
        context.describe(
            email,
            f"sa semaine : {week['overdue']} tâches en retard, {week['due']} à faire d'ici "
            f"7 jours, {week['unseen']} personnes sans entretien depuis 4 semaines",
        )


def my_week(user, today: datetime.date) -> dict[str, int]:
    """What the user's "my week" holds on the reference date, for the logins table."""
    tasks = Task.objects.filter(assigned_to=user, done_on__isnull=True)
    alert = today - datetime.timedelta(weeks=4)
    caseload = Person.objects.filter(referent=user, exited_on__isnull=True)
    return {
        "overdue": tasks.filter(due_on__lt=today).count(),
        "due": tasks.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(6)).count(),
        "unseen": caseload.filter(
            Q(last_contact_on__lt=alert) | Q(last_contact_on__isnull=True)
        ).count(),
    }


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        self.rng = context.rng
        self.today = context.today
        history = HISTORY_DAYS[context.scale]
        self.history_start = self.today - datetime.timedelta(days=history) if history else None
        self.context = context
        self.workers = {
            workers[0].organisation_id: [w.pk for w in workers]
            for workers in context.social_workers.values()
            if workers
        }
        # Reminders every named worker finds in their week, whatever the draw.
        self.forced = {
            context.users[email].pk: ["overdue", "overdue", "due", "due", "due"]
            for email in NAMED_WORKERS
        }
        # Days from today of the rendez-vous every named worker finds in their week.
        self.forced_appointments = {
            context.users[email].pk: [0, 0, 1, 3, 9] for email in NAMED_WORKERS
        }
        self.appointments: list[tuple] = []
        self.counts = {"entretiens": 0, "présences": 0, "tâches": 0}
        self.follow_ups: list[tuple] = []
        self.participants: list[tuple] = []
        self.tasks: list[tuple] = []
        self.last_contact: dict[int, datetime.date] = {}  # by person id
        self.next_follow_up = next_id(FollowUp)

    # -- helpers --

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def moment(self, day: datetime.date) -> datetime.datetime:
        """A time in office hours on that day, for created_at and the like."""
        time = datetime.time(self.rng.randint(7, 16), self.rng.randint(0, 59))
        return datetime.datetime.combine(day, time, tzinfo=datetime.UTC)

    # -- the whole step --

    def run(self) -> None:
        households = self.households()
        self.choose_special_households(households)
        for members in households:
            self.add_follow_ups(members)
            if len(self.follow_ups) >= FLUSH_EVERY:
                self.flush()
        for members in households:
            for member in members:
                self.add_reminder(member)
                self.add_appointment(member)
        self.flush()
        insert_rows(Appointment, APPOINTMENT_FIELDS, self.appointments)
        self.counts["rendez-vous"] = len(self.appointments)
        reset_sequences(FollowUp)
        self.set_last_contacts()
        self.add_plans(households)

    def households(self) -> list[list[_Member]]:
        """People grouped by household, with their periods and referents over time."""
        created = self.context.created
        periods: dict[int, list] = {}
        for enrolment in created["enrolments"]:
            periods.setdefault(enrolment.person.pk, []).append(
                (enrolment.entered_on, enrolment.exited_on or self.today)
            )
        assignments: dict[int, list] = {}
        for assignment in created["assignments"]:
            assignments.setdefault(assignment.person.pk, []).append(
                (assignment.referent.pk, assignment.started_on, assignment.ended_on or self.today)
            )
        grouped: dict[int, list[_Member]] = {}
        for person in created["persons"]:
            year = person.birth_year
            member = _Member(
                person=person,
                adult=year is None or self.today.year - year >= ADULT_AGE,
                periods=sorted(periods[person.pk]),
            )
            # Follow-ups happen while the person is in the programme and has a referent.
            for referent, started, ended in sorted(assignments.get(person.pk, []), key=_start):
                for entered, exited in member.periods:
                    start, end = max(started, entered), min(ended, exited)
                    if start <= end:
                        member.windows.append((referent, start, end))
            grouped.setdefault(person.household.pk, []).append(member)
        return list(grouped.values())

    def choose_special_households(self, households: list[list[_Member]]) -> None:
        """One large household of travailleur@demo.mia followed closely (for the long
        timeline), and households nobody saw for weeks: three people or more in each named
        caseload, a few percent elsewhere."""
        rng = self.rng
        current = [
            members
            for members in households
            if all(not m.person.exited_on and m.person.referent_id for m in members)
        ]
        travailleur = self.context.users["travailleur@demo.mia"].pk
        theirs = [m for m in current if m[0].person.referent_id == travailleur]
        largest = max(
            theirs or current,
            key=lambda m: (len(m), (self.today - min(x.periods[0][0] for x in m)).days),
        )
        self.intense = id(largest)
        self.unseen_since: dict[int, datetime.date] = {}
        for worker in self.forced:
            unseen = 0
            for members in current:
                if unseen >= 3:
                    break
                if members[0].person.referent_id == worker and members is not largest:
                    unseen += len(members)
                    self.unseen_since[id(members)] = self.today - datetime.timedelta(
                        days=rng.randint(35, 150)
                    )
        for members in current:
            if rng.random() < LOST_SIGHT_SHARE and members is not largest:
                self.unseen_since.setdefault(
                    id(members), self.today - datetime.timedelta(days=rng.randint(35, 200))
                )

    # -- follow-ups and their tasks --

    def add_follow_ups(self, members: list[_Member]) -> None:
        rng = self.rng
        intense = id(members) == self.intense
        until = self.unseen_since.get(id(members), self.today)
        for member in members:
            if member.adult:
                gap = 6 if intense else self.weighted(ADULT_GAPS)
            else:
                gap = 30 if intense else self.weighted(CHILD_GAPS)
            for referent, start, end in member.windows:
                if self.history_start:
                    start = max(start, self.history_start)
                end = min(end, until)
                day = start + datetime.timedelta(days=rng.randint(0, gap))
                while day <= end:
                    self.add_follow_up(member, members, (referent, end), day, intense=intense)
                    day += datetime.timedelta(days=max(1, round(gap * rng.uniform(0.4, 1.6))))

    def add_follow_up(self, member, members, window, day, *, intense) -> None:
        rng = self.rng
        person = member.person
        referent = window[0]
        pk = self.next_follow_up
        self.next_follow_up += 1
        if member.adult:
            place = self.weighted(PLACES)
            pathways = self.pathways(ADULT_PATHWAYS)
        else:
            place = self.weighted(CHILD_PLACES)
            pathways = self.pathways(CHILD_PATHWAYS)
        # The author is the referent of the time, sometimes a colleague standing in.
        author = referent
        if rng.random() < 0.08:
            author = rng.choice(self.workers[person.organisation_id])
        present = [member]
        others = [m for m in members if m is not member and m.enrolled_on(day)]
        if others and place != "phone":
            if not member.adult:
                # A child comes with a parent or another adult of the household.
                adults = [m for m in others if m.adult]
                if adults and rng.random() < 0.85:
                    present.append(rng.choice(adults))
            elif rng.random() < (0.8 if intense else 0.45):
                present += rng.sample(others, min(len(others), rng.randint(1, 3)))
        note = " ".join(
            [
                rng.choice(OPENINGS[place]),
                *(rng.choice(PHRASES[pathway]) for pathway in pathways[:2]),
                *([rng.choice(CLOSINGS)] if rng.random() < 0.4 else []),
            ]
        )
        at = self.moment(day)
        self.follow_ups.append(
            (pk, person.organisation_id, person.pk, author, day, place, pathways, note, at, at)
        )
        for attendee in present:
            self.participants.append((pk, attendee.person.pk))
            # Follow-ups come in date order for each person, not across a household.
            if self.last_contact.get(attendee.person.pk, day) <= day:
                self.last_contact[attendee.person.pk] = day
        if rng.random() < 0.07:
            self.add_next_step(member, pk, author, window, day, pathways[0])

    def pathways(self, choices) -> list[str]:
        roll = self.rng.random()
        wanted = min(len(choices), 1 if roll < 0.55 else 2 if roll < 0.88 else 3)
        chosen: list[str] = []
        while len(chosen) < wanted:
            pathway = self.weighted(choices)
            if pathway not in chosen:
                chosen.append(pathway)
        return chosen

    def add_next_step(self, member, follow_up, author, window, day, pathway) -> None:
        """The next step noted at a follow-up: done on time mostly, a few late and waiting.
        Closed by the time the person left or changed referent."""
        rng = self.rng
        referent, window_end = window
        due = day + datetime.timedelta(days=rng.randint(3, 30))
        done_around = self.day_between(day, due + datetime.timedelta(days=10))
        done = None
        if window_end < self.today:
            done = min(done_around, window_end)
        elif due < self.today - datetime.timedelta(days=60) or (
            due < self.today and rng.random() < 0.9
        ):
            done = min(done_around, self.today)
        self.add_task(member.person, pathway, due, done, referent, author, follow_up, day)

    def add_task(self, person, pathway, due, done, assigned_to, by, follow_up, day) -> None:
        title = self.rng.choice(TASKS[pathway])
        self.tasks.append(
            (person.organisation_id, person.pk, title, pathway, due, done, assigned_to,
             follow_up, by, self.moment(day))
        )  # fmt: skip

    def add_reminder(self, member: _Member) -> None:
        """Reminders without a follow-up around the reference date: due this week or a little
        late. Every caseload has a few; the named workers' always do."""
        person = member.person
        if person.exited_on or not person.referent_id or not member.adult:
            return
        rng = self.rng
        referent = person.referent_id
        roll = rng.random()
        if forced := self.forced.get(referent):
            kind = forced.pop()
        else:
            kind = "due" if roll < 0.05 else "overdue" if roll < 0.08 else None
        if kind == "due":
            due = self.today + datetime.timedelta(days=rng.randint(0, 6))
        elif kind == "overdue":
            due = self.today - datetime.timedelta(days=rng.randint(1, 21))
        else:
            return
        created = due - datetime.timedelta(days=rng.randint(7, 30))
        pathway = self.weighted(ADULT_PATHWAYS)
        self.add_task(person, pathway, due, None, referent, referent, None, created)

    def add_appointment(self, member: _Member) -> None:
        """A rendez-vous booked in the coming weeks, at the association or at a partner's."""
        person = member.person
        if person.exited_on or not person.referent_id or not member.adult:
            return
        rng = self.rng
        worker = person.referent_id
        if forced := self.forced_appointments.get(worker):
            days = forced.pop()
        elif rng.random() < APPOINTMENT_SHARE:
            days = rng.randint(0, 21)
        else:
            return
        place, pathway, address, contact, to_bring = rng.choice(OFFICES)
        hour, minute = rng.choice(APPOINTMENT_HOURS)
        booked = self.moment(self.today - datetime.timedelta(days=rng.randint(1, 14)))
        self.appointments.append(
            (person.organisation_id, person.pk, worker, self.today + datetime.timedelta(days=days),
             datetime.time(hour, minute), 60, place, address, contact, pathway, "",
             [code for code in to_bring if code in ToBring.values], "planned", worker, booked,
             booked)
        )  # fmt: skip

    def flush(self) -> None:
        insert_rows(FollowUp, FOLLOW_UP_FIELDS, self.follow_ups)
        insert_rows(FollowUp.participants.through, ("followup_id", "person_id"), self.participants)
        insert_rows(Task, TASK_FIELDS, self.tasks)
        self.counts["entretiens"] += len(self.follow_ups)
        self.counts["présences"] += len(self.participants)
        self.counts["tâches"] += len(self.tasks)
        self.follow_ups, self.participants, self.tasks = [], [], []

    def set_last_contacts(self) -> None:
        """As accompaniment.services does: the latest follow-up each person attended."""
        persons = self.context.created["persons"]
        for person in persons:
            person.last_contact_on = self.last_contact.get(person.pk)
        Person.objects.bulk_update(persons, ["last_contact_on"], batch_size=1000)

    # -- the projet personnalisé --

    def add_plans(self, households: list[list[_Member]]) -> None:
        """1–4 goals per adult in the programme, each with 1–4 steps, and their history."""
        rng = self.rng
        goals, steps, changes = [], [], []
        goal_id, step_id = next_id(Goal) - 1, next_id(Step) - 1
        for members in households:
            minors = any(not m.adult for m in members)
            choices = [(p, w) for p, w in GOAL_PATHWAYS if minors or p != Pathway.SCHOOLING]
            for member in members:
                person = member.person
                if person.exited_on or not member.adult:
                    continue
                by = person.referent_id
                pathways = {self.weighted(choices) for _ in range(rng.randint(1, 4))}
                for pathway in sorted(pathways):
                    goal_id += 1
                    title, step_titles = rng.choice(GOALS[pathway])
                    created = self.day_between(
                        max(member.periods[-1][0], self.today - datetime.timedelta(days=3 * 365)),
                        self.today - datetime.timedelta(days=1),
                    )
                    status = self.weighted(GOAL_STATUSES)
                    closed = None
                    if status in (GoalStatus.ACHIEVED, GoalStatus.ABANDONED):
                        if (self.today - created).days < 30:
                            status = GoalStatus.IN_PROGRESS
                        else:
                            closed = self.day_between(created + datetime.timedelta(30), self.today)
                    at = self.moment(created)
                    updated = self.moment(closed) if closed else at
                    goals.append(
                        (goal_id, person.organisation_id, person.pk, pathway, title, status,
                         closed, by, at, updated, 1)
                    )  # fmt: skip
                    # The history reads as accompaniment.services writes it: values as shown.
                    first_status = GoalStatus.IN_PROGRESS if closed else status
                    created_change = {
                        "title": [None, title],
                        "pathway": [None, str(Pathway(pathway).label)],
                        "status": [None, str(GoalStatus(first_status).label)],
                    }
                    changes.append((goal_id, None, "created", created_change, by, at))
                    if closed:
                        closing = {
                            "status": [
                                str(GoalStatus(first_status).label),
                                str(GoalStatus(status).label),
                            ],
                            "closed_on": [None, _shown(closed)],
                        }
                        changes.append((goal_id, None, "updated", closing, by, updated))
                    for step_title, who, due, done in self.steps(
                        pathway, step_titles, status, created, closed
                    ):
                        step_id += 1
                        done_at = self.moment(done) if done else at
                        steps.append((step_id, goal_id, step_title, who, due, done, at, done_at))
                        change = {"title": [None, step_title], "who": [None, who]}
                        if due:
                            change["due_on"] = [None, _shown(due)]
                        changes.append((goal_id, step_id, "created", change, by, at))
                        if done:
                            change = {"done_on": [None, _shown(done)]}
                            changes.append((goal_id, step_id, "updated", change, by, done_at))
        insert_rows(Goal, GOAL_FIELDS, goals)
        insert_rows(Step, STEP_FIELDS, steps)
        insert_rows(PlanChange, CHANGE_FIELDS, changes)
        reset_sequences(Goal, Step)
        self.counts["objectifs"] = len(goals)
        self.counts["étapes"] = len(steps)

    def steps(self, pathway, titles, status, created, closed) -> list[tuple]:
        """(title, who, due_on, done_on) of the goal's first steps: the done ones in order,
        then those waiting, the next of which is often due around the reference date."""
        rng = self.rng
        titles = titles[: rng.randint(1, len(titles))]
        who = ["La personne", "Référent·e", *STEP_WHO[pathway]]
        if status == GoalStatus.ACHIEVED:
            done_count = len(titles)
        elif status == GoalStatus.NOT_STARTED:
            done_count = 0
        else:
            done_count = rng.randint(0, len(titles) - 1)
        until = closed or self.today - datetime.timedelta(days=1)
        done_dates = sorted(self.day_between(created, until) for _ in range(done_count))
        rows = []
        for title, done in zip(titles, done_dates, strict=False):
            due = max(created, done + datetime.timedelta(days=rng.randint(-7, 10)))
            rows.append((title, rng.choice(who), due, done))
        due = None
        if status in (GoalStatus.IN_PROGRESS, GoalStatus.NOT_STARTED):
            roll = rng.random()
            if roll < 0.3:
                due = self.today + datetime.timedelta(days=rng.randint(0, 6))  # this week
            elif roll < 0.55:
                due = self.today - datetime.timedelta(days=rng.randint(1, 45))  # late
            elif roll < 0.8:
                due = self.today + datetime.timedelta(days=rng.randint(7, 60))
        for title in titles[done_count:]:
            rows.append((title, rng.choice(who), due, None))
            if due:
                due += datetime.timedelta(days=rng.randint(14, 45))
        return rows


def _start(window) -> datetime.date:
    return window[1]


def _shown(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
