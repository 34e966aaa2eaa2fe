"""Server time and SQL queries of the everyday pages at national scale, next to the Django admin.

    .venv/bin/python bench/pages.py [--requests 30]

Needs PostgreSQL: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/mia_bench by default. The
database (and its `_small` twin) is created if missing, migrated, and loaded once with
`seed_demo --if-empty`; later runs reuse the data. Timing is measured in process with
django.test.Client, so it is server time only (no network, no browser). Query counts are taken
again on the small demo data: they must not grow with the number of rows."""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mia_bench"
WARM_UPS = 3

# (label, account, path). Placeholders, resolved on each database (see resolve): {person} is
# the first person of travailleur@demo.mia's active caseload, {busy_person} the one of that
# caseload who attended the most follow-ups, {household} the household with the most follow-ups,
# {household_children} the household of the worker's association with the most minors, {session}
# the latest class of the association's course of 30 enrolled learners (accompaniment's demo has
# exactly one, at both scales); {open_offer} the association's open offer with the most
# candidacies, {offer} its offer with the most, open or not, {job_seeker} the caseload's person
# with the most candidacies, {evacuation} the announced eviction with the most households,
# {sheltered} the household with the most placements, {big_site} the site with the most
# households living there, {action} the action naming the most people.
PAGES = [
    ("/ caseload, my week", "travailleur@demo.mia", "/"),
    ("/coordination/ board by worker", "coordination@demo.mia", "/coordination/"),
    ("/coordination/ board by site", "coordination@demo.mia", "/coordination/?vue=lieux"),
    ("/personnes/?q=stefan", "coordination@demo.mia", "/personnes/?q=stefan"),
    ("/personnes/?q=Стефан", "coordination@demo.mia", f"/personnes/?q={quote('Стефан')}"),
    ("/personnes/?q=1990", "coordination@demo.mia", "/personnes/?q=1990"),
    ("/personnes/<id>/", "travailleur@demo.mia", "/personnes/{person}/"),
    (
        "/personnes/<id>/historique/",
        "travailleur@demo.mia",
        "/personnes/{busy_person}/historique/",
    ),
    ("/menages/<id>/historique/", "travailleur@demo.mia", "/menages/{household}/historique/"),
    ("/menages/<id>/", "travailleur@demo.mia", "/menages/{household}/"),
    ("/personnes/<id>/rendez-vous/", "travailleur@demo.mia", "/personnes/{person}/rendez-vous/"),
    ("/notifications/", "travailleur@demo.mia", "/notifications/"),
    (
        "/coordination/personnes/ not seen",
        "coordination@demo.mia",
        "/coordination/personnes/?quoi=non_vues",
    ),
    ("/coordination/taches-en-retard/", "coordination@demo.mia", "/coordination/taches-en-retard/"),
    (
        "/personnes/doublons-probables/",
        "coordination@demo.mia",
        "/personnes/doublons-probables/",
    ),
    ("/sites/", "travailleur@demo.mia", "/sites/"),
    ("/partages/ partner portal", "partenaire@demo.mia", "/partages/"),
    ("/orientations/recues/ partner", "partenaire@demo.mia", "/orientations/recues/"),
    ("/personnes/<id>/droits/ rights grid", "travailleur@demo.mia", "/personnes/{person}/droits/"),
    ("/droits/?sans=health", "travailleur@demo.mia", "/droits/?sans=health"),
    (
        "/francais/seances/<id>/ 30 learners",
        "travailleur@demo.mia",
        "/francais/seances/{session}/",
    ),
    ("/menages/<id>/ with children", "travailleur@demo.mia", "/menages/{household_children}/"),
    ("/emploi/offres/", "travailleur@demo.mia", "/emploi/offres/"),
    (
        "/emploi/offres/<id>/suggestions/",
        "travailleur@demo.mia",
        "/emploi/offres/{open_offer}/suggestions/",
    ),
    ("/emploi/offres/<id>/ most candidates", "travailleur@demo.mia", "/emploi/offres/{offer}/"),
    ("/personnes/<id>/emploi/", "travailleur@demo.mia", "/personnes/{job_seeker}/emploi/"),
    ("/evacuations/", "coordination@demo.mia", "/evacuations/"),
    ("/evacuations/<id>/ board", "coordination@demo.mia", "/evacuations/{evacuation}/"),
    (
        "/menages/<id>/hebergement/ trajectory",
        "travailleur@demo.mia",
        "/menages/{sheltered}/hebergement/",
    ),
    ("/sites/<id>/ biggest", "coordination@demo.mia", "/sites/{big_site}/"),
    ("/sites/carte/", "coordination@demo.mia", "/sites/carte/"),
    ("/actions/", "coordination@demo.mia", "/actions/"),
    ("/actions/<id>/ most people", "coordination@demo.mia", "/actions/{action}/"),
    # The admin has no name search since issue 8 (names in URLs): its person list is the baseline.
    ("admin person list", "admin@demo.mia", "/admin/beneficiaries/person/"),
]
ADMIN = PAGES[-1][0]


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    """CREATE DATABASE if missing, through the server's maintenance database."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(url: str, scale: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mia.settings")
    sys.path.insert(0, str(ROOT))
    ensure_database(url)

    import django
    from django.core.management import call_command

    # DEBUG is off while measuring and no collectstatic ran: whitenoise's warning is noise here.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, if_empty=True, stdout=io.StringIO())
    elapsed = time.perf_counter() - started
    if elapsed > 1:
        print(f"seed_demo --scale {scale}: {elapsed:.1f} s", file=sys.stderr)
    load_shares(scale)
    load_pathways(scale)
    load_duplicate_scans()


def load_duplicate_scans() -> None:
    """A database seeded before the scans of likely duplicates existed gets its first one, as
    the demo now does: the queue reads the same rows on both scales."""
    from beneficiaries import services
    from beneficiaries.models import DuplicateScan
    from mia.models import Organisation, OrganisationKind

    if DuplicateScan.objects.filter(finished_at__isnull=False).exists():
        return
    for organisation in Organisation.objects.filter(kind=OrganisationKind.OPERATOR):
        services.duplicate_scan_run(scan=services.duplicate_scan_request(organisation=organisation))


def load_shares(scale: str) -> None:
    """A database seeded before partner shares existed gets them now (partners.demo's step on
    the people already there)."""
    import random

    from beneficiaries.models import Person
    from mia import demo
    from mia.models import Organisation, User
    from partners.demo import consents_and_shares
    from partners.models import Consent, PersonGroupObjectPermission

    if Consent.objects.exists() or not Person.objects.exists():
        _analyze(Consent, PersonGroupObjectPermission)
        return
    context = demo.DemoContext(scale=scale, rng=random.Random(f"{demo.SEED}:bench-shares"))
    names = {name: key for key, (name, _kind) in demo.ORGANISATIONS.items()}
    context.organisations = {
        names[org.name]: org for org in Organisation.objects.filter(name__in=names)
    }
    context.users = {user.email: user for user in User.objects.all()}
    context.created["persons"] = list(
        Person.objects.filter(organisation=context.organisations["acina"], exited_on=None)
        .only("pk", "organisation_id", "exited_on", "referent_id")
        .order_by("pk")
    )
    consents_and_shares(context)
    _analyze(Consent, PersonGroupObjectPermission)
    print(f"partner shares loaded: {context.counts}", file=sys.stderr)


def load_pathways(scale: str) -> None:
    """A database seeded before the rights, school and French pathways existed gets them now
    (accompaniment's demo step on the people already there, dated from today)."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from accompaniment.demo_pathways import rights_school_and_french
    from accompaniment.models import (
        Assessment,
        Attendance,
        Certification,
        ClassSession,
        Course,
        Learner,
        Obstacle,
        Procedure,
        ProcedureChange,
        Schooling,
        Task,
    )
    from beneficiaries.models import Person
    from mia import audit, demo
    from mia.models import Organisation, User

    tables = (
        Procedure, ProcedureChange, Obstacle, Schooling, Task, Course, Learner, ClassSession,
        Attendance, Assessment, Certification,
    )  # fmt: skip
    if Procedure.objects.exists() or not Person.objects.exists():
        return
    started = time.perf_counter()
    context = demo.DemoContext(
        scale=scale,
        today=timezone.localdate(),
        rng=random.Random(f"{demo.SEED}:bench-pathways"),
    )
    names = {name: key for key, (name, _kind) in demo.ORGANISATIONS.items()}
    context.organisations = {
        names[org.name]: org for org in Organisation.objects.filter(name__in=names)
    }
    context.users = {user.email: user for user in User.objects.all()}
    with transaction.atomic(), audit.suspended():
        rights_school_and_french(context)
    _analyze(*tables)
    elapsed = time.perf_counter() - started
    print(f"pathways loaded in {elapsed:.1f} s: {context.counts}", file=sys.stderr)


def _analyze(*models) -> None:
    """Fresh statistics after COPY: with none, PostgreSQL expects one row per table and the
    portal's semi-join runs as nested loops (about twice slower at 50,000 grants)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def placeholders() -> dict[str, int]:
    from django.db.models import Count, Q
    from django.utils import timezone

    from accompaniment.models import ClassSession, Course, FollowUp, LearnerStatus
    from beneficiaries.models import Household, Person

    caseload = Person.objects.filter(referent__email="travailleur@demo.mia", exited_on=None)
    person = caseload.order_by("pk").values_list("pk", flat=True).first()
    busy = (
        FollowUp.participants.through.objects.filter(person__in=caseload)
        .values("person_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    # Within the worker's association: the demo is dated from the day it was loaded, and on some
    # days the busiest household of the instance is the other association's.
    household = (
        FollowUp.objects.filter(organisation__users__email="travailleur@demo.mia")
        .values("person__household")
        .annotate(count=Count("pk"))
        .order_by("-count", "person__household")
        .values_list("person__household", flat=True)
        .first()
    )
    year = timezone.localdate().year
    household_children = (
        Household.objects.filter(organisation__users__email="travailleur@demo.mia")
        .annotate(minors=Count("members", filter=Q(members__birth_year__gt=year - 18)))
        .order_by("-minors", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    course = (
        Course.objects.filter(organisation__users__email="travailleur@demo.mia")
        .annotate(enrolled=Count("learners", filter=Q(learners__status=LearnerStatus.ENROLLED)))
        .filter(enrolled=30)
        .order_by("-starts_on", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    session = (
        ClassSession.objects.filter(course=course)
        .order_by("-date", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    pathways_two = _pathways_two_placeholders(caseload)
    return {
        **pathways_two,
        "person": person or 0,
        "busy_person": busy or 0,
        "household": household or 0,
        "household_children": household_children or 0,
        "session": session or 0,
    }


def _pathways_two_placeholders(caseload) -> dict[str, int]:
    """The employment, housing, sites and actions pages' busiest rows, in the worker's
    association."""
    from django.db.models import Count

    from accompaniment.models import Action
    from beneficiaries.models import Household, Site
    from employment.models import Candidacy, JobOffer, OfferStatus
    from housing.models import Evacuation, Placement
    from mia.models import User

    organisation = User.objects.get(email="travailleur@demo.mia").organisation_id

    def busiest(queryset, count: str) -> int:
        row = (
            queryset.filter(organisation_id=organisation)
            .annotate(count=Count(count))
            .order_by("-count", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        return row or 0

    job_seeker = (
        Candidacy.objects.filter(person__in=caseload)
        .values("person_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    sheltered = (
        Placement.objects.filter(organisation_id=organisation)
        .values("household_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "household_id")
        .values_list("household_id", flat=True)
        .first()
    )
    big_site = (
        Household.objects.filter(organisation_id=organisation, site__isnull=False)
        .values("site_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "site_id")
        .values_list("site_id", flat=True)
        .first()
    )
    return {
        "open_offer": busiest(JobOffer.objects.filter(status=OfferStatus.OPEN), "candidacies"),
        "offer": busiest(JobOffer.objects.all(), "candidacies"),
        "job_seeker": job_seeker or 0,
        "evacuation": busiest(Evacuation.objects.all(), "rows"),
        "sheltered": sheltered or 0,
        "big_site": big_site or Site.objects.filter(organisation_id=organisation).first().pk,
        "action": busiest(Action.objects.all(), "people"),
    }


def get(client, path: str):
    """The response, or the exception a view raised (the test client re-raises it)."""
    try:
        return client.get(path)
    except Exception as error:  # reported in the table, not hidden
        return error


def outcome(response) -> str | None:
    """None when the page answered 200, else what went wrong, for the table."""
    if isinstance(response, Exception):
        return f"error {type(response).__name__}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return None


def count_queries(client, path: str) -> tuple[int | str, float]:
    """Queries of one request, and the time the database took for them (ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = get(client, path)
    sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
    return outcome(response) or len(captured.captured_queries), sql_ms


def measure(requests: int, *, timing: bool) -> dict[str, dict]:
    from django.test import Client, override_settings

    from mia.models import User

    results: dict[str, dict] = {}
    clients = {}
    # As in production: DEBUG off (no query log, no template debug); the test client's host.
    ids = placeholders()
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for label, email, path in PAGES:
            clients[label] = Client()
            clients[label].force_login(User.objects.get(email=email))
            results[label] = {"path": path.format(**ids), "samples": []}
            for _ in range(WARM_UPS):
                response = get(clients[label], results[label]["path"])
            results[label]["error"] = outcome(response)
        # Round robin: a burst of load on the machine slows every page alike, not just one.
        measured = [label for label, result in results.items() if not result["error"]]
        for _ in range(requests if timing else 0):
            for label in measured:
                started = time.perf_counter()
                clients[label].get(results[label]["path"])
                results[label]["samples"].append((time.perf_counter() - started) * 1000)
        for label, result in results.items():
            if samples := result["samples"]:
                result["median"] = statistics.median(samples)
                result["p95"] = statistics.quantiles(samples, n=100, method="inclusive")[94]
            result["queries"], result["sql_ms"] = count_queries(clients[label], result["path"])
    return results


def load_generic_grants() -> int:
    """Guardian's default generic table (content type + text object id), filled once with the
    same grants as the direct foreign-key table, for the comparison below."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from guardian.models import GroupObjectPermission

    from beneficiaries.models import Person
    from partners.models import PersonGroupObjectPermission

    if not GroupObjectPermission.objects.exists():
        content_type = ContentType.objects.get_for_model(Person)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {GroupObjectPermission._meta.db_table} "  # noqa: S608 — our tables
                "(permission_id, group_id, content_type_id, object_pk) "
                "SELECT DISTINCT permission_id, group_id, %s, content_object_id::text "
                f"FROM {PersonGroupObjectPermission._meta.db_table}",
                [content_type.pk],
            )
            cursor.execute(f"ANALYZE {GroupObjectPermission._meta.db_table}")
    return GroupObjectPermission.objects.count()


def sharing_comparison(requests: int) -> None:
    """The portal's query (count + first page) three ways, for partenaire@demo.mia: our
    visible_to (direct foreign keys, consent validity checked in the same query), guardian's
    get_objects_for_user over the same direct table, and over guardian's generic tables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from guardian.shortcuts import get_objects_for_user

    from beneficiaries.models import Person
    from mia.models import User
    from partners.models import PersonGroupObjectPermission

    generic_rows = load_generic_grants()
    direct_rows = PersonGroupObjectPermission.objects.count()
    user = User.objects.get(email="partenaire@demo.mia")
    codenames = [f"beneficiaries.view_section_{s}" for s in ("identity", "employment")]

    def guardian_list():
        people = get_objects_for_user(
            user, codenames, klass=Person, any_perm=True, accept_global_perms=False
        )
        return people.count(), list(people.order_by("last_name", "first_name", "pk")[:50])

    def ours():
        people = Person.objects.visible_to(user)
        return people.count(), list(people.order_by("last_name", "first_name", "pk")[:50])

    def generic():
        # guardian picks a direct table when one exists: disabled here to read the generic one.
        PersonGroupObjectPermission.enabled = False
        try:
            return guardian_list()
        finally:
            del PersonGroupObjectPermission.enabled

    rows = [["portal list (count + 50 rows)", "median ms", "p95 ms", "queries", "files"]]
    for label, run in [
        ("MIA visible_to (direct FK + consent)", ours),
        ("guardian get_objects_for_user, direct FK", guardian_list),
        ("guardian get_objects_for_user, generic", generic),
    ]:
        for _ in range(WARM_UPS):
            run()
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            count, _page = run()
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            run()
        rows.append(
            [
                label,
                f"{statistics.median(samples):.1f}",
                f"{statistics.quantiles(samples, n=100, method='inclusive')[94]:.1f}",
                str(len(captured.captured_queries)),
                str(count),
            ]
        )
    print(
        f"\nPartner portal: {direct_rows} direct grants, {generic_rows} generic grants "
        f"({requests} timed runs each)\n"
    )
    print(table(rows))


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def small_scale_queries(url: str) -> dict[str, int | str]:
    """Query counts on the small demo data, in a child process bound to the _small database."""
    small_url = with_database(url, f"{database_name(url)}_small")
    completed = subprocess.run(  # noqa: S603 — our own script, fixed arguments
        [sys.executable, __file__, "--scale", "small", "--queries-only"],
        env={**os.environ, "DATABASE_URL": small_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        return {label: "failed" for label, _email, _path in PAGES}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--scale", choices=["small", "national"], default="national")
    parser.add_argument("--queries-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sharing-only", action="store_true", help="only the partner portal comparison"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        sys.exit(f"bench/pages.py measures PostgreSQL; DATABASE_URL is {url!r}.")
    setup(url, args.scale)

    if args.queries_only:
        results = measure(0, timing=False)
        print(json.dumps({label: r["error"] or r["queries"] for label, r in results.items()}))
        return

    from beneficiaries.models import Person

    if args.sharing_only:
        sharing_comparison(args.requests)
        return
    # The process as gunicorn runs it: mia.wsgi loads every view and freezes what is loaded
    # out of the garbage collector's way.
    import mia.wsgi  # noqa: F401

    results = measure(args.requests, timing=True)
    admin_median = results[ADMIN].get("median")
    rows = [["page", "median ms", "p95 ms", "queries", "sql ms (1 req)", "ratio to admin (median)"]]
    for label, r in results.items():
        if r["error"]:
            rows.append([label, r["error"], "", str(r["queries"]), "", ""])
            continue
        ratio = f"{r['median'] / admin_median:.2f}" if admin_median else ""
        rows.append(
            [
                label,
                f"{r['median']:.1f}",
                f"{r['p95']:.1f}",
                str(r["queries"]),
                f"{r['sql_ms']:.1f}",
                ratio,
            ]
        )
    print(
        f"{database_name(url)}: {Person.objects.count()} people; "
        f"{args.requests} timed requests per page after {WARM_UPS} warm-ups\n"
    )
    print(table(rows))

    small = small_scale_queries(url)
    rows = [["page", "queries (national)", "queries (small)", "same"]]
    for label, r in results.items():
        rows.append(
            [
                label,
                str(r["queries"]),
                str(small[label]),
                "yes" if r["queries"] == small[label] else "NO",
            ]
        )
    print("\nQueries per request do not depend on the data size:\n")
    print(table(rows))
    sharing_comparison(args.requests)


if __name__ == "__main__":
    main()
