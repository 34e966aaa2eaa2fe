"""Demo step: sites, households and people for `manage.py seed_demo` (see mia.demo).

Every name is drawn from the lists below and combined at random: no real person's data. Rows are
written with bulk_create (national scale: 25,000 people) rather than through
beneficiaries.services, so this module fills in what Person.save(), Household.save() and the
services would: derived search columns, and one Enrolment per period in the programme."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from beneficiaries import services
from beneficiaries.models import (
    ClosedReason,
    Commune,
    CourtDecision,
    ElectricityAccess,
    Enrolment,
    ExitReason,
    Household,
    HouseholdStay,
    Language,
    Nationality,
    OwnerKind,
    Person,
    PoliceAssistance,
    ReferentAssignment,
    Relationship,
    Sex,
    Site,
    SiteKind,
    SiteLegalProcedure,
    SitePopulation,
    SiteStatus,
    SocialDiagnostic,
    ToiletsAccess,
    WasteEvacuation,
    WaterAccess,
)
from mia.demo import DemoContext
from mia.models import OrganisationKind
from mia.text import fold


@dataclass(frozen=True)
class Sizes:
    sites: int
    households: int
    persons: int
    horizon_sites: int
    horizon_households: int
    horizon_persons: int


SIZES = {
    "small": Sizes(12, 60, 200, 2, 5, 16),
    "national": Sizes(600, 9_000, 25_000, 8, 70, 230),
}
BATCH = 2_000
PROGRAMME_START = datetime.date(2019, 1, 1)

# --- Names ---------------------------------------------------------------------------------------
# Romanian names are written with the comma-below letters (ș ț); some records get the cedilla
# letters (ş ţ) that older keyboards produce, as field workers meet both.

ROMANIAN_WOMEN = [
    "Maria", "Elena", "Ioana", "Ana", "Mihaela", "Andreea", "Cristina", "Daniela", "Florentina",
    "Gabriela", "Georgiana", "Ionela", "Larisa", "Loredana", "Mădălina", "Nicoleta", "Roxana",
    "Simona", "Ștefania", "Teodora", "Viorica", "Anișoara", "Lăcrămioara", "Cătălina",
    "Luminița", "Brândușa", "Mirela", "Rodica", "Florica", "Bianca",
]  # fmt: skip
ROMANIAN_MEN = [
    "Ion", "Gheorghe", "Vasile", "Constantin", "Nicolae", "Dumitru", "Mihai", "Andrei",
    "Alexandru", "Florin", "Marian", "Ionuț", "Cătălin", "Costel", "Daniel", "Adrian", "Cristian",
    "Bogdan", "Sorin", "Viorel", "Ștefan", "Răzvan", "Remus", "Marius", "Petrică", "Gigel",
    "Fănel", "Dănuț", "Tudor", "Sandu",
]  # fmt: skip
ROMANIAN_LAST_NAMES = [
    "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
    "Ciobanu", "Rusu", "Munteanu", "Constantin", "Marin", "Moldovan", "Ștefănescu", "Lungu",
    "Dinu", "Tănase", "Neagu", "Preda", "Toma", "Sârbu", "Bălan", "Pârvu", "Dobre", "Țurcanu",
    "Ursu", "Voicu", "Niță", "Oprea", "Florea", "Enache", "Mocanu", "Manole", "Ardeleanu",
    "Bucur", "Căldăraru", "Lăutaru", "Rădulescu", "Vlădescu", "Mănescu", "Șerban", "Vișan",
    "Cozma", "Grigore", "Lupu", "Nistor", "Anghel", "Iordache", "Zamfir", "Dragomir",
    "Bărbulescu", "Stănescu", "Cârstea", "Mureșan", "Stoian", "Badea", "Țăranu",
]  # fmt: skip
# Spellings of the old orthography (î for â) that still appear on documents.
ROMANIAN_VARIANTS = {"Sârbu": "Sîrbu", "Pârvu": "Pîrvu", "Cârstea": "Cîrstea"}

# Bulgarian names: (Latin transliteration, Cyrillic).
BULGARIAN_WOMEN = [
    ("Maria", "Мария"), ("Ivanka", "Иванка"), ("Elena", "Елена"), ("Yordanka", "Йорданка"),
    ("Stefka", "Стефка"), ("Gergana", "Гергана"), ("Desislava", "Десислава"), ("Radka", "Радка"),
    ("Tsvetanka", "Цветанка"), ("Snezhana", "Снежана"), ("Galina", "Галина"),
    ("Vesela", "Весела"), ("Daniela", "Даниела"), ("Nadezhda", "Надежда"), ("Petya", "Петя"),
    ("Rositsa", "Росица"), ("Silviya", "Силвия"), ("Teodora", "Теодора"), ("Zhivka", "Живка"),
    ("Kalina", "Калина"), ("Milena", "Милена"), ("Emilia", "Емилия"), ("Svetla", "Светла"),
    ("Katya", "Катя"), ("Nikolina", "Николина"), ("Anelia", "Анелия"), ("Raya", "Рая"),
    ("Bilyana", "Биляна"), ("Dimitrina", "Димитрина"), ("Violeta", "Виолета"),
]  # fmt: skip
BULGARIAN_MEN = [
    ("Georgi", "Георги"), ("Ivan", "Иван"), ("Dimitar", "Димитър"), ("Nikolay", "Николай"),
    ("Petar", "Петър"), ("Hristo", "Христо"), ("Stefan", "Стефан"), ("Todor", "Тодор"),
    ("Yordan", "Йордан"), ("Stoyan", "Стоян"), ("Angel", "Ангел"), ("Vasil", "Васил"),
    ("Atanas", "Атанас"), ("Krasimir", "Красимир"), ("Plamen", "Пламен"), ("Asen", "Асен"),
    ("Kiril", "Кирил"), ("Lyubomir", "Любомир"), ("Martin", "Мартин"), ("Emil", "Емил"),
    ("Boyan", "Боян"), ("Tsvetan", "Цветан"), ("Valentin", "Валентин"), ("Zhivko", "Живко"),
    ("Mitko", "Митко"), ("Rumen", "Румен"), ("Dancho", "Данчо"), ("Bozhidar", "Божидар"),
    ("Kaloyan", "Калоян"), ("Anton", "Антон"),
]  # fmt: skip
# Masculine forms; the feminine adds -a (Petrov, Petrova).
BULGARIAN_LAST_NAMES = [
    ("Petrov", "Петров"), ("Ivanov", "Иванов"), ("Georgiev", "Георгиев"),
    ("Dimitrov", "Димитров"), ("Nikolov", "Николов"), ("Stoyanov", "Стоянов"),
    ("Hristov", "Христов"), ("Todorov", "Тодоров"), ("Yordanov", "Йорданов"), ("Kolev", "Колев"),
    ("Angelov", "Ангелов"), ("Atanasov", "Атанасов"), ("Iliev", "Илиев"), ("Marinov", "Маринов"),
    ("Kostov", "Костов"), ("Petkov", "Петков"), ("Stefanov", "Стефанов"), ("Popov", "Попов"),
    ("Mihaylov", "Михайлов"), ("Yankov", "Янков"), ("Vasilev", "Василев"),
    ("Aleksandrov", "Александров"), ("Mitev", "Митев"), ("Radev", "Радев"),
    ("Tsvetkov", "Цветков"), ("Zhelev", "Желев"), ("Kirov", "Киров"), ("Slavov", "Славов"),
    ("Lazarov", "Лазаров"), ("Asenov", "Асенов"), ("Borisov", "Борисов"),
    ("Hadzhiev", "Хаджиев"), ("Mladenov", "Младенов"), ("Kostadinov", "Костадинов"),
    ("Stanchev", "Станчев"), ("Pavlov", "Павлов"), ("Blagoev", "Благоев"), ("Zlatev", "Златев"),
    ("Denev", "Денев"), ("Simeonov", "Симеонов"), ("Tonchev", "Тончев"), ("Rusev", "Русев"),
    ("Grozev", "Грозев"), ("Kamenov", "Каменов"), ("Dochev", "Дочев"), ("Ganchev", "Ганчев"),
    ("Raykov", "Райков"), ("Nedelchev", "Неделчев"), ("Yosifov", "Йосифов"),
    ("Kirilov", "Кирилов"), ("Velikov", "Великов"), ("Bogdanov", "Богданов"),
    ("Filipov", "Филипов"), ("Manolov", "Манолов"), ("Chakarov", "Чакъров"),
    ("Sabev", "Сабев"), ("Ahmedov", "Ахмедов"), ("Mehmedov", "Мехмедов"), ("Aliev", "Алиев"),
    ("Dragnev", "Драгнев"),
]  # fmt: skip
# The French administration's transliterations, another spelling the search must find.
BULGARIAN_VARIANTS = {
    "Georgiev": "Gueorguiev", "Yordanov": "Iordanov", "Hristov": "Khristov",
    "Stoyanov": "Stoianov", "Mihaylov": "Mikhailov", "Zhelev": "Jelev", "Yankov": "Iankov",
    "Raykov": "Raikov", "Yosifov": "Iossifov", "Hadzhiev": "Hadjiev",
}  # fmt: skip

FRENCH_WOMEN = [
    "Léa", "Chloé", "Zoé", "Inès", "Maëlys", "Anaïs", "Noémie", "Hélène", "Célia", "Océane",
    "Mélissa", "Émilie", "Clémence", "Élodie", "Jade", "Camille", "Manon", "Sarah", "Lucie",
    "Laura", "Julie", "Marion", "Aurélie", "Gaëlle", "Lola", "Louise", "Juliette", "Nadège",
    "Solène", "Rosalie",
]  # fmt: skip
FRENCH_MEN = [
    "Léo", "Théo", "Noé", "Jérôme", "Rémi", "François", "Benoît", "Gaël", "Loïc", "Mathéo",
    "Raphaël", "Hugo", "Lucas", "Nathan", "Enzo", "Maxime", "Thomas", "Julien", "Kévin",
    "Jérémy", "Cédric", "Sébastien", "Frédéric", "Stéphane", "Anthony", "Mickaël", "Yannick",
    "Damien", "Adrien", "Bastien",
]  # fmt: skip
FRENCH_LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
    "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont",
    "Fontaine", "Chevalier", "Robin", "Masson", "Gérard", "Boyer", "Denis", "Lemaire", "Duval",
    "Joly", "Hébert", "Bénard", "Frémont", "Lécuyer", "Lebœuf", "Ménard",
]  # fmt: skip

CEDILLA = str.maketrans({"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ"})

# --- Places --------------------------------------------------------------------------------------

SITE_PLACES = [
    "du Canal", "des Acacias", "de la Briqueterie", "du Pont-Blanc", "des Peupliers",
    "de la Voie ferrée", "du Fort", "des Glaisières", "de l'Échangeur", "des Maraîchers",
    "du Chemin vert", "de la Gare de triage", "des Tilleuls", "du Parc des sports",
    "de la Friche", "des Sablons", "du Moulin", "de la Noue", "des Vignes", "du Bassin",
    "de la Plaine", "des Carrières", "du Viaduc", "de l'Ancienne usine", "des Jardins",
    "de la Digue", "du Rond-point", "des Entrepôts", "de la Butte", "du Marché",
    "des Lilas", "de la Prairie", "du Talus", "des Bords de Marne", "des Bords de Seine",
    "de la Zone d'activités", "du Stade", "des Cheminots", "de la Cité", "du Dépôt",
]  # fmt: skip
STREETS = [
    "rue de la République", "avenue Jean-Jaurès", "chemin des Postes", "rue du Port",
    "quai de Seine", "avenue de Stalingrad", "rue des Fontaines", "allée des Saules",
    "boulevard de la Libération", "rue de l'Industrie", "chemin latéral", "impasse des Ateliers",
    "rue Pasteur", "avenue Gambetta", "rue Victor-Hugo", "quai du Canal",
]  # fmt: skip
SITE_KINDS = [
    (SiteKind.SLUM, 50),
    (SiteKind.SQUAT, 30),
    (SiteKind.CAMP, 12),
    (SiteKind.INSERTION_GROUND, 8),
]
OWNER_KINDS = [(OwnerKind.PUBLIC, 50), (OwnerKind.PRIVATE, 35), (OwnerKind.UNKNOWN, 15)]
CLOSED_STATUSES = [
    (SiteStatus.EVACUATED_COURT, 50),
    (SiteStatus.EVACUATED_ORDER, 35),
    (SiteStatus.CLOSED, 15),
]
# An open site's legal procedure: none known, a court procedure under way, an order, an
# eviction decided.
OPEN_PROCEDURES = [("none", 55), ("court", 25), ("order", 10), ("decided", 10)]
# Where each département's sites are drawn (latitude, longitude boxes well inside it, away from
# Paris's boundary): coordinates locate places, never people.
DEPARTEMENT_BOXES = {
    "92": ((48.88, 48.93), (2.20, 2.27)),
    "93": ((48.89, 48.95), (2.42, 2.55)),
    "94": ((48.76, 48.80), (2.40, 2.50)),
}
# Where the households of each département's sites mostly are: Seine-Saint-Denis first.
DEPARTEMENT_WEIGHT = {"92": 1.0, "93": 3.0, "94": 1.5}

# --- People --------------------------------------------------------------------------------------

HOUSEHOLD_SIZES = [(1, 22), (2, 20), (3, 20), (4, 17), (5, 10), (6, 6), (7, 3), (8, 2)]
LANGUAGE_GROUPS = [("ro", 75), ("bg", 20), ("fr", 5)]
HOUSEHOLD_EXITS = [
    (ExitReason.PERMANENT_HOUSING, 35),
    (ExitReason.MOVED_AWAY, 25),
    (ExitReason.RETURNED, 15),
    (ExitReason.LOST_CONTACT, 20),
    (ExitReason.OTHER, 5),
]
PERSON_EXITS = [(ExitReason.MOVED_AWAY, 40), (ExitReason.LOST_CONTACT, 40), (ExitReason.OTHER, 20)]
# These exits end the stay on the site; after a lost contact the last known site remains.
LEAVES_SITE = {ExitReason.PERMANENT_HOUSING, ExitReason.MOVED_AWAY, ExitReason.RETURNED}
# About one person in twenty left the programme once and came back (a second enrolment);
# households that entered early, and children born since, cannot have.
REENTRY_SHARE = 0.065
EARLIER_EXITS = [
    (ExitReason.LOST_CONTACT, 45),
    (ExitReason.RETURNED, 25),
    (ExitReason.MOVED_AWAY, 25),
    (ExitReason.OTHER, 5),
]


def people_and_places(context: DemoContext) -> None:
    sizes = SIZES[context.scale]
    communes = list(Commune.objects.filter(merged_into__isnull=True).order_by("insee"))
    coordinator = context.users["coordination@demo.mia"]
    horizon_worker = context.users["autre-asso@demo.mia"]
    builder = _Builder(context)
    builder.add_organisation(
        context.organisations["acina"],
        workers=context.social_workers["acina"],
        assigned_by=coordinator,
        communes=communes,
        sites=sizes.sites,
        households=sizes.households,
        persons=sizes.persons,
    )
    builder.add_organisation(
        context.organisations["horizon"],
        workers=context.social_workers["horizon"],
        assigned_by=horizon_worker,
        communes=[c for c in communes if c.departement == "94"],
        sites=sizes.horizon_sites,
        households=sizes.horizon_households,
        persons=sizes.horizon_persons,
    )
    builder.name_two_stefans(context.users["travailleur@demo.mia"])
    # After every other draw, so that adding re-entries left the rest of the data unchanged.
    builder.add_reentries()
    builder.save()

    context.created.update(
        sites=builder.sites,
        households=builder.households,
        persons=builder.persons,
        assignments=builder.assignments,
        enrolments=builder.enrolments,
    )
    context.counts.update(
        {
            "lieux de vie": len(builder.sites),
            "ménages": len(builder.households),
            "personnes": len(builder.persons),
        }
    )
    active = {}
    for person in builder.persons:
        if person.referent_id and not person.exited_on:
            active[person.referent_id] = active.get(person.referent_id, 0) + 1
    for email in ("travailleur@demo.mia", "travailleur2@demo.mia", "autre-asso@demo.mia"):
        context.describe(
            email, f"file active de {active.get(context.users[email].pk, 0)} personnes"
        )


def of_commune(name: str) -> str:
    """'Le Raincy' -> 'du Raincy', 'Les Lilas' -> 'des Lilas', 'Montreuil' -> 'de Montreuil'."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[0] in "AEIOUYÉÈÊÎ":
        return f"d'{name}"
    return f"de {name}"


class _Builder:
    """Builds every row in memory, then writes each table with bulk_create."""

    def __init__(self, context: DemoContext) -> None:
        self.rng = context.rng
        # The sites' record details (conditions, entries' breakdowns, legal procedures): their
        # own stream, so that the main one, which the people's files follow, is unchanged.
        self.detail = random.Random(f"sites-{context.scale}")
        self.today = context.today
        self.sites: list[Site] = []
        self.populations: list[SitePopulation] = []
        self.legal_procedures: list[SiteLegalProcedure] = []
        self.households: list[Household] = []
        self.stays: list[HouseholdStay] = []
        self.persons: list[Person] = []
        self.assignments: list[ReferentAssignment] = []
        self.enrolments: list[Enrolment] = []
        # Earlier periods of people who left and came back: {id(person): (entry, exit, reason)}.
        self.earlier: dict[int, tuple[datetime.date, datetime.date, str]] = {}
        self.romanian_men: list[Person] = []  # candidates for the Ștefan/Ştefan pair

    # -- helpers --

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def maybe(self, probability: float, value=True):
        """A living condition or detail that is often unknown in the field."""
        return None if self.rng.random() < 0.1 else (self.rng.random() < probability and value)

    # -- one organisation --

    def add_organisation(
        self, organisation, *, workers, assigned_by, communes, sites, households, persons
    ) -> None:
        org_sites = [self.make_site(organisation, communes, index) for index in range(sites)]
        open_sites = [s for s in org_sites if s.status == SiteStatus.OPEN]
        closed_sites = [s for s in org_sites if s.status != SiteStatus.OPEN]
        # A worker covers a few sites: most households on a site share that worker.
        shuffled = workers[:]
        self.rng.shuffle(shuffled)
        site_worker = {id(s): shuffled[i % len(shuffled)] for i, s in enumerate(open_sites)}
        site_weight = {id(s): self.rng.choice([1, 1, 2, 3, 5, 8]) for s in open_sites}
        weights = [site_weight[id(s)] for s in open_sites]

        people_on_site: dict[int, list[int]] = {id(s): [] for s in org_sites}  # per household
        for index, size in enumerate(self.household_sizes(households, persons)):
            site = self.rng.choices(open_sites, weights=weights)[0]
            if self.rng.random() < 0.05:
                site = None  # sheltered elsewhere or no known place
            worker = site_worker[id(site)] if site and self.rng.random() < 0.8 else None
            worker = worker or self.rng.choice(workers)
            people = self.add_household(
                organisation,
                size=size,
                site=site,
                closed_sites=closed_sites,
                open_sites=open_sites,
                # One household in 25 waits for a referent: the "to assign" list is never empty.
                worker=None if index % 25 == 12 else worker,
                workers=workers,
                assigned_by=assigned_by,
            )
            if site is not None and people:
                people_on_site[id(site)].append(people)
        # The most crowded open site: 80 households or more, for the evacuation board.
        largest = max(open_sites, key=lambda s: site_weight[id(s)]) if open_sites else None
        for site in org_sites:
            self.add_population(site, people_on_site[id(site)], large=site is largest)

    def household_sizes(self, households: int, persons: int) -> list[int]:
        """Sizes 1–8 that add up to exactly `persons`, so every scale has round totals."""
        sizes = [self.weighted(HOUSEHOLD_SIZES) for _ in range(households)]
        while sum(sizes) != persons:
            index = self.rng.randrange(households)
            if sum(sizes) > persons and sizes[index] > 1:
                sizes[index] -= 1
            elif sum(sizes) < persons and sizes[index] < 8:
                sizes[index] += 1
        return sizes

    def make_site(self, organisation, communes, index: int) -> Site:
        rng = self.rng
        commune = rng.choices(
            communes, weights=[DEPARTEMENT_WEIGHT[c.departement] for c in communes]
        )[0]
        kind = self.weighted(SITE_KINDS)
        # The first site stays open so that every organisation has households somewhere.
        is_open = index == 0 or kind == SiteKind.INSERTION_GROUND or rng.random() < 0.7
        opened_on = self.day_between(datetime.date(2008, 1, 1), datetime.date(2018, 12, 31))
        site = Site(
            organisation=organisation,
            name=self.site_name(organisation, kind, commune),
            kind=kind,
            address="" if rng.random() < 0.35 else f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            commune=commune,
            latitude=Decimal(f"{rng.uniform(*DEPARTEMENT_BOXES[commune.departement][0]):.5f}"),
            longitude=Decimal(f"{rng.uniform(*DEPARTEMENT_BOXES[commune.departement][1]):.5f}"),
            owner_kind=OwnerKind.PUBLIC
            if kind == SiteKind.INSERTION_GROUND
            else self.weighted(OWNER_KINDS),
            opened_on=None if rng.random() < 0.1 else opened_on,
            # Known before the programme started in 2019, so no stay predates it.
            known_since=self.day_between(
                opened_on, min(opened_on + datetime.timedelta(days=400), PROGRAMME_START)
            ),
        )
        # The main stream draws what it always drew (the people's draws follow it); the site
        # record's details come from `self.detail`, so that adding them changed no one's file.
        if kind == SiteKind.INSERTION_GROUND:
            known = dict.fromkeys(("water", "electricity", "toilets", "waste"), True)
        else:
            known = {
                "water": self.maybe(0.45 if kind == SiteKind.SQUAT else 0.25),
                "electricity": self.maybe(0.5 if kind == SiteKind.SQUAT else 0.2),
                "toilets": self.maybe(0.3),
                "waste": self.maybe(0.35),
            }
        self.set_conditions(site, kind, known)
        detail = self.detail
        if is_open:
            site.status = SiteStatus.OPEN
            procedure = (
                "none" if kind == SiteKind.INSERTION_GROUND else self.weighted(OPEN_PROCEDURES)
            )
            expected_on = None
            if procedure == "decided" or (procedure == "order" and rng.random() < 0.5):
                expected_on = self.today + datetime.timedelta(rng.randint(7, 120))
            self.add_legal_procedure(site, procedure, expected_on=expected_on)
        else:
            site.status = self.weighted(CLOSED_STATUSES)
            site.closed_on = self.day_between(
                datetime.date(2019, 3, 1), self.today - datetime.timedelta(days=14)
            )
            if site.status == SiteStatus.EVACUATED_COURT:
                self.add_legal_procedure(site, "decided", before=site.closed_on)
            elif site.status == SiteStatus.EVACUATED_ORDER:
                self.add_legal_procedure(site, "order", before=site.closed_on)
            elif detail.random() < 0.4:
                site.status = SiteStatus.RESORBED  # everyone got a solution
            else:
                site.closed_reason = detail.choices(
                    [ClosedReason.FIRE, ClosedReason.DEPARTURE, ClosedReason.OTHER],
                    weights=[40, 45, 15],
                )[0]
        if site.status == SiteStatus.RESORBED:
            site.social_diagnostic = SocialDiagnostic.DONE
        elif detail.random() < 0.5:
            site.social_diagnostic = detail.choice(
                [SocialDiagnostic.PLANNED, SocialDiagnostic.DONE, SocialDiagnostic.DONE]
            )
        if site.social_diagnostic == SocialDiagnostic.PLANNED:
            site.social_diagnostic_on = self.today + datetime.timedelta(detail.randint(5, 60))
        elif site.social_diagnostic == SocialDiagnostic.DONE:
            end = site.closed_on or self.today
            site.social_diagnostic_on = PROGRAMME_START + datetime.timedelta(
                detail.randint(0, (end - PROGRAMME_START).days)
            )
        self.sites.append(site)
        return site

    def set_conditions(self, site: Site, kind: str, known: dict) -> None:
        """The State platform's living conditions: `known` says, for water, electricity,
        toilets and waste, yes / no / unknown (None); the detail is drawn from it. An
        insertion ground is equipped."""
        detail = self.detail
        site.conditions_updated_on = self.today - datetime.timedelta(detail.randint(0, 365))
        if kind == SiteKind.INSERTION_GROUND:
            site.electricity, site.water_access = ElectricityAccess.REGULAR, WaterAccess.ON_SITE
            site.water_continuous = site.water_close = True
            site.toilets, site.waste_evacuation = ToiletsAccess.SUFFICIENT, WasteEvacuation.REGULAR
            site.pests, site.fire_diagnosis_done = False, True
            return

        def answer(value, *, none: str, partial: str, good: str, partial_share: float) -> str:
            if value is None:
                return ""
            if not value:
                return none
            return partial if detail.random() < partial_share else good

        site.electricity = answer(
            known["electricity"],
            none=ElectricityAccess.NONE,
            partial=ElectricityAccess.IRREGULAR,
            good=ElectricityAccess.REGULAR,
            partial_share=0.7,
        )
        site.water_access = answer(
            known["water"],
            none=WaterAccess.NONE,
            partial=WaterAccess.PUBLIC_POINT,
            good=WaterAccess.ON_SITE,
            partial_share=0.6,
        )
        if site.water_access and site.water_access != WaterAccess.NONE:
            site.water_continuous = detail.random() < 0.6
            site.water_close = detail.random() < 0.5
        site.toilets = answer(
            known["toilets"],
            none=ToiletsAccess.NONE,
            partial=ToiletsAccess.INSUFFICIENT,
            good=ToiletsAccess.SUFFICIENT,
            partial_share=0.6,
        )
        site.waste_evacuation = answer(
            known["waste"],
            none=WasteEvacuation.NONE,
            partial=WasteEvacuation.IRREGULAR,
            good=WasteEvacuation.REGULAR,
            partial_share=0.5,
        )
        site.pests = None if detail.random() < 0.1 else detail.random() < 0.55
        site.fire_diagnosis_done = None if detail.random() < 0.1 else detail.random() < 0.3

    def add_legal_procedure(
        self,
        site: Site,
        procedure: str,
        *,
        before: datetime.date | None = None,
        expected_on: datetime.date | None = None,
    ) -> None:
        """A complaint, then a court procedure or an order; closed sites' procedure ended in
        their evacuation. Only coordinators and managers read them."""
        if procedure == "none":
            return
        detail = self.detail
        end = before or self.today
        start = max(site.known_since, end - datetime.timedelta(900))
        complaint_on = start + datetime.timedelta(detail.randint(0, max(0, (end - start).days)))

        def after_complaint() -> datetime.date:
            return complaint_on + datetime.timedelta(
                detail.randint(0, max(0, (end - complaint_on).days))
            )

        legal = SiteLegalProcedure(
            site=site, complaint_on=complaint_on, evacuation_expected_on=expected_on
        )
        if procedure == "court":
            legal.court_decision = detail.choice(
                [CourtDecision.PENDING, CourtDecision.PENDING, CourtDecision.DELAY]
            )
        elif procedure == "decided":
            legal.court_decision = CourtDecision.EVICTION
            legal.police_assistance = (
                PoliceAssistance.GRANTED if before else detail.choice(list(PoliceAssistance.values))
            )
        elif procedure == "order":
            legal.evacuation_order_on = after_complaint()
            if detail.random() < 0.4:
                legal.insalubrity_order_on = legal.evacuation_order_on
        if legal.court_decision in (CourtDecision.EVICTION, CourtDecision.DELAY):
            legal.court_decision_on = after_complaint()
        self.legal_procedures.append(legal)

    def site_name(self, organisation, kind: str, commune: Commune) -> str:
        label = SiteKind(kind).label
        name = f"{label} {self.rng.choice(SITE_PLACES)}"
        taken = {s.name for s in self.sites if s.organisation is organisation}
        if name in taken:
            name = f"{name} ({commune.name})"
        number = 2
        base = name
        while name in taken:
            name = f"{base} n°{number}"
            number += 1
        return name

    def add_population(self, site: Site, households: list[int], *, large: bool = False) -> None:
        """2–4 population entries over time, as the State platform asks them (women, minors by
        age band, in school, dwellings); the latest is close to the people followed there, or,
        for a `large` site, of 80 households or more (an evacuation's hardest case)."""
        rng = self.rng
        followed = sum(households)
        end = site.closed_on or self.today
        start = min(site.known_since, end)
        dates = sorted({self.day_between(start, end) for _ in range(rng.randint(1, 4))})
        detail = self.detail
        # A site still open was counted lately (the team goes there each week): its latest
        # entry within the last five months, drawn from the detail stream.
        if site.closed_on is None and (end - dates[-1]).days > 150:
            latest = end - datetime.timedelta(detail.randint(7, 150))
            dates = sorted({*dates[:-1], max(latest, start)})
        # A second entry, from the detail stream, where the main one drew a single date:
        # before it when there is room, else after it.
        extra = None
        if len(dates) == 1:
            before, after = (dates[0] - start).days, (end - dates[0]).days
            if before > 0:
                extra = start + datetime.timedelta(detail.randint(0, before - 1))
            elif after > 0:
                extra = dates[0] + datetime.timedelta(detail.randint(1, after))
        main_last = dates[-1]
        for observed_on in sorted([*dates, *([extra] if extra else [])]):
            draw = detail if observed_on == extra else rng
            # Not everyone on a site is followed; a closed site's estimate is all we know.
            base = followed * draw.uniform(1.0, 1.6) if followed else draw.randint(10, 120)
            if observed_on != main_last:
                base *= draw.uniform(0.6, 1.3)
            if large:
                base = max(base, detail.randint(270, 340))
            people = max(3, round(base))
            entry = SitePopulation(
                site=site,
                observed_on=observed_on,
                people=people,
                households=max(1, round(people / 3.2)) if draw.random() < 0.7 or large else None,
            )
            if detail.random() < 0.8:
                entry.women = round(people * detail.uniform(0.42, 0.52))
                entry.minors = round(people * detail.uniform(0.3, 0.45))
                if detail.random() < 0.75:
                    # The bands add up to the minors (the State platform's age bands).
                    shares = [detail.uniform(0.5, 1.5) for _ in range(5)]
                    bands = [int(entry.minors * share / sum(shares)) for share in shares]
                    bands[2] += entry.minors - sum(bands)
                    (
                        entry.minors_0_3,
                        entry.minors_3_6,
                        entry.minors_6_12,
                        entry.minors_12_16,
                        entry.minors_16_18,
                    ) = bands
                entry.minors_in_school = round(entry.minors * detail.uniform(0.3, 0.8))
            if site.kind != SiteKind.SQUAT and detail.random() < 0.8:
                dwellings = max(1, round(people / detail.uniform(2.5, 4.0)))
                entry.huts = round(dwellings * detail.uniform(0.5, 0.9))
                entry.caravans = round((dwellings - entry.huts) * detail.uniform(0.3, 0.9))
                entry.tents = max(0, dwellings - entry.huts - entry.caravans)
                entry.cars = detail.randint(0, 3)
            self.populations.append(entry)

    # -- one household --

    def add_household(
        self, organisation, *, size, site, closed_sites, open_sites, worker, workers, assigned_by
    ) -> int:
        rng = self.rng
        group = self.weighted(LANGUAGE_GROUPS)
        entered_on = self.day_between(PROGRAMME_START, self.today - datetime.timedelta(days=7))
        exit_reason = self.weighted(HOUSEHOLD_EXITS) if rng.random() < 0.13 else ""
        exited_on = None
        if exit_reason and (self.today - entered_on).days > 60:
            exited_on = self.day_between(entered_on + datetime.timedelta(days=30), self.today)
        else:
            exit_reason = ""

        household = Household(organisation=organisation, site=site)
        self.households.append(household)
        self.add_stays(
            household, site, entered_on, exited_on, exit_reason, closed_sites, open_sites
        )

        referents = self.referent_history(worker, workers, entered_on)
        family = self.family_name(group)
        members = []
        for relationship, sex, age in self.composition(size):
            person = self.make_person(
                organisation,
                household=household,
                group=group,
                family=family,
                relationship=relationship,
                sex=sex,
                age=age,
                entered_on=entered_on,
            )
            if exited_on:
                person.exited_on = max(exited_on, person.entered_on)
                person.exit_reason = exit_reason
            elif age >= 16 and rng.random() < 0.03 and (self.today - person.entered_on).days > 60:
                person.exited_on = self.day_between(
                    person.entered_on + datetime.timedelta(days=30), self.today
                )
                person.exit_reason = self.weighted(PERSON_EXITS)
            self.assign(person, referents, assigned_by)
            members.append(person)
        household.name = f"Famille {members[0].last_name}"
        return 0 if exited_on and exit_reason in LEAVES_SITE else len(members)

    def add_stays(self, household, site, entered_on, exited_on, exit_reason, closed, open_sites):
        """Where the household lived: about a third moved once, often after an evacuation."""
        rng = self.rng
        left_on = exited_on if exit_reason in LEAVES_SITE else None
        latest = left_on or self.today
        moved_on = None
        previous = None
        if (site is None or rng.random() < 0.3) and (latest - entered_on).days > 90:
            evacuated = [
                s for s in closed if entered_on + datetime.timedelta(days=30) < s.closed_on < latest
            ]
            if evacuated and rng.random() < 0.7:
                previous = rng.choice(evacuated)
                moved_on = previous.closed_on
            else:
                others = [s for s in open_sites if s is not site]
                if others:
                    previous = rng.choice(others)
                    moved_on = self.day_between(
                        entered_on + datetime.timedelta(days=30),
                        latest - datetime.timedelta(days=1),
                    )
        if previous is not None:
            self.stays.append(
                HouseholdStay(
                    household=household, site=previous, started_on=entered_on, ended_on=moved_on
                )
            )
        if site is not None:
            self.stays.append(
                HouseholdStay(
                    household=household,
                    site=site,
                    started_on=moved_on or entered_on,
                    ended_on=left_on,
                )
            )
            if left_on:
                household.site = None

    def referent_history(self, worker, workers, entered_on):
        """[(referent, started_on, ended_on)] for the household's members, oldest first."""
        rng = self.rng
        changed_on = None
        if (self.today - entered_on).days > 90 and rng.random() < 0.25:
            changed_on = self.day_between(
                entered_on + datetime.timedelta(days=30), self.today - datetime.timedelta(days=30)
            )
        if worker is None:
            # Their referent left and nobody took over yet.
            return [(rng.choice(workers), entered_on, changed_on or self.today)]
        if changed_on is None or len(workers) < 2:
            return [(worker, entered_on, None)]
        previous = rng.choice([w for w in workers if w is not worker])
        return [(previous, entered_on, changed_on), (worker, changed_on, None)]

    def assign(self, person: Person, referents, assigned_by) -> None:
        person.referent = referents[-1][0] if referents[-1][2] is None else None
        for referent, started_on, ended_on in referents:
            started_on = max(started_on, person.entered_on)
            if ended_on is not None and ended_on < started_on:
                continue  # born after that referent's time
            person.created_by = person.created_by or referent
            self.assignments.append(
                ReferentAssignment(
                    person=person,
                    referent=referent,
                    started_on=started_on,
                    ended_on=ended_on,
                    assigned_by=assigned_by,
                )
            )

    def composition(self, size: int) -> list[tuple[str, str, int]]:
        """(relationship, sex, age) of each member; children are younger than their parents."""
        rng = self.rng
        head_sex = Sex.MALE if rng.random() < 0.6 else Sex.FEMALE
        head_age = round(rng.triangular(18, 72, 32))
        members = [(Relationship.HEAD, head_sex, head_age)]
        parent_age = head_age
        if size >= 2 and rng.random() < 0.8:
            partner_sex = head_sex if rng.random() < 0.03 else self.opposite(head_sex)
            partner_age = min(80, max(18, head_age + rng.randint(-6, 4)))
            members.append((Relationship.PARTNER, partner_sex, partner_age))
            parent_age = min(head_age, partner_age)
        parents = 0
        while len(members) < size:
            roll = rng.random()
            sex = self.any_sex()
            if roll < 0.06 and parents < 2 and head_age <= 65:
                parents += 1
                members.append((Relationship.PARENT, sex, head_age + rng.randint(18, 30)))
            elif roll < 0.11:
                members.append((Relationship.SIBLING, sex, max(0, head_age + rng.randint(-10, 8))))
            elif roll < 0.14:
                members.append((Relationship.OTHER_RELATIVE, sex, rng.randint(5, 60)))
            elif roll < 0.30 and head_age >= 40:
                members.append((Relationship.GRANDCHILD, sex, rng.randint(0, head_age - 38)))
            else:
                members.append((Relationship.CHILD, sex, rng.randint(0, min(25, parent_age - 16))))
        return members

    def opposite(self, sex: str) -> str:
        return Sex.FEMALE if sex == Sex.MALE else Sex.MALE

    def any_sex(self) -> str:
        roll = self.rng.random()
        return Sex.UNKNOWN if roll < 0.01 else Sex.FEMALE if roll < 0.505 else Sex.MALE

    def family_name(self, group: str):
        if group == "ro":
            return self.rng.choice(ROMANIAN_LAST_NAMES)
        if group == "bg":
            return self.rng.choice(BULGARIAN_LAST_NAMES)
        return self.rng.choice(FRENCH_LAST_NAMES)

    # -- one person --

    def make_person(
        self, organisation, *, household, group, family, relationship, sex, age, entered_on
    ) -> Person:
        rng = self.rng
        born = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        # Partners and more distant relatives may carry another family name.
        own_name = relationship in {Relationship.OTHER_RELATIVE, Relationship.OTHER} or (
            relationship == Relationship.PARTNER and rng.random() < 0.25
        )
        last = self.family_name(group) if own_name else family
        first, last, other_names = self.names(group, sex, age, last)
        person = Person(
            organisation=organisation,
            household=household,
            relationship=relationship,
            first_name=first,
            last_name=last,
            other_names=other_names,
            sex=sex,
            entered_on=max(entered_on, born),
            nationality=self.nationality(group),
            languages=self.languages(group, age),
        )
        roll = rng.random()
        if roll < 0.78:
            person.birth_date = born
        elif roll < 0.98:
            person.birth_year = born.year
        adult = age >= 16
        person.needs_interpreter = (
            adult and Language.FRENCH not in person.languages and rng.random() < 0.7
        )
        if adult and rng.random() < 0.55:
            # ARCEP's block reserved for fiction (06 39 98 xx xx): it can never ring anyone.
            person.phone = f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
        if adult and rng.random() < 0.4:
            commune = household.site.commune.name if household.site else "Saint-Denis"
            person.mail_address = f"Domiciliation au CCAS {of_commune(commune)}"
        if group == "ro" and sex == Sex.MALE and age >= 16:
            self.romanian_men.append(person)
        self.persons.append(person)
        return person

    def names(self, group: str, sex: str, age: int, family) -> tuple[str, str, str]:
        rng = self.rng
        female = sex == Sex.FEMALE or (sex == Sex.UNKNOWN and rng.random() < 0.5)
        if group == "bg":
            first, first_cyrillic = rng.choice(BULGARIAN_WOMEN if female else BULGARIAN_MEN)
            last, last_cyrillic = family
            if female:
                last, last_cyrillic = f"{last}a", f"{last_cyrillic}а"
            spellings = []
            roll = rng.random()
            if roll < 0.4:
                spellings.append(f"{first_cyrillic} {last_cyrillic}")
            elif roll < 0.6:
                spellings.append(last_cyrillic)
            variant = BULGARIAN_VARIANTS.get(family[0])
            if variant and rng.random() < 0.3:
                spellings.append(f"{variant}a" if female else variant)
            return first, last, ", ".join(spellings)
        if group == "fr" or (age <= 10 and rng.random() < 0.15):
            # Children born in France often carry a French first name.
            first = rng.choice(FRENCH_WOMEN if female else FRENCH_MEN)
        else:
            first = rng.choice(ROMANIAN_WOMEN if female else ROMANIAN_MEN)
        if group == "fr":
            return first, family, ""
        last = family
        other_names = ""
        if family in ROMANIAN_VARIANTS and rng.random() < 0.5:
            other_names = ROMANIAN_VARIANTS[family]
        if rng.random() < 0.25:
            first, last = first.translate(CEDILLA), last.translate(CEDILLA)
        return first, last, other_names

    def nationality(self, group: str) -> str:
        if group == "fr":
            choices = [(Nationality.FRANCE, 85), (Nationality.EU, 10), (Nationality.UNKNOWN, 5)]
        else:
            choices = [(Nationality.EU, 93), (Nationality.UNKNOWN, 5), (Nationality.NON_EU, 2)]
        return self.weighted(choices)

    def languages(self, group: str, age: int) -> list[str]:
        rng = self.rng
        if group == "fr":
            return [Language.FRENCH] + ([Language.ENGLISH] if rng.random() < 0.2 else [])
        if group == "ro":
            spoken = [Language.ROMANIAN]
            if rng.random() < 0.4:
                spoken.append(Language.ROMANI)
            if rng.random() < 0.02:
                spoken.append(Language.HUNGARIAN)
        else:
            spoken = [Language.BULGARIAN]
            if rng.random() < 0.3:
                spoken.append(Language.TURKISH)
            if rng.random() < 0.25:
                spoken.append(Language.ROMANI)
        # Children schooled in France speak French far more often than their parents.
        if rng.random() < (0.6 if 6 <= age <= 25 else 0.2):
            spoken.append(Language.FRENCH)
        return [str(code) for code in spoken]

    # -- finishing --

    def name_two_stefans(self, referent) -> None:
        """The search demo needs one Ștefan (comma below) and one Ştefan (cedilla) in this
        referent's active caseload."""
        candidates = [p for p in self.romanian_men if p.referent is referent and not p.exited_on]
        if len(candidates) < 2:
            raise RuntimeError("The demo caseload has fewer than two adult Romanian men.")
        candidates[0].first_name = "Ștefan"
        candidates[1].first_name = "Ştefan"

    def add_reentries(self) -> None:
        """Some households left the programme (lost contact, a return to the country…) and
        came back: their members born by then get an earlier, closed period, followed by the
        referent who first took them on."""
        rng = self.rng
        members: dict[int, list[Person]] = {}
        for person in self.persons:
            members.setdefault(id(person.household), []).append(person)
        first_referent = {}
        for assignment in self.assignments:
            first_referent.setdefault(id(assignment.person), assignment)
        for household in self.households:
            people = members[id(household)]
            returned_on = min(p.entered_on for p in people)
            if rng.random() >= REENTRY_SHARE or (returned_on - PROGRAMME_START).days < 150:
                continue
            left_on = self.day_between(
                PROGRAMME_START + datetime.timedelta(days=60),
                returned_on - datetime.timedelta(days=30),
            )
            entered_on = self.day_between(PROGRAMME_START, left_on - datetime.timedelta(days=30))
            reason = self.weighted(EARLIER_EXITS)
            for person in people:
                born = person.birth_date or (
                    datetime.date(person.birth_year, 12, 31) if person.birth_year else None
                )
                if born and born > entered_on:
                    continue
                self.earlier[id(person)] = (entered_on, left_on, reason)
                first = first_referent.get(id(person))
                if first is not None:
                    self.assignments.append(
                        ReferentAssignment(
                            person=person,
                            referent=first.referent,
                            started_on=entered_on,
                            ended_on=left_on,
                            assigned_by=first.assigned_by,
                        )
                    )

    def save(self) -> None:
        Site.objects.bulk_create(self.sites, batch_size=BATCH)
        SitePopulation.objects.bulk_create(self.populations, batch_size=BATCH)
        SiteLegalProcedure.objects.bulk_create(self.legal_procedures, batch_size=BATCH)
        for household in self.households:
            household.search_text = fold(household.name)  # as Household.save()
        Household.objects.bulk_create(self.households, batch_size=BATCH)
        HouseholdStay.objects.bulk_create(self.stays, batch_size=BATCH)
        for person in self.persons:
            person.derive()  # as Person.save(), which bulk_create skips
        Person.objects.bulk_create(self.persons, batch_size=BATCH)
        ReferentAssignment.objects.bulk_create(self.assignments, batch_size=BATCH)
        # As beneficiaries.services: one row per period, the latest mirrored on the person.
        for person in self.persons:
            if earlier := self.earlier.get(id(person)):
                entered_on, exited_on, reason = earlier
                self.enrolments.append(
                    Enrolment(
                        person=person,
                        entered_on=entered_on,
                        exited_on=exited_on,
                        exit_reason=reason,
                        recorded_by=person.created_by,
                    )
                )
            self.enrolments.append(
                Enrolment(
                    person=person,
                    entered_on=person.entered_on,
                    exited_on=person.exited_on,
                    exit_reason=person.exit_reason,
                    recorded_by=person.created_by,
                )
            )
        Enrolment.objects.bulk_create(self.enrolments, batch_size=BATCH)


def duplicate_scans(context: DemoContext) -> None:
    """The night's search of likely duplicates, done once the files are loaded, so that the
    coordinators' queue shows what the night would have found the first morning."""
    for organisation in context.organisations.values():
        if organisation.kind == OrganisationKind.OPERATOR:
            scan = services.duplicate_scan_request(organisation=organisation)
            services.duplicate_scan_run(scan=scan)
