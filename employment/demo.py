"""Demo data of the employment pathway (`seed_demo`, after the people, their plans and their
rights): employers (work-integration structures and GEIQ among them), offers, people proposed
with the history of their candidacies, the contracts of those hired and of others, trainings
and workshops. Written with mia.demo.insert_rows (COPY on PostgreSQL): the national scale's
thousands of rows take a few seconds.

The small scale gives travailleur@demo.mia's caseload every page filled: an open offer
nobody of the caseload is proposed for yet (its suggested people), an open offer with
candidates at each status, a hire whose contract runs today (a CDDI with a PASS IAE),
trainings and workshops."""

import datetime
from dataclasses import dataclass

from beneficiaries.models import Commune, Person
from employment.models import (
    Candidacy,
    CandidacyChange,
    CandidacyStatus,
    Contract,
    ContractType,
    Employer,
    EmployerKind,
    JobOffer,
    NotRetainedReason,
    OfferStatus,
    Training,
    TrainingOutcome,
    Workshop,
    WorkshopKind,
)
from mia.demo import DemoContext, insert_rows, next_id, reset_sequences

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Sizes:
    employers: int
    offers: int
    # Contracts of people who found a job without an offer of the programme.
    other_contracts: int
    trainings: int
    workshops: int


SIZES = {
    "small": Sizes(employers=14, offers=16, other_contracts=10, trainings=30, workshops=45),
    "national": Sizes(
        employers=300, offers=600, other_contracts=1_200, trainings=1_500, workshops=3_000
    ),
}
# Candidates proposed per offer: about 3.3 on average (2,000 at national scale).
CANDIDATES_PER_OFFER = (1, 2, 3, 3, 4, 4, 5, 5)

EMPLOYER_KINDS = [
    (EmployerKind.COMPANY, 40),
    (EmployerKind.ACI, 14),
    (EmployerKind.EI, 10),
    (EmployerKind.AI, 8),
    (EmployerKind.ETTI, 8),
    (EmployerKind.EITI, 2),
    (EmployerKind.GEIQ, 6),
    (EmployerKind.PUBLIC, 6),
    (EmployerKind.ASSOCIATION, 5),
    (EmployerKind.OTHER, 1),
]
EMPLOYER_NAMES = {
    EmployerKind.COMPANY: ["Nettoyage", "Bâtiment", "Logistique", "Restauration", "Espaces verts"],
    EmployerKind.ACI: ["Chantier d'insertion", "Ressourcerie", "Jardins solidaires"],
    EmployerKind.EI: ["Entreprise d'insertion", "Tri et recyclage"],
    EmployerKind.AI: ["Association intermédiaire"],
    EmployerKind.ETTI: ["Intérim d'insertion"],
    EmployerKind.EITI: ["Coopérative d'activité"],
    EmployerKind.GEIQ: ["GEIQ BTP", "GEIQ Propreté", "GEIQ Logistique"],
    EmployerKind.PUBLIC: ["Mairie", "Centre communal d'action sociale"],
    EmployerKind.ASSOCIATION: ["Association d'aide alimentaire", "Régie de quartier"],
    EmployerKind.OTHER: ["Groupement d'employeurs"],
}
JOBS = {
    EmployerKind.COMPANY: ["Agent·e d'entretien", "Manutentionnaire", "Aide-cuisinier·e",
                           "Ouvrier·e du bâtiment", "Préparateur·rice de commandes"],
    EmployerKind.ACI: ["Agent·e de tri", "Jardinier·e", "Agent·e de chantier"],
    EmployerKind.EI: ["Agent·e de tri", "Agent·e de propreté"],
    EmployerKind.AI: ["Agent·e d'entretien", "Aide à domicile"],
    EmployerKind.ETTI: ["Manœuvre", "Manutentionnaire"],
    EmployerKind.EITI: ["Vendeur·se sur les marchés"],
    EmployerKind.GEIQ: ["Maçon·ne en alternance", "Agent·e de propreté en alternance",
                        "Cariste en alternance"],
    EmployerKind.PUBLIC: ["Agent·e d'espaces verts", "Agent·e de restauration scolaire"],
    EmployerKind.ASSOCIATION: ["Agent·e de distribution", "Agent·e d'accueil"],
    EmployerKind.OTHER: ["Agent·e polyvalent·e"],
}  # fmt: skip
# The contract an offer of each kind of employer usually is.
CONTRACTS = {
    EmployerKind.COMPANY: [ContractType.CDI, ContractType.CDD, ContractType.CDD,
                           ContractType.INTERIM, ContractType.CDD_USAGE],
    EmployerKind.ACI: [ContractType.CDDI],
    EmployerKind.EI: [ContractType.CDDI],
    EmployerKind.AI: [ContractType.CDDI, ContractType.CDD],
    EmployerKind.ETTI: [ContractType.INTERIM],
    EmployerKind.EITI: [ContractType.OTHER],
    EmployerKind.GEIQ: [ContractType.PROFESSIONALISATION, ContractType.APPRENTICESHIP],
    EmployerKind.PUBLIC: [ContractType.PEC, ContractType.CDD],
    EmployerKind.ASSOCIATION: [ContractType.PEC, ContractType.CDD],
    EmployerKind.OTHER: [ContractType.CDD],
}  # fmt: skip
SIAE = {EmployerKind.ACI, EmployerKind.EI, EmployerKind.AI, EmployerKind.ETTI, EmployerKind.EITI}
REASONS = [
    (NotRetainedReason.DID_NOT_COME, 20),
    (NotRetainedReason.NOT_MOBILE, 12),
    (NotRetainedReason.FRENCH_LEVEL, 18),
    (NotRetainedReason.LACKING_SKILLS, 14),
    (NotRetainedReason.HIRED_ELSEWHERE, 6),
    (NotRetainedReason.NOT_INTERESTED, 8),
    (NotRetainedReason.POSITION_FILLED, 18),
    (NotRetainedReason.OTHER, 4),
]
TRAININGS = [
    ("Titre professionnel agent·e de propreté", True, 400),
    ("CACES R489 (cariste)", True, 35),
    ("Habilitation électrique", False, 21),
    ("Sauveteur secouriste du travail", False, 14),
    ("Préparation au code de la route", False, 30),
    ("Titre professionnel maçon·ne", True, 600),
    ("Hygiène en restauration (HACCP)", False, 14),
]
PROVIDERS = ["AFPA de Montreuil", "GRETA 93", "Organisme de formation BTP", "Auto-école sociale"]


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.UTC)


def _age_on(birth_date, birth_year, day: datetime.date) -> int | None:
    if birth_date:
        return (
            day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
        )
    return day.year - birth_year if birth_year else None


def employment(context: DemoContext) -> None:
    builder = _Builder(context)
    builder.run()
    context.counts.update(builder.counts)
    context.describe(
        "travailleur@demo.mia",
        "emploi : une offre ouverte avec ses personnes suggérées, des candidatures, "
        "une embauche en CDDI avec PASS IAE",
    )


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.rng = context.rng
        self.today = context.today
        self.sizes = SIZES[context.scale]
        self.communes = list(
            Commune.objects.filter(merged_into__isnull=True)
            .order_by("insee")
            .values_list("insee", "name")
        )
        acina = context.organisations["acina"]
        horizon = context.organisations["horizon"]
        self.organisations = [acina.pk, horizon.pk]
        self.acina = acina.pk
        self.travailleur = context.users["travailleur@demo.mia"].pk
        self.partner_employer = context.organisations["ccas"].pk
        # Adults of each organisation, in the programme today or in the past.
        self.adults: dict[int, list[tuple]] = {pk: [] for pk in self.organisations}
        for row in Person.objects.order_by("pk").values_list(
            "pk", "organisation_id", "referent_id", "entered_on", "exited_on",
            "birth_date", "birth_year",
        ):  # fmt: skip
            age = _age_on(row[5], row[6], self.today)
            if row[1] in self.adults and (age is None or age >= 18):
                self.adults[row[1]].append(row[:5])
        self.workers = {pk: [] for pk in self.organisations}
        for users in context.social_workers.values():
            for user in users:
                if user.organisation_id in self.workers:
                    self.workers[user.organisation_id].append(user.pk)
        self.employers: list[tuple] = []
        self.offers: list[tuple] = []
        self.candidacies: list[tuple] = []
        self.changes: list[tuple] = []
        self.contracts: list[tuple] = []
        self.trainings: list[tuple] = []
        self.workshops: list[tuple] = []
        self.employer_id = next_id(Employer) - 1
        self.offer_id = next_id(JobOffer) - 1
        self.candidacy_id = next_id(Candidacy) - 1
        self.contract_id = next_id(Contract) - 1
        self.kind_of: dict[int, str] = {}
        self.counts: dict[str, int] = {}
        # Who is in work when: one contract at a time per person, kept here.
        self.busy_until: dict[int, datetime.date] = {}

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        span = max(0, (end - start).days)
        return start + datetime.timedelta(days=int(self.rng.random() * (span + 1)))

    def worker(self, organisation_id: int, referent_id: int | None) -> int | None:
        workers = self.workers.get(organisation_id) or [None]
        return referent_id or self.rng.choice(workers)

    # -- the whole step --

    def run(self) -> None:
        self.add_employers()
        self.add_showcase()
        self.add_offers()
        self.add_other_contracts()
        self.add_trainings_and_workshops()
        self.write()

    def add_employer(self, organisation_id: int, kind: str, name: str, partner=None) -> int:
        self.employer_id += 1
        insee, commune = self.rng.choice(self.communes)
        self.employers.append(
            (
                self.employer_id, organisation_id, f"{name} — {commune}", kind, insee, partner,
                "", _at(self.today - 800 * DAY), _at(self.today - 800 * DAY),
            )
        )  # fmt: skip
        self.kind_of[self.employer_id] = kind
        return self.employer_id

    def add_employers(self) -> None:
        rng = self.rng
        # The organisations with the most people get the most employers.
        total = self.sizes.employers
        horizon = max(2, total // 30)
        self.by_organisation: dict[int, list[int]] = {pk: [] for pk in self.organisations}
        for index in range(total):
            organisation_id = self.acina if index >= horizon else self.organisations[1]
            if index in (horizon, horizon + 1):
                kind = (EmployerKind.ACI, EmployerKind.GEIQ)[index - horizon]
            else:
                kind = _weighted(rng, EMPLOYER_KINDS)
            partner = None
            if kind == EmployerKind.PUBLIC and organisation_id == self.acina:
                partner = self.partner_employer
            pk = self.add_employer(
                organisation_id, kind, rng.choice(EMPLOYER_NAMES[kind]), partner=partner
            )
            self.by_organisation[organisation_id].append(pk)

    def add_offer(
        self,
        *,
        organisation_id: int,
        employer_id: int,
        published_on: datetime.date,
        status: str,
        title: str | None = None,
        contract_type: str | None = None,
        french: str = "",
        licence: bool = False,
    ) -> tuple:
        rng = self.rng
        kind = self.kind_of[employer_id]
        contract_type = contract_type or rng.choice(CONTRACTS[kind])
        starts_on = published_on + datetime.timedelta(days=15 + int(rng.random() * 30))
        ends_on = None
        if contract_type != ContractType.CDI:
            months = 4 if contract_type == ContractType.CDDI else rng.choice((3, 6, 12))
            ends_on = starts_on + datetime.timedelta(days=30 * months)
        hours = rng.choice((20, 24, 26, 30, 35, 35))
        self.offer_id += 1
        insee, _commune = self.rng.choice(self.communes)
        row = (
            self.offer_id, organisation_id, employer_id, title or rng.choice(JOBS[kind]), "",
            insee, contract_type, hours, published_on, starts_on, ends_on, french, licence, "",
            status, self.worker(organisation_id, None), _at(published_on), _at(published_on), 1,
        )  # fmt: skip
        self.offers.append(row)
        return row

    def propose(self, offer: tuple, person: tuple, *, statuses: list, on: datetime.date) -> int:
        """A candidacy going through `statuses` ([(status, reason)…] after "proposed"), a
        few days apart from `on`, never after today."""
        self.candidacy_id += 1
        by = self.worker(offer[1], person[2])
        day, previous, reason = on, "", ""
        history = [(CandidacyStatus.PROPOSED, ""), *statuses]
        for status, reason in history:
            self.changes.append((self.candidacy_id, status, previous, reason, day, by, _at(day)))
            previous = status
            last = day
            day = min(day + datetime.timedelta(days=3 + int(self.rng.random() * 10)), self.today)
        status = history[-1][0]
        self.candidacies.append(
            (
                self.candidacy_id, offer[1], offer[0], person[0], status, reason, on, last, by,
                _at(on), _at(last), 1,
            )
        )  # fmt: skip
        if status == CandidacyStatus.HIRED:
            self.hire(offer, person, self.candidacy_id, last)
        return self.candidacy_id

    def hire(self, offer: tuple, person: tuple, candidacy_id: int, on: datetime.date) -> None:
        starts_on = max(offer[9] or on, on)
        if starts_on > self.today:
            starts_on = on
        planned_end = offer[10] if offer[10] and offer[10] >= starts_on else None
        self.add_contract(
            person, employer_id=offer[2], contract_type=offer[6], job_title=offer[3],
            starts_on=starts_on, planned_end=planned_end, hours=offer[7],
            candidacy_id=candidacy_id,
        )  # fmt: skip

    def add_contract(
        self,
        person: tuple,
        *,
        employer_id: int,
        contract_type: str,
        job_title: str,
        starts_on: datetime.date,
        planned_end: datetime.date | None,
        hours,
        candidacy_id: int | None = None,
        pass_iae: bool | None = None,
    ) -> None:
        rng = self.rng
        ended_on = None
        end = planned_end
        if planned_end and planned_end < self.today and rng.random() < 0.8:
            ended_on = planned_end
        elif planned_end is None and rng.random() < 0.25:
            # A CDI that ended (a resignation, a trial period not passed).
            candidate = starts_on + datetime.timedelta(days=30 + int(rng.random() * 300))
            if candidate < self.today:
                ended_on = end = candidate
        if person[4] and (end is None or end > person[4]) and starts_on <= person[4]:
            # Left the programme: the contract's end is known no more, the planned one stays.
            ended_on = None
        number, pass_start, pass_end = "", None, None
        if pass_iae if pass_iae is not None else self.kind_of[employer_id] in SIAE:
            number = f"99999{rng.randrange(10**9):09d}"[:12]
            pass_start = starts_on
            pass_end = starts_on + datetime.timedelta(days=730)
        self.contract_id += 1
        self.contracts.append(
            (
                self.contract_id, self.organisation_of(person), person[0], employer_id,
                candidacy_id, contract_type, job_title, starts_on, planned_end, ended_on, hours,
                number, pass_start, pass_end, self.worker(self.organisation_of(person), person[2]),
                _at(starts_on), _at(starts_on), 1,
            )
        )  # fmt: skip
        self.busy_until[person[0]] = ended_on or planned_end or datetime.date.max

    def organisation_of(self, person: tuple) -> int:
        return person[1]

    def free(self, person: tuple, day: datetime.date) -> bool:
        """In the programme on `day` and not in work then (as far as this step made them)."""
        entered, exited = person[3], person[4]
        return (
            entered <= day
            and (exited is None or exited >= day)
            and self.busy_until.get(person[0], datetime.date.min) < day
        )

    # -- the showcase: what travailleur@demo.mia opens first --

    def add_showcase(self) -> None:
        caseload = [p for p in self.adults[self.acina] if p[2] == self.travailleur and not p[4]]
        self.showcase = caseload
        if len(caseload) < 4:
            return
        employers = self.by_organisation[self.acina]
        aci = next(pk for pk in employers if self.kind_of[pk] == EmployerKind.ACI)
        geiq = next(pk for pk in employers if self.kind_of[pk] == EmployerKind.GEIQ)
        company = next(
            (pk for pk in employers if self.kind_of[pk] == EmployerKind.COMPANY), employers[0]
        )
        # The hire: a CDDI in an ACI, with its PASS IAE, running today.
        hired_offer = self.add_offer(
            organisation_id=self.acina, employer_id=aci, published_on=self.today - 75 * DAY,
            status=OfferStatus.FILLED, title="Agent·e de tri", contract_type=ContractType.CDDI,
            french="a1_1",
        )  # fmt: skip
        self.propose(
            hired_offer, caseload[0], on=self.today - 70 * DAY,
            statuses=[(CandidacyStatus.INTERVIEW, ""), (CandidacyStatus.HIRED, "")],
        )  # fmt: skip
        self.propose(
            hired_offer, caseload[1], on=self.today - 70 * DAY,
            statuses=[(CandidacyStatus.NOT_RETAINED, NotRetainedReason.DID_NOT_COME)],
        )  # fmt: skip
        # An open offer with candidates at each status.
        open_offer = self.add_offer(
            organisation_id=self.acina, employer_id=geiq, published_on=self.today - 20 * DAY,
            status=OfferStatus.OPEN, title="Agent·e de propreté en alternance",
            contract_type=ContractType.PROFESSIONALISATION, french="a2",
        )  # fmt: skip
        self.propose(open_offer, caseload[1], on=self.today - 18 * DAY, statuses=[])
        self.propose(
            open_offer, caseload[2], on=self.today - 18 * DAY,
            statuses=[(CandidacyStatus.INTERVIEW, "")],
        )  # fmt: skip
        self.propose(
            open_offer, caseload[3], on=self.today - 15 * DAY,
            statuses=[(CandidacyStatus.NOT_RETAINED, NotRetainedReason.FRENCH_LEVEL)],
        )  # fmt: skip
        # An open offer nobody is proposed for yet: its suggested people.
        self.add_offer(
            organisation_id=self.acina, employer_id=company, published_on=self.today - 3 * DAY,
            status=OfferStatus.OPEN, title="Agent·e d'entretien", contract_type=ContractType.CDD,
            french="a1",
        )  # fmt: skip
        # Trainings and workshops of the caseload.
        for index, person in enumerate(caseload[:6]):
            title, qualifying, hours = TRAININGS[index % len(TRAININGS)]
            starts = self.today - (20 + 30 * index) * DAY
            ongoing = index % 2 == 0
            self.add_training(
                person, title, qualifying, hours, starts,
                None if ongoing else starts + 20 * DAY,
                TrainingOutcome.ONGOING if ongoing else TrainingOutcome.COMPLETED,
            )  # fmt: skip
            self.add_workshop(person, WorkshopKind.CV, self.today - (10 + index) * DAY, True)
            self.add_workshop(person, WorkshopKind.INTERVIEW, self.today - (5 + index) * DAY,
                              index != 3)  # fmt: skip

    # -- the rest --

    def add_offers(self) -> None:
        rng = self.rng
        start = self.today - 730 * DAY
        remaining = self.sizes.offers - len(self.offers)
        for index in range(max(0, remaining)):
            organisation_id = self.organisations[1] if index % 25 == 0 else self.acina
            employers = self.by_organisation[organisation_id]
            published_on = self.day_between(start, self.today - DAY)
            recent = (self.today - published_on).days < 60
            status = (
                OfferStatus.OPEN
                if recent
                else (OfferStatus.FILLED if rng.random() < 0.6 else OfferStatus.CLOSED)
            )
            french = rng.choice(("", "", "a1_1", "a1", "a2"))
            offer = self.add_offer(
                organisation_id=organisation_id, employer_id=rng.choice(employers),
                published_on=published_on, status=status, french=french,
                licence=rng.random() < 0.15,
            )  # fmt: skip
            people = self.adults[organisation_id]
            if not people:
                continue
            wanted = rng.choice(CANDIDATES_PER_OFFER)
            hired = False
            chosen: set[int] = set()
            for _attempt in range(wanted * 4):
                if len(chosen) >= wanted:
                    break
                person = rng.choice(people)
                on = min(published_on + datetime.timedelta(days=int(rng.random() * 20)), self.today)
                if person[0] in chosen or not self.free(person, on):
                    continue
                chosen.add(person[0])
                if recent and rng.random() < 0.6:
                    statuses = [] if rng.random() < 0.5 else [(CandidacyStatus.INTERVIEW, "")]
                elif status == OfferStatus.FILLED and not hired and rng.random() < 0.55:
                    statuses = [(CandidacyStatus.INTERVIEW, ""), (CandidacyStatus.HIRED, "")]
                    hired = True
                else:
                    reason = _weighted(rng, REASONS)
                    if hired:
                        reason = NotRetainedReason.POSITION_FILLED
                    statuses = [(CandidacyStatus.NOT_RETAINED, reason)]
                    if rng.random() < 0.5:
                        statuses.insert(0, (CandidacyStatus.INTERVIEW, ""))
                self.propose(offer, person, statuses=statuses, on=on)

    def add_other_contracts(self) -> None:
        rng = self.rng
        employers = self.by_organisation[self.acina]
        people = self.adults[self.acina]
        if not people:
            return
        made = 0
        for _index in range(self.sizes.other_contracts * 3):
            if made >= self.sizes.other_contracts:
                break
            person = rng.choice(people)
            starts_on = self.day_between(person[3], person[4] or self.today)
            if not self.free(person, starts_on):
                continue
            employer_id = rng.choice(employers)
            kind = self.kind_of[employer_id]
            contract_type = rng.choice(CONTRACTS[kind])
            planned_end = None
            if contract_type != ContractType.CDI:
                planned_end = starts_on + datetime.timedelta(days=30 * rng.choice((1, 3, 6, 12)))
            self.add_contract(
                person, employer_id=employer_id, contract_type=contract_type,
                job_title=rng.choice(JOBS[kind]), starts_on=starts_on, planned_end=planned_end,
                hours=rng.choice((20, 26, 35)),
            )  # fmt: skip
            made += 1

    def add_training(self, person, title, qualifying, hours, starts, ends, outcome) -> None:
        self.trainings.append(
            (
                person[1], person[0], title, qualifying, None, self.rng.choice(PROVIDERS),
                starts, ends, hours, outcome, self.worker(person[1], person[2]), _at(starts),
                _at(starts),
            )
        )  # fmt: skip

    def add_workshop(self, person, kind, day, attended) -> None:
        self.workshops.append(
            (person[1], person[0], kind, "", day, attended, self.worker(person[1], person[2]),
             _at(day))
        )  # fmt: skip

    def add_trainings_and_workshops(self) -> None:
        rng = self.rng
        people = self.adults[self.acina] + self.adults[self.organisations[1]]
        if not people:
            return
        for _index in range(self.sizes.trainings - len(self.trainings)):
            person = rng.choice(people)
            title, qualifying, hours = rng.choice(TRAININGS)
            starts = self.day_between(person[3], (person[4] or self.today) - DAY)
            length = datetime.timedelta(days=max(5, int(hours / 5)))
            ends = starts + length
            if ends > self.today:
                outcome, ends = TrainingOutcome.ONGOING, None
            else:
                outcome = rng.choice(
                    (TrainingOutcome.COMPLETED, TrainingOutcome.COMPLETED,
                     TrainingOutcome.CERTIFIED if qualifying else TrainingOutcome.COMPLETED,
                     TrainingOutcome.DROPPED)
                )  # fmt: skip
            self.add_training(person, title, qualifying, hours, starts, ends, outcome)
        for _index in range(self.sizes.workshops - len(self.workshops)):
            person = rng.choice(people)
            day = self.day_between(person[3], person[4] or self.today)
            kind = rng.choice((WorkshopKind.CV, WorkshopKind.CV, WorkshopKind.INTERVIEW,
                               WorkshopKind.OTHER))  # fmt: skip
            self.add_workshop(person, kind, day, rng.random() < 0.8)

    def write(self) -> None:
        insert_rows(
            Employer,
            ("id", "organisation_id", "name", "kind", "commune_id", "partner_id", "contact",
             "created_at", "updated_at"),
            self.employers,
        )  # fmt: skip
        insert_rows(
            JobOffer,
            ("id", "organisation_id", "employer_id", "title", "place", "commune_id",
             "contract_type", "weekly_hours", "published_on", "starts_on", "ends_on",
             "min_french_level", "driving_licence", "requirements", "status", "created_by_id",
             "created_at", "updated_at", "version"),
            self.offers,
        )  # fmt: skip
        insert_rows(
            Candidacy,
            ("id", "organisation_id", "offer_id", "person_id", "status", "reason",
             "proposed_on", "changed_on", "proposed_by_id", "created_at", "updated_at",
             "version"),
            self.candidacies,
        )  # fmt: skip
        insert_rows(
            CandidacyChange,
            ("candidacy_id", "status", "previous", "reason", "on", "by_id", "at"),
            self.changes,
        )
        insert_rows(
            Contract,
            ("id", "organisation_id", "person_id", "employer_id", "candidacy_id",
             "contract_type", "job_title", "starts_on", "planned_end", "ended_on",
             "weekly_hours", "pass_iae_number", "pass_iae_start", "pass_iae_end",
             "created_by_id", "created_at", "updated_at", "version"),
            self.contracts,
        )  # fmt: skip
        insert_rows(
            Training,
            ("organisation_id", "person_id", "title", "qualifying", "provider_id",
             "provider_name", "starts_on", "ends_on", "hours", "outcome", "created_by_id",
             "created_at", "updated_at"),
            self.trainings,
        )  # fmt: skip
        insert_rows(
            Workshop,
            ("organisation_id", "person_id", "kind", "title", "held_on", "attended",
             "created_by_id", "created_at"),
            self.workshops,
        )  # fmt: skip
        reset_sequences(
            Employer, JobOffer, Candidacy, CandidacyChange, Contract, Training, Workshop
        )
        self.counts.update(
            {
                "employeurs": len(self.employers),
                "offres d'emploi": len(self.offers),
                "candidatures": len(self.candidacies),
                "contrats de travail": len(self.contracts),
                "formations": len(self.trainings),
                "ateliers vers l'emploi": len(self.workshops),
            }
        )
