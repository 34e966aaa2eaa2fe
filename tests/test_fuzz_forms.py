"""Every URL of the project, sent generated hostile input (issue 14): very long strings, NUL
bytes, digits of other scripts ('²', '٣'), Cyrillic and right-to-left text, emoji, huge and
negative numbers, impossible dates, lists where one value is expected, fields left out and
fields added, ids of other files, odd uploads. By a persona allowed to post, so that the form
is really processed. Whatever comes in:

- no answer is a server error (5xx);
- a GET, a refused post (the form shown again, or 4xx) and every post to a page that only shows
  leave the database exactly as it was: the rows of every model, value by value;
- an accepted post (a redirect, to a page of this site) writes only rows that pass their
  model's validation (lengths, choices, constraints).

The routes come from the URL resolver and the access matrix (tests/test_access_matrix.py): a
route neither fuzzed here nor excluded with a reason fails, so a new form cannot escape.
Examples are derandomised (the same ones on every run, so a failure replays) and each runs in
a savepoint rolled back afterwards, so every example starts from the same database."""

import dataclasses
import datetime
import html.parser
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, event, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.control import currently_in_test_context

from mia.models import AuditAction, AuditEntry, SecurityEvent, SecurityEventKind
from tests.mia.factories import PASSWORD
from tests.routes import route_names
from tests.test_access_matrix import (
    OK,
    PERSONAS,
    POSTS,
    READ_ONLY,
    ROUTES,
    WRITES,
    world,  # noqa: F401 (fixture)
)

# Hypothesis keeps caches of its own (no examples: database=None below) out of the project.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "mia-hypothesis")

# Examples per route: each run meets a few kinds of hostile value on each form (derandomized,
# so the same ones; FOUND replays what earlier hunts found), few enough that the file (a
# hundred routes, heavier pages) keeps CI under its 15 minutes on PostgreSQL. A longer hunt:
# MIA_FUZZ_EXAMPLES=500 (examples per form; pages that only show get a fifth, at least 3).
WRITE_EXAMPLES = int(os.environ.get("MIA_FUZZ_EXAMPLES", "4"))
READ_EXAMPLES = max(WRITE_EXAMPLES // 5, 2)

# Who posts: the first persona of this list the access matrix lets write on the route.
WRITERS = ["referent", "coordinator", "partner", "administrator"]

# Pages that only show (the access matrix's READ_ONLY): who may open them.
READERS = {
    "home": "referent",
    "health": "anonymous",
    "language": "referent",
    "team_list": "coordinator",
    "security_events": "administrator",
    "beneficiaries:person_list": "referent",
    "beneficiaries:duplicates": "referent",
    "beneficiaries:merge_queue": "coordinator",
    "accompaniment:rights": "referent",
    "accompaniment:rights_list": "referent",
    "accompaniment:courses": "referent",
    "accompaniment:course_detail": "referent",
    "accompaniment:person_french": "referent",
    "beneficiaries:person_detail": "referent",
    "beneficiaries:person_timeline": "referent",
    "beneficiaries:person_access_log": "coordinator",
    "beneficiaries:household_detail": "referent",
    "beneficiaries:household_timeline": "referent",
    "beneficiaries:site_list": "referent",
    "beneficiaries:site_detail": "referent",
    "accompaniment:plan": "referent",
    "accompaniment:person_appointments": "referent",
    "accompaniment:appointment_slip": "referent",
    "accompaniment:calendar_feed": "anonymous",
    "accompaniment:board": "coordinator",
    "accompaniment:board_people": "coordinator",
    "accompaniment:board_tasks": "coordinator",
    "accompaniment:notices": "referent",
    "partners:portal": "partner",
    "partners:organisations": "referent",
    "partners:consent_proof": "referent",
    "partners:person_referrals": "referent",
    "partners:referrals_sent": "referent",
    "partners:referrals_received": "partner",
    "partners:referral_detail": "partner",
    "partners:document_download": "referent",
    "beneficiaries:site_map": "referent",
    "employment:employers": "referent",
    "employment:employer_detail": "referent",
    "employment:offers": "referent",
    "employment:offer_detail": "referent",
    "employment:offer_suggestions": "referent",
    "employment:person_employment": "referent",
    "housing:evacuation_list": "referent",
    "housing:evacuation_board": "referent",
    "housing:site_housing": "referent",
    "housing:trajectory": "referent",
    "housing:person_housing": "referent",
    "accompaniment:actions": "referent",
    "accompaniment:action_detail": "referent",
}

# allauth's two forms open to anyone, behind our rate limits and security events, and what
# they are sent when filled in right.
SIGN_IN_FORMS = {"account_login": "anonymous", "account_reset_password": "anonymous"}
SIGN_IN_POSTS = {
    "account_login": lambda o: {"login": o["referent"].email, "password": PASSWORD},
    "account_reset_password": lambda o: {"email": o["referent"].email},
}

# URL sets not fuzzed here (by the start of their names), and why.
EXCLUDED = {
    "admin:": "the Django admin: administrators only; its tampered requests are issue 14, point 8",
    "account_": "allauth's other pages: each needs a state of its own (a code mailed, a "
    "reset key, a sign-in half done); the sign-in and reset forms are fuzzed",
    "mfa_": "allauth's second factor: only after signing in again with the password",
    "usersessions_": "allauth's list of one's own sessions: a single button, no field",
}

# Query-string parameters the project's views read (pagination, filters, the form's context);
# every example may add some of them, whatever the route.
QUERY = [
    # Employment, housing, local actions.
    "etat",
    "employeur",
    "candidature",
    "proposition",
    "departement",
    "topic",
    "site",
    "next",
    "page",
    "q",
    "r",
    "statut",
    "vue",
    "parcours",
    "nombre",
    "menage",
    "autre",
    "portee",
    "id",
    "vers",
    "attendu",
    "a_revoir",
    "quoi",
    "referent",
    "lieu",
    # The rights pages (accompaniment/rights.py).
    "type",
    "renouvelle",
    "demarche",
    "kind",
    "sans",
    "fin",
    "qui",
    # The duplicates' scan under way.
    "attente",
]
# Names a tampered post may add, to reach fields the form does not offer.
EXTRA = [
    "organisation",
    "author",
    "created_by",
    "person",
    "referent",
    "id",
    "pk",
    "version",
    "role",
    "is_staff",
    "is_superuser",
    "token",
    "delete",
    "action",
    "confirm",
    "survivor",
    "csrfmiddlewaretoken",
]


# --- Hostile values ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file to post."""

    name: str
    content: bytes
    content_type: str


LEFT_OUT = object()  # the field is not posted at all

CHOSEN = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "١٢٣",
    "¹²³",
    "𝟙𝟚",
    "Щербакова",
    "Шестаков-Щукин",
    "Ștefănescu Țurcanu",
    "שלום עולם",
    "مرحبا",
    "\u202eevil\u202c",
    "👩\u200d👩\u200d👧",
    "🏚️",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "on",
    "true",
    "null",
    "[]",
    "{}",
]
NUMBERS = [
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "-0",
    " 1",
    "0x10",
    "9" * 19,
    "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "31/12/2026",
    "12/31/2026",
    "2026-1-1",
    "٢٠٢٦-٠١-٠١",
    "1899-12-31",
    "2100-01-01",
]

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
LONG = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["a", "щ", "Щ", "²", "٣", "ș", "👩", "\u202e", " ", "9"]),
    st.sampled_from([31, 51, 101, 151, 201, 256, 301, 4001, 5001]),
)
SCALARS = st.one_of(
    st.sampled_from(CHOSEN),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(datetime.date.isoformat),
    LONG,
    TEXT,
)
UPLOADS = st.builds(
    Upload,
    name=st.one_of(
        st.sampled_from(
            ["papier.pdf", "", ".pdf", "a\x00.pdf", "../../x.pdf", "щ" * 300 + ".pdf", "x.exe"]
        ),
        TEXT.map(lambda name: f"{name}.pdf"),
    ),
    content=st.one_of(st.just(b"%PDF-1.4\n%%EOF\n"), st.just(b""), st.binary(max_size=64)),
    content_type=st.sampled_from(["application/pdf", "image/png", "text/html", "", "\x00"]),
)


def hostile(shown, ids: list[str]):
    """A hostile value for one field: generated, an id of any row of the test (another
    association's too), a list where one value is expected, or nothing at all."""
    scalar = st.one_of(SCALARS, st.sampled_from(ids))
    if isinstance(shown, Upload):
        scalar = st.one_of(UPLOADS, scalar)
    return st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3), st.just(LEFT_OUT))


@st.composite
def submissions(draw, fields: dict, ids: list[str], methods: list[str], query: list[str]):
    """The form as its page sends it, with up to three fields changed (one bad value among
    valid ones is what reaches the save), up to two fields added and two query parameters.
    Failures shrink towards the form as sent and the fewest changes."""
    method = draw(st.sampled_from(methods))
    body = {name: shown for name, shown in fields.items() if shown is not None}
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)):
        value = draw(hostile(fields[name], ids))
        body.pop(name, None)
        if value is not LEFT_OUT:
            body[name] = value
    anything = st.one_of(SCALARS, st.sampled_from(ids))
    extra = draw(st.dictionaries(st.sampled_from(EXTRA), anything, max_size=2))
    parameters = draw(st.dictionaries(st.sampled_from(query), anything, max_size=2))
    return method, {**extra, **body}, parameters


# --- The page's own form -----------------------------------------------------------------------


class _Forms(html.parser.HTMLParser):
    """The fields of the page's forms posted to `path`, with the values the page shows, and the
    names of its GET forms (filters, searches)."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.posted: dict = {}
        self.queried: set[str] = set()
        self._form = None  # "post" (to this page), "get", or None (another page's form)
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.path
            method = (attrs.get("method") or "get").lower()
            self._form = method if urlsplit(action).path == self.path or method == "get" else None
            return
        if self._form is None:
            return
        if tag == "option":
            if self._select and "selected" in attrs:
                self.posted[self._select] = attrs.get("value", "")
            return
        name = attrs.get("name")
        if not name or tag not in ("input", "select", "textarea"):
            return
        if self._form == "get":
            self.queried.add(name)
            return
        kind = attrs.get("type", "text")
        if tag == "select":
            self._select = name
            self.posted.setdefault(name, None)
        elif kind == "file":
            self.posted[name] = Upload("papier.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self.posted[name] = attrs.get("value", "on")
            else:
                self.posted.setdefault(name, None)
        elif kind not in ("submit", "button"):
            self.posted[name] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _page_forms(client, path: str) -> _Forms:
    forms = _Forms(path)
    response = client.get(path)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        forms.feed(response.content.decode())
    return forms


# --- What the database holds -------------------------------------------------------------------

# Rows that record what happened rather than what is: the session of the persona, the audit of
# reads (a form shown again records who saw the file), sign-ins and refusals.
READS = [AuditAction.VIEW, AuditAction.DOWNLOAD, AuditAction.EXPORT]
EVENTS = [
    SecurityEventKind.SIGNED_IN,
    SecurityEventKind.SIGN_IN_FAILED,
    SecurityEventKind.MFA_FAILED,
    SecurityEventKind.RATE_LIMITED,
    SecurityEventKind.PERMISSION_DENIED,
]
NOT_DATA = {"sessions.session", "usersessions.usersession", "admin.logentry"}
# Fields that change when the persona signs in, before each example.
SIGN_IN_FIELDS = {"mia.user": {"last_login"}}
# And when a calendar last read its feed: a record of the read, like the audit's.
READ_MARKS = {"accompaniment.calendarfeed": {"last_read_at"}}


def _rows(model):
    if model is AuditEntry:
        return AuditEntry.objects.exclude(action__in=READS)
    if model is SecurityEvent:
        return SecurityEvent.objects.exclude(kind__in=EVENTS)
    return model._base_manager.all()


def snapshot(tables: set[str] | None = None) -> dict:
    """Every row of every model (the links of many-to-many fields too), by primary key; of the
    models stored in `tables` only, when given."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_DATA or (tables is not None and model._meta.db_table not in tables):
            continue
        skipped = SIGN_IN_FIELDS.get(label, set()) | READ_MARKS.get(label, set())
        rows[label] = {
            row["pk"]: {field: value for field, value in row.items() if field not in skipped}
            for row in _rows(model).values("pk", *(f.attname for f in model._meta.concrete_fields))
        }
    return rows


# The statements that change a table, as Django writes them on PostgreSQL and SQLite.
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)


def written_tables(queries) -> set[str]:
    """The tables a request's statements wrote to: only those can differ from the snapshot
    taken before (reading every table after each example made the fuzz five times slower as
    the schema grew)."""
    return {match[1] for query in queries if (match := WRITE_SQL.match(query["sql"]))}


def changes(before: dict, after: dict) -> dict:
    """{model label: {pk: the fields changed, all of them for a row added, None if deleted}}."""
    found = {}
    for label, rows in after.items():
        old = before[label]
        changed = {}
        for pk in rows.keys() | old.keys():
            if pk not in rows:
                changed[pk] = None
            elif rows[pk] != old.get(pk):
                changed[pk] = {f for f, v in rows[pk].items() if pk not in old or old[pk][f] != v}
        if changed:
            found[label] = changed
    return found


def invalid_values(changed: dict) -> list[str]:
    """The values added or changed that their model's validation refuses (lengths, choices,
    constraints); fields left as they were are not judged."""
    problems = []
    for label, rows in changed.items():
        model = apps.get_model(label)
        written = {pk: fields for pk, fields in rows.items() if fields is not None}
        for instance in model._base_manager.filter(pk__in=written):
            fields = {model._meta.get_field(f).name for f in written[instance.pk] if f != "pk"}
            unchanged = [f.name for f in model._meta.fields if f.name not in fields]
            try:
                instance.full_clean(exclude=unchanged)
            except ValidationError as error:
                problems.append(f"{label} {instance.pk}: {error.message_dict}")
    return problems


# --- The test ----------------------------------------------------------------------------------


def _writer(route: str) -> str:
    cells = dict(zip(PERSONAS, WRITES[route], strict=True))
    return next(persona for persona in WRITERS if cells[persona] == OK)


FUZZED = {route: _writer(route) for route in WRITES} | READERS | SIGN_IN_FORMS


def test_every_route_is_fuzzed_or_excluded_with_a_reason():
    routes = route_names()
    excluded = {route for route in routes if route.startswith(tuple(EXCLUDED))} - FUZZED.keys()

    assert sorted(routes - FUZZED.keys() - excluded) == []
    assert sorted(FUZZED.keys() - routes) == []
    assert READERS.keys() == READ_ONLY
    for prefix in EXCLUDED:
        assert any(route.startswith(prefix) for route in excluded), f"{prefix}: nothing left"


@dataclasses.dataclass
class Target:
    """One route, ready to be posted to: its URL, who posts, the form as its page sends it and
    the database as it stands before any example."""

    route: str
    client: object
    user: object
    path: str
    fields: dict
    query: list[str]
    ids: list[str]
    before: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def open(cls, route: str, client, objects: dict, request) -> "Target":
        persona = FUZZED[route]
        user = request.getfixturevalue(persona) if persona != "anonymous" else None
        kind = POSTS[route].target if route in POSTS else ROUTES.get(route, (None,))[0]
        path = reverse(route, args=[objects[kind].pk] if kind else [])
        if user:
            client.force_login(user)
        forms = _page_forms(client, path)
        shown = POSTS[route].body(objects) if route in POSTS else {}
        if route in SIGN_IN_POSTS:
            shown = SIGN_IN_POSTS[route](objects)
        if isinstance(shown.get("file"), SimpleUploadedFile):
            shown["file"] = Upload("papier.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        fields = {**dict.fromkeys(forms.posted), **forms.posted, **shown}
        fields.setdefault("next", None)
        return cls(
            route=route,
            client=client,
            user=user,
            path=path,
            fields=fields,
            query=sorted({*QUERY, *forms.queried}),
            ids=sorted({str(row.pk) for row in objects.values() if hasattr(row, "pk")}),
            before=snapshot(),
        )

    def send(self, method: str, body: dict, query: dict) -> None:
        """Send one request in a savepoint rolled back afterwards, and judge the answer."""
        fuzzing = currently_in_test_context()  # else a replay of FOUND, named by its id
        if fuzzing:
            note(f"{method} {self.route} body={body!r} query={query!r}")
        with transaction.atomic():
            if self.user:
                self.client.force_login(self.user)
            try:
                with CaptureQueriesContext(connection) as queries:
                    if method == "GET":
                        plain = {k: v for k, v in body.items() if not _has_upload(v)}
                        response = self.client.get(self.path, {**plain, **query})
                    else:
                        url = f"{self.path}?{urlencode(query, doseq=True)}" if query else self.path
                        response = self.client.post(url, _multipart(body), content_type=MULTIPART)
            except Exception as error:  # the test client raises what the view raised: a 500
                pytest.fail(f"500 {type(error).__name__}: {error}"[:3000])
            changed = changes(self.before, snapshot(written_tables(queries.captured_queries)))
            problems = invalid_values(changed)
            transaction.set_rollback(True)

        if fuzzing:
            event(f"{method} {response.status_code}")
        assert response.status_code < 500
        redirected = response.status_code in (301, 302, 303)
        if redirected:
            # As a browser reads it: a backslash is a slash, "/\\evil.example" another site.
            target = urlsplit(response["Location"].replace("\\", "/"))
            assert target.scheme in ("", "http") and target.netloc in ("", "testserver"), (
                "redirected to this site only"
            )
        if method == "POST" and self.route in WRITES and redirected:
            assert not response["Location"].startswith(reverse("account_login"))
            assert problems == [], "an accepted post writes valid rows"
        else:
            assert changed == {}, "a refused or read-only request writes nothing"


@pytest.mark.parametrize("route", sorted(FUZZED))
def test_no_server_error_and_no_partial_write(client, world, route, request):  # noqa: F811
    target = Target.open(route, client, world, request)
    writes = route in WRITES

    @hypothesis_settings(
        max_examples=WRITE_EXAMPLES if writes else READ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        submissions(
            target.fields,
            target.ids,
            ["POST", "POST", "POST", "GET"] if writes else ["GET", "POST"],
            target.query,
        )
    )
    def send_hostile(submission):
        target.send(*submission)

    send_hostile()


# What the fuzz found once, sent again on every run: (route, method, the fields changed in the
# form its page sends, query string). The points they fall under are noted.
FOUND = [
    # 5: a `next` that is no address was read as the name of a URL, after the save.
    ("accompaniment:followup_create", "POST", {"next": "a\x00b"}, {}),
    ("accompaniment:task_done", "POST", {"next": "a\x00b"}, {}),
    # 6: folding turns щ into "sht": 303 characters for a search column of 200.
    ("beneficiaries:household_edit", "POST", {"name": "щ" * 101}, {}),
    # 7: '¹²³'.isdigit() and int() disagree; 5,000 digits exceed int()'s limit; 19 digits
    # exceed SQLite's integers.
    ("beneficiaries:merge", "POST", {"autre": "¹²³"}, {}),
    ("beneficiaries:merge", "POST", {"autre": "9" * 5000}, {}),
    ("beneficiaries:merge", "POST", {"autre": "9" * 19}, {}),
    ("beneficiaries:distinct_pair", "POST", {"autre": "¹²³"}, {}),
    ("beneficiaries:distinct_pair", "POST", {"autre": "9" * 19}, {}),
    ("team_sessions_end", "POST", {"user": "¹²³"}, {}),
    # SQLite's driver refuses `pk IN (...)` with a number beyond its integers (an OverflowError).
    ("accompaniment:followup_create", "POST", {"participants": "9" * 19}, {}),
    ("accompaniment:followup_edit", "POST", {"participants": "9" * 19}, {}),
]


@pytest.mark.parametrize(
    ("route", "method", "changed", "query"),
    FOUND,
    ids=[f"{route}-{'+'.join([*changed, *query])}" for route, _, changed, query in FOUND],
)
def test_what_the_fuzz_found_stays_fixed(client, world, request, route, method, changed, query):  # noqa: F811
    target = Target.open(route, client, world, request)
    body = {name: shown for name, shown in target.fields.items() if shown is not None}
    for name, value in changed.items():
        body.pop(name, None)
        if value is not LEFT_OUT:
            body[name] = value

    target.send(method, body, query)


def _has_upload(value) -> bool:
    return isinstance(value, Upload) or (
        isinstance(value, list) and any(isinstance(v, Upload) for v in value)
    )


BOUNDARY = "----mia-fuzz-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _multipart(body: dict) -> bytes:
    """The body a browser sends, file names included as they are (the test client's encoder
    refuses an empty name); quotes and line breaks in names escaped as browsers do."""
    parts = []
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            disposition = f'form-data; name="{_escaped(name)}"'
            if isinstance(item, Upload):
                disposition += f'; filename="{_escaped(item.name)}"'
                head = f"Content-Disposition: {disposition}\r\nContent-Type: {item.content_type}"
                content = item.content
            else:
                head = f"Content-Disposition: {disposition}"
                content = str(item).encode()
            parts.append(f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _escaped(name: str) -> str:
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def test_the_judge_sees_a_write_and_a_delete_through_the_statements_it_records(world):  # noqa: F811
    """The fuzz reads again only the tables a request wrote to: an update and a cascade of
    deletes made inside the savepoint are found as a full snapshot would find them."""
    before = snapshot()
    site, person = world["site"], world["person"]
    tasks = list(person.tasks.values_list("pk", flat=True))
    assert tasks
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            type(site).objects.filter(pk=site.pk).update(name="Terrain renommé")
            person.tasks.all().delete()
        found = changes(before, snapshot(written_tables(queries.captured_queries)))
        transaction.set_rollback(True)
    full = changes(before, snapshot())

    assert found["beneficiaries.site"] == {site.pk: {"name"}}
    assert found["accompaniment.task"] == dict.fromkeys(tasks)
    assert full == {}, "rolled back"
