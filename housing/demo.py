"""Demo step (order 38): evacuations, shelter offers, placements along the ladder, SIAO and
social-housing applications for `manage.py seed_demo` (see mia.demo).

Read from the database (households, their stays and members), written with mia.demo.insert_rows
(COPY on PostgreSQL), ids numbered here so that placements point at their offers without
reading anything back. What the services would check holds: placements of a household follow
one another without overlapping, answers come after their offers, a site evacuated in the
demo's data has its evacuation carried out on its closing day.

- Each site of ACINA evacuated (court decision or order) has its evacuation carried out on its
  closing day, and a board: the households whose stay ended that day, their wishes and offers;
  those who accepted entered the shelter that day and went on along the ladder.
- The open site with the most households has an evacuation announced (expected in twelve days)
  whose board is half filled: coordination@demo.mia sees it on her phone.
- Other households without a site were placed along the ladder after they entered.
- National scale: two open sites are brought to 85 households or more (households of other open
  sites moved there), both with an evacuation announced."""

import datetime
from collections import defaultdict

from beneficiaries.models import Household, HouseholdStay, Person, Relationship, Site, SiteStatus
from housing.models import (
    Answer,
    ApplicationStatus,
    DiagnosticStatus,
    Evacuation,
    EvacuationBasis,
    EvacuationHousehold,
    HousingRecourse,
    Placement,
    PlacementType,
    RecourseDecision,
    RecourseKind,
    RefusalReason,
    ShelterOffer,
    SiaoRequest,
    SiaoStatus,
    SocialHousingApplication,
    Wish,
)
from mia.demo import DemoContext, insert_rows, next_id, reset_sequences

T = PlacementType
TEMPORARY = [(T.HOTEL_115, 60), (T.CHU, 40)]
LASTING = [
    (T.CHRS, 25),
    (T.ALT, 10),
    (T.SOCIAL_RESIDENCE, 15),
    (T.INTERMEDIATION, 20),
    (T.FAMILY_BOARDING, 5),
    (T.SUPPORT_SPACE, 15),
    (T.INSERTION_GROUND, 10),
]
PERMANENT = [(T.SOCIAL_LEASE, 80), (T.PRIVATE_LEASE, 20)]
PLACES = {
    T.HOTEL_115: [
        "Hôtel Le Relais, Bobigny",
        "Hôtel du Canal, Aubervilliers",
        "Hôtel Bellevue, Créteil",
    ],
    T.CHU: ["CHU Les Lilas", "CHU de Saint-Ouen", "CHU de Nanterre"],
    T.CHRS: ["CHRS La Passerelle", "CHRS Le Phare"],
    T.ALT: ["Logement ALT, Montreuil", "Logement ALT, Ivry-sur-Seine"],
    T.SOCIAL_RESIDENCE: ["Résidence sociale Adoma, Bondy", "Résidence sociale, Vitry-sur-Seine"],
    T.INTERMEDIATION: ["Solibail", "Louez solidaire"],
    T.FAMILY_BOARDING: ["Pension de famille Les Tilleuls"],
    T.SUPPORT_SPACE: ["Espace temporaire d'insertion de Saint-Denis", "ETI de Champigny"],
    T.INSERTION_GROUND: ["Terrain d'insertion de Bagnolet"],
    T.SOCIAL_LEASE: [
        "Seine-Saint-Denis Habitat",
        "Paris Habitat",
        "Valophis",
        "Hauts-de-Seine Habitat",
    ],
    T.PRIVATE_LEASE: ["Bail privé, Saint-Denis", "Bail privé, Argenteuil"],
}
BIG_SITE_HOUSEHOLDS = 85


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.rng = context.rng
        self.today = context.today
        self.coordinator = context.users["coordination@demo.mia"]
        self.organisation = context.organisations["acina"]
        self.ids = {
            model: next_id(model)
            for model in (
                Evacuation,
                EvacuationHousehold,
                ShelterOffer,
                Placement,
                SiaoRequest,
                SocialHousingApplication,
                HousingRecourse,
            )
        }
        self.rows: dict[type, list[tuple]] = defaultdict(list)
        self.placed: set[int] = set()

    def next(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    # --- Reading ------------------------------------------------------------------------------

    def load(self) -> None:
        organisation_id = self.organisation.pk
        self.households = dict(
            Household.objects.filter(organisation_id=organisation_id).values_list("pk", "site_id")
        )
        self.entered: dict[int, datetime.date] = {}
        self.head: dict[int, int] = {}
        for household_id, pk, relationship, entered_on in (
            Person.objects.filter(organisation_id=organisation_id, household__isnull=False)
            .order_by("pk")
            .values_list("household_id", "pk", "relationship", "entered_on")
        ):
            if household_id not in self.entered or entered_on < self.entered[household_id]:
                self.entered[household_id] = entered_on
            if relationship == Relationship.HEAD or household_id not in self.head:
                self.head.setdefault(household_id, pk)
                if relationship == Relationship.HEAD:
                    self.head[household_id] = pk
        self.stays = list(
            HouseholdStay.objects.filter(household__organisation_id=organisation_id).values_list(
                "household_id", "site_id", "started_on", "ended_on"
            )
        )
        self.sites = list(
            Site.objects.filter(organisation_id=organisation_id)
            .order_by("pk")
            .values_list("pk", "status", "closed_on")
        )

    def grow_big_sites(self) -> list[int]:
        """National scale: two open sites with 85 households or more, households of other open
        sites moved there (their current stay's site with them)."""
        on_site: dict[int, list[int]] = defaultdict(list)
        for household_id, site_id in self.households.items():
            if site_id is not None:
                on_site[site_id].append(household_id)
        open_sites = [pk for pk, status, _closed in self.sites if status == SiteStatus.OPEN]
        ranked = sorted(open_sites, key=lambda pk: (-len(on_site[pk]), pk))
        targets, donors = ranked[:2], ranked[2:]
        pool = [household for pk in donors for household in on_site[pk]]
        self.rng.shuffle(pool)
        for target in targets:
            missing = max(BIG_SITE_HOUSEHOLDS + self.rng.randint(0, 10) - len(on_site[target]), 0)
            moved, pool = pool[:missing], pool[missing:]
            Household.objects.filter(pk__in=moved).update(site_id=target)
            HouseholdStay.objects.filter(household_id__in=moved, ended_on__isnull=True).update(
                site_id=target
            )
            for household_id in moved:
                self.households[household_id] = target
        self.stays = [
            (h, self.households[h] if end is None and self.households[h] else s, start, end)
            for h, s, start, end in self.stays
        ]
        return targets

    # --- Writing ------------------------------------------------------------------------------

    def evacuation(self, site_id, *, basis, decided_on, expected_on, diagnostic, carried_out_on):
        pk = self.next(Evacuation)
        status, diagnostic_on = diagnostic
        self.rows[Evacuation].append(
            (
                pk,
                self.organisation.pk,
                site_id,
                basis,
                decided_on,
                expected_on,
                status,
                diagnostic_on,
                self.coordinator.pk if status != DiagnosticStatus.NOT_PLANNED else None,
                carried_out_on,
                self.coordinator.pk,
                self.now,
                self.now,
                1,
            )
        )
        return pk

    def wish(self, evacuation_id, household_id, wish) -> None:
        self.rows[EvacuationHousehold].append(
            (
                self.next(EvacuationHousehold),
                evacuation_id,
                household_id,
                wish,
                self.coordinator.pk,
                self.now,
            )
        )

    def offer(self, evacuation_id, household_id, type_, offered_on, answer, answered_on, reason=""):
        pk = self.next(ShelterOffer)
        self.rows[ShelterOffer].append(
            (
                pk,
                self.organisation.pk,
                evacuation_id,
                household_id,
                type_,
                self.rng.choice(PLACES[type_]),
                offered_on,
                answer,
                answered_on,
                reason,
                self.coordinator.pk,
                self.now,
                self.now,
                1,
            )
        )
        return pk

    def ladder(self, household_id, start: datetime.date, *, first=None, offer_id=None) -> None:
        """Placements one after another from `start`: a shelter first, then often a lasting
        one, sometimes a lease; the last one still going on if it has not ended by today."""
        rng = self.rng
        steps = [first or self.weighted(TEMPORARY)]
        if rng.random() < 0.6:
            steps.append(self.weighted(LASTING))
            if rng.random() < 0.45:
                steps.append(self.weighted(PERMANENT))
        elif rng.random() < 0.15:
            steps.append(self.weighted(PERMANENT))
        day = start
        for index, type_ in enumerate(steps):
            if day > self.today:
                break
            last = index == len(steps) - 1 or type_ in (T.SOCIAL_LEASE, T.PRIVATE_LEASE)
            length = {True: 0}.get(last, rng.randint(30, 420))
            end = None if last else day + datetime.timedelta(days=length)
            if end is not None and end >= self.today:
                end = None
            self.rows[Placement].append(
                (
                    self.next(Placement),
                    self.organisation.pk,
                    household_id,
                    type_,
                    rng.choice(PLACES[type_]),
                    day,
                    end,
                    offer_id if index == 0 else None,
                    self.coordinator.pk,
                    self.now,
                    self.now,
                    1,
                )
            )
            self.placed.add(household_id)
            if end is None:
                break
            day = end

    # --- The story ----------------------------------------------------------------------------

    def run(self) -> None:
        self.now = datetime.datetime.combine(self.today, datetime.time(9), tzinfo=datetime.UTC)
        self.load()
        big = self.grow_big_sites() if self.context.scale == "national" else []
        self.evacuated_sites()
        self.announced(big)
        self.elsewhere()
        self.applications()
        self.save()

    def evacuated_sites(self) -> None:
        left: dict[tuple[int, datetime.date], list[int]] = defaultdict(list)
        for household_id, site_id, _start, end in self.stays:
            if end is not None:
                left[site_id, end].append(household_id)
        evacuated = {
            SiteStatus.EVACUATED_COURT: EvacuationBasis.COURT,
            SiteStatus.EVACUATED_ORDER: EvacuationBasis.ORDER,
        }
        rng = self.rng
        for site_id, status, closed_on in self.sites:
            if status not in evacuated or closed_on is None:
                continue
            decided = closed_on - datetime.timedelta(days=rng.randint(30, 150))
            evacuation = self.evacuation(
                site_id,
                basis=evacuated[status],
                decided_on=decided,
                expected_on=closed_on,
                diagnostic=(DiagnosticStatus.DONE, decided + datetime.timedelta(days=10)),
                carried_out_on=closed_on,
            )
            for household_id in left[site_id, closed_on]:
                sheltered = self.households.get(household_id, 0) is None
                wish = self.weighted([(Wish.YES, 80), (Wish.NO, 12), (Wish.UNKNOWN, 8)])
                self.wish(evacuation, household_id, wish)
                if wish != Wish.YES:
                    continue
                offered = closed_on - datetime.timedelta(days=rng.randint(0, 10))
                first = self.weighted(TEMPORARY)
                if not sheltered or rng.random() < 0.15:
                    reason = (
                        RefusalReason.STAYS
                        if not sheltered
                        else self.weighted(
                            [
                                (RefusalReason.TOO_FAR, 50),
                                (RefusalReason.FAMILY_SPLIT, 30),
                                (RefusalReason.TOO_SHORT, 20),
                            ]
                        )
                    )
                    self.offer(
                        evacuation, household_id, first, offered, Answer.REFUSED, offered, reason
                    )
                    if not sheltered:
                        continue
                    offered = closed_on
                offer = self.offer(
                    evacuation, household_id, first, offered, Answer.ACCEPTED, closed_on
                )
                self.ladder(household_id, closed_on, first=first, offer_id=offer)

    def announced(self, big: list[int]) -> None:
        """Boards half filled, for the day of the evacuation."""
        rng = self.rng
        on_site: dict[int, list[int]] = defaultdict(list)
        for household_id, site_id in sorted(self.households.items()):
            if site_id is not None:
                on_site[site_id].append(household_id)
        open_sites = [pk for pk, status, _closed in self.sites if status == SiteStatus.OPEN]
        if not open_sites:
            return
        showcase = max(open_sites, key=lambda pk: (len(on_site[pk]), -pk))
        self.showcase = showcase
        for site_id in dict.fromkeys([showcase, *big]):
            decided = self.today - datetime.timedelta(days=25)
            evacuation = self.evacuation(
                site_id,
                basis=EvacuationBasis.COURT,
                decided_on=decided,
                expected_on=self.today + datetime.timedelta(days=12),
                diagnostic=(DiagnosticStatus.DONE, self.today - datetime.timedelta(days=8)),
                carried_out_on=None,
            )
            for index, household_id in enumerate(on_site[site_id]):
                if index % 5 == 4:
                    continue  # not met yet: no wish recorded
                wish = Wish.NO if index % 7 == 3 else Wish.YES
                self.wish(evacuation, household_id, wish)
                if wish != Wish.YES:
                    continue
                kind = index % 4
                offered = self.today - datetime.timedelta(days=rng.randint(2, 10))
                type_ = self.weighted(TEMPORARY)
                if kind == 0:
                    self.offer(evacuation, household_id, type_, offered, Answer.ACCEPTED, offered)
                elif kind == 1:
                    self.offer(
                        evacuation,
                        household_id,
                        type_,
                        offered,
                        Answer.REFUSED,
                        offered,
                        RefusalReason.TOO_FAR,
                    )
                    if index % 3 == 0:
                        self.offer(
                            evacuation, household_id, T.CHU, self.today, Answer.PENDING, None
                        )
                elif kind == 2:
                    self.offer(evacuation, household_id, type_, offered, Answer.PENDING, None)
                # kind 3: no offer yet

    def elsewhere(self) -> None:
        """Households no longer on a site, not placed after an evacuation: many went through
        shelters after they entered the programme."""
        for household_id, site_id in sorted(self.households.items()):
            if site_id is not None or household_id in self.placed:
                continue
            entered = self.entered.get(household_id)
            if entered is None or self.rng.random() > 0.55:
                continue
            start = entered + datetime.timedelta(days=self.rng.randint(20, 400))
            self.ladder(household_id, min(start, self.today))

    def applications(self) -> None:
        rng = self.rng
        for household_id in sorted(self.households):
            entered = self.entered.get(household_id)
            if entered is None:
                continue
            placed = household_id in self.placed
            if placed and rng.random() < 0.6:
                self.rows[SiaoRequest].append(
                    (
                        self.next(SiaoRequest),
                        self.organisation.pk,
                        household_id,
                        f"SIAO-{rng.randint(100000, 999999)}",
                        self.day_between(entered, self.today),
                        self.weighted(
                            [
                                (SiaoStatus.FILED, 30),
                                (SiaoStatus.ORIENTED, 30),
                                (SiaoStatus.SHELTERED, 40),
                            ]
                        ),
                        self.coordinator.pk,
                        self.now,
                        self.now,
                        1,
                    )
                )
            if rng.random() < (0.45 if placed else 0.15):
                filed = self.day_between(entered, self.today)
                renewed = None
                if (self.today - filed).days > 365:
                    renewed = filed + datetime.timedelta(
                        days=365 * ((self.today - filed).days // 365) - rng.randint(0, 20)
                    )
                status = self.weighted(
                    [
                        (ApplicationStatus.ACTIVE, 85),
                        (ApplicationStatus.LAPSED, 10),
                        (ApplicationStatus.WITHDRAWN, 5),
                    ]
                )
                self.rows[SocialHousingApplication].append(
                    (
                        self.next(SocialHousingApplication),
                        self.organisation.pk,
                        household_id,
                        self.head.get(household_id),
                        self.number(filed),
                        filed,
                        renewed,
                        status,
                        self.coordinator.pk,
                        self.now,
                        self.now,
                        1,
                    )
                )
                if rng.random() < 0.12:
                    recourse_on = self.day_between(filed, self.today)
                    decided = recourse_on + datetime.timedelta(days=rng.randint(60, 180))
                    decision = RecourseDecision.PENDING
                    if decided <= self.today:
                        decision = self.weighted(
                            [(RecourseDecision.PRIORITY, 60), (RecourseDecision.REJECTED, 40)]
                        )
                    self.rows[HousingRecourse].append(
                        (
                            self.next(HousingRecourse),
                            self.organisation.pk,
                            household_id,
                            self.weighted([(RecourseKind.DALO, 70), (RecourseKind.DAHO, 30)]),
                            recourse_on,
                            decision,
                            decided if decision != RecourseDecision.PENDING else None,
                            decided + datetime.timedelta(days=180)
                            if decision == RecourseDecision.PRIORITY
                            else None,
                            self.coordinator.pk,
                            self.now,
                            self.now,
                            1,
                        )
                    )

    def number(self, filed: datetime.date) -> str:
        """A numéro unique as the national system gives them: département, year, a serial."""
        departement = self.rng.choice(["092", "093", "094"])
        return f"{departement}{filed.year % 100:02d}{self.rng.randint(0, 9_999_999):07d}"

    def save(self) -> None:
        fields = {
            Evacuation: (
                "id",
                "organisation_id",
                "site_id",
                "basis",
                "decided_on",
                "expected_on",
                "diagnostic_status",
                "diagnostic_on",
                "diagnostic_user_id",
                "carried_out_on",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ),
            EvacuationHousehold: (
                "id",
                "evacuation_id",
                "household_id",
                "wish",
                "updated_by_id",
                "updated_at",
            ),
            ShelterOffer: (
                "id",
                "organisation_id",
                "evacuation_id",
                "household_id",
                "type",
                "place",
                "offered_on",
                "answer",
                "answered_on",
                "refusal_reason",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ),
            Placement: (
                "id",
                "organisation_id",
                "household_id",
                "type",
                "place",
                "started_on",
                "ended_on",
                "offer_id",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ),
            SiaoRequest: (
                "id",
                "organisation_id",
                "household_id",
                "reference",
                "filed_on",
                "status",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ),
            SocialHousingApplication: (
                "id",
                "organisation_id",
                "household_id",
                "applicant_id",
                "number",
                "filed_on",
                "renewed_on",
                "status",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ),
            HousingRecourse: (
                "id",
                "organisation_id",
                "household_id",
                "kind",
                "filed_on",
                "decision",
                "decided_on",
                "deadline",
                "created_by_id",
                "created_at",
                "updated_at",
                "version",
            ),
        }
        for model, names in fields.items():
            insert_rows(model, names, self.rows[model])
        reset_sequences(*fields)
        self.context.counts.update(
            {
                "évacuations": len(self.rows[Evacuation]),
                "propositions d'hébergement": len(self.rows[ShelterOffer]),
                "hébergements et logements": len(self.rows[Placement]),
                "demandes de logement social": len(self.rows[SocialHousingApplication]),
            }
        )


def evacuations_and_placements(context: DemoContext) -> None:
    builder = _Builder(context)
    builder.run()
    if getattr(builder, "showcase", None):
        context.describe(
            "coordination@demo.mia",
            f"le tableau d'une évacuation annoncée (Évacuations, lieu n° {builder.showcase})",
        )
