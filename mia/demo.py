"""Demo data for `manage.py seed_demo`: fictional organisations, accounts and files.

Each app writes its own step in `<app>/demo.py` and registers it from its `AppConfig.ready()`, so
this module never imports the apps above it. The steps run in order, in one transaction, sharing a
`DemoContext`. Every value derives from a fixed seed and a fixed reference date: two runs on empty
databases give the same data (only ids and timestamps differ)."""

import datetime
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from mia import audit
from mia.models import Organisation, OrganisationKind, Role, User

SCALES = ("small", "national")
PASSWORD = "demo-mia-2026"  # noqa: S105 — published on purpose: demo accounts only
SEED = "mia-demo-2026"
# "Today" for the demo data: dates are spread relative to it, never to the wall clock.
REFERENCE_DATE = datetime.date(2026, 11, 1)

# Social workers beyond the two named ones. National: about 200 people per caseload.
EXTRA_SOCIAL_WORKERS = {"small": 4, "national": 120}


@dataclass
class Login:
    email: str
    role: str
    organisation: str
    sees: list[str]


@dataclass
class DemoContext:
    """What the steps share. Later steps read what earlier ones created (by key), and add the
    objects they create to `created` for the steps after them."""

    scale: str
    today: datetime.date = REFERENCE_DATE
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by e-mail
    social_workers: dict[str, list[User]] = field(default_factory=dict)  # by organisation key
    created: dict[str, list] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self, email: str, text: str) -> None:
        """Add to what an account sees, for the logins table printed at the end."""
        for login in self.logins:
            if login.email == email:
                login.sees.append(text)


Step = Callable[[DemoContext], None]
_steps: dict[str, tuple[int, Step]] = {}


def register(step: Step, *, order: int) -> None:
    """Called from AppConfig.ready(). Keyed by the step's dotted name, so a second ready() does
    not add it twice. Leave gaps between orders: mia 10, beneficiaries 20, accompaniment 30…"""
    _steps[f"{step.__module__}.{step.__qualname__}"] = (order, step)


def registered_steps() -> list[tuple[str, Step]]:
    ordered = sorted(_steps.items(), key=lambda item: (item[1][0], item[0]))
    return [(name, step) for name, (_order, step) in ordered]


def seed(
    *,
    scale: str,
    today: datetime.date = REFERENCE_DATE,
    log: Callable[[str], None] = lambda _line: None,
) -> DemoContext:
    """Load the demo as seen on `today`: the same date gives the same data, and `make run`
    passes the day of the load so that "my week" and overdue tasks look like a real week."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: expected one of {SCALES}.")
    context = DemoContext(scale=scale, today=today)
    # Demo data only: millions of generated rows would each leave an audit entry.
    with transaction.atomic(), audit.suspended():
        for name, step in registered_steps():
            # One generator per step: a step added later never changes the others' data.
            context.rng = random.Random(f"{SEED}:{name}")
            started = time.perf_counter()
            step(context)
            log(f"{name} : {time.perf_counter() - started:.1f} s")
    return context


# --- Bulk writing, for the steps that load millions of rows ------------------------------------

# Fields whose Python value PostgreSQL's COPY takes as it is; others go through the field's
# get_db_prep_save (JSON, code lists…).
_COPY_AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.DateField,  # DateTimeField too
    models.ForeignKey,
    models.IntegerField,  # and its positive and big variants
)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: steps number their rows themselves, so that rows pointing
    at them (participants, steps) are written without reading ids back. Call
    reset_sequences afterwards."""
    return (model.objects.aggregate(highest=Max("pk"))["highest"] or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move PostgreSQL's id sequences past the ids written by hand (sqlsequencereset)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write rows exactly as given, without save(), signals or auto_now (demo rows carry their
    own dates): COPY on PostgreSQL, executemany elsewhere. `fields` are field names or
    attnames (`person_id`); include `id` to write pre-assigned keys."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(column.column) for column in columns)
    postgresql = connection.vendor == "postgresql"
    prepared = [
        None
        if postgresql
        and (
            isinstance(column, _COPY_AS_IS) or type(column) in (models.CharField, models.TextField)
        )
        else column.get_db_prep_save
        for column in columns
    ]
    count = 0
    with connection.cursor() as cursor:
        if postgresql:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if any(prepared):
                        row = [
                            value if prep is None else prep(value, connection)
                            for prep, value in zip(prepared, row, strict=True)
                        ]
                    copy.write_row(row)
                    count += 1
            return count
        # Table and column names come from the model, never from input.
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(
                [prep(value, connection) for prep, value in zip(prepared, row, strict=True)]
            )
            if len(batch) == 1000:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def logins_table(context: DemoContext) -> str:
    rows = [("courriel", "rôle", "organisation", "ce qu'il ou elle voit")]
    rows += [(x.email, x.role, x.organisation, " ; ".join(x.sees)) for x in context.logins]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [f"Comptes de démonstration — mot de passe commun : {PASSWORD}"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[3]]))
    return "\n".join(lines)


# --- mia's own step: organisations and accounts --------------------------------------------------

ORGANISATIONS = {
    "acina": ("ACINA (démo)", OrganisationKind.OPERATOR),
    "horizon": ("Association Horizon (démo)", OrganisationKind.OPERATOR),
    "france_travail": (
        "France Travail — agence de Saint-Denis (démo)",
        OrganisationKind.STATE_SERVICE,
    ),
    "ccas": ("CCAS de Montreuil (démo)", OrganisationKind.LOCAL_AUTHORITY),
}

# (e-mail, role, organisation key, what the account is for)
ACCOUNTS = [
    (
        "travailleur@demo.mia",
        Role.SOCIAL_WORKER,
        "acina",
        "référent·e : sa file active, modifie ses dossiers, lit ceux de l'association",
    ),
    (
        "travailleur2@demo.mia",
        Role.SOCIAL_WORKER,
        "acina",
        "le ou la collègue : sa propre file active, lit les dossiers de l'association",
    ),
    (
        "coordination@demo.mia",
        Role.COORDINATOR,
        "acina",
        "tous les dossiers d'ACINA, attribue les référent·es, chiffres de l'équipe",
    ),
    (
        "direction@demo.mia",
        Role.MANAGER,
        "acina",
        "tableaux de bord et indicateurs d'ACINA, jamais les notes",
    ),
    (
        "admin@demo.mia",
        Role.ADMINISTRATOR,
        "acina",
        "comptes, organisations, listes de référence ; administration Django",
    ),
    (
        "partenaire@demo.mia",
        Role.PARTNER,
        "france_travail",
        "seulement les dossiers partagés avec son organisation",
    ),
    (
        "partenaire2@demo.mia",
        Role.PARTNER,
        "ccas",
        "seulement les dossiers partagés avec son organisation",
    ),
    (
        "autre-asso@demo.mia",
        Role.SOCIAL_WORKER,
        "horizon",
        "sa propre file active ; ne voit rien d'ACINA",
    ),
]

# Staff names, generated: invented combinations of common French names.
STAFF_FIRST_NAMES = [
    "Camille", "Sophie", "Julien", "Nadia", "Karim", "Élise", "Mathilde", "Thomas", "Inès",
    "Hugo", "Claire", "Yasmina", "Antoine", "Pauline", "Mehdi", "Laure", "Rémi", "Agnès",
    "Samir", "Céline", "Olivier", "Fatou", "Bérénice", "Grégoire",
]  # fmt: skip
STAFF_LAST_NAMES = [
    "Roux", "Lemoine", "Fabre", "Benali", "Carpentier", "Diallo", "Morvan", "Lefèvre", "Hamon",
    "Guérin", "Perrot", "Chauvin", "Brunet", "Mercier", "Aubert", "Traoré", "Lacroix", "Noël",
    "Besson", "Colin", "Pélissier", "Marchand", "Haddad", "Renard",
]  # fmt: skip


def organisations_and_accounts(context: DemoContext) -> None:
    rng = context.rng
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=name, kind=kind) for name, kind in ORGANISATIONS.values()]
    )
    context.organisations = dict(zip(ORGANISATIONS, organisations, strict=True))

    accounts = [(email, role, key) for email, role, key, _sees in ACCOUNTS]
    extra = EXTRA_SOCIAL_WORKERS[context.scale]
    accounts += [(f"ts{n:03d}@demo.mia", Role.SOCIAL_WORKER, "acina") for n in range(1, extra + 1)]

    # Hashing is slow on purpose; one hash serves every account (they share the password).
    password = make_password(PASSWORD)
    joined = datetime.datetime.combine(
        datetime.date(2019, 1, 7), datetime.time(9), tzinfo=datetime.UTC
    )
    users = [
        User(
            email=email,
            password=password,
            first_name=rng.choice(STAFF_FIRST_NAMES),
            last_name=rng.choice(STAFF_LAST_NAMES),
            role=role,
            organisation=context.organisations[key],
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
            date_joined=joined,
        )
        for email, role, key in accounts
    ]
    User.objects.bulk_create(users, batch_size=500)
    # As an invitation does (mia.services.user_invite): the login address, verified.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users],
        batch_size=500,
    )
    context.users = {user.email: user for user in users}
    context.social_workers = {
        key: [u for u in users if u.role == Role.SOCIAL_WORKER and u.organisation_id == org.pk]
        for key, org in context.organisations.items()
    }

    labels = dict(Role.choices)
    context.logins = [
        Login(email, str(labels[role]), ORGANISATIONS[key][0], [sees])
        for email, role, key, sees in ACCOUNTS
    ]
    if extra:
        context.logins.append(
            Login(
                f"ts001 … ts{extra:03d}@demo.mia",
                str(labels[Role.SOCIAL_WORKER]),
                ORGANISATIONS["acina"][0],
                ["les autres référent·es de l'équipe"],
            )
        )
    context.counts["organisations"] = len(organisations)
    context.counts["comptes"] = len(users)
