"""HTTP hardening: a strict Content-Security-Policy on every page (django-csp, with a nonce per
request), templates with nothing inline that it would block, and no copy of any page or
download kept by a browser or a proxy (Cache-Control: no-store)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from partners import documents, services
from partners.models import DocumentKind
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD
from tests.partners.test_files import PDF

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(("persona", "url"), [("referent", "home"), ("anonymous", "account_login")])
def test_every_page_has_a_strict_policy_with_a_nonce(login_as, persona, url):
    response = login_as(persona).get(reverse(url))

    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    script_src = policy["script-src"]
    assert script_src[0] == "'self'"
    (nonce,) = [value for value in script_src if value.startswith("'nonce-")]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    # The page's scripts carry this request's nonce; the next request gets another.
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce[7:-1]}"' in tag for tag in scripts)
    assert _policy(login_as(persona).get(reverse(url)))["script-src"] != script_src


def test_no_template_has_inline_script_style_or_event_handler():
    """What the policy would block: a <script> without src, a <style> element, a style
    attribute, an onclick-like handler, a javascript: link. Data blocks (JSON) are allowed."""
    blocked = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
        "style element": re.compile(r"<style\b"),
        "style attribute": re.compile(r"\sstyle\s*="),
        "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
        "htmx handler": re.compile(r"\shx-on"),
        "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    }
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for what, pattern in blocked.items():
            found += [f"{template.relative_to(TEMPLATES)}: {what}" for _ in pattern.findall(text)]
    assert found == []


def test_htmx_adds_no_inline_style():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    css = (Path(settings.BASE_DIR) / "static" / "css" / "mia.css").read_text(encoding="utf-8")

    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in base
    assert ".htmx-request .htmx-indicator" in css


@pytest.fixture
def downloads(person, referent, partner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consent = services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Inscription à France Travail",
        sections=["identity"],
        given_on=datetime.date(2026, 1, 5),
        proof=SimpleUploadedFile("preuve.pdf", PDF, "application/pdf"),
        by=referent,
    )
    document = documents.document_add(
        upload=SimpleUploadedFile("passeport.pdf", PDF, "application/pdf"),
        kind=DocumentKind.IDENTITY,
        by=referent,
        person=person,
    )
    return {"consent": consent, "document": document}


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("referent", lambda o: reverse("home")),
        ("referent", lambda o: reverse("beneficiaries:person_detail", args=[o["person"].pk])),
        ("referent", lambda o: reverse("beneficiaries:person_list")),
        ("referent", lambda o: reverse("accompaniment:followup_create", args=[o["person"].pk])),
        ("referent", lambda o: reverse("partners:consent_proof", args=[o["consent"].pk])),
        ("referent", lambda o: reverse("partners:document_download", args=[o["document"].pk])),
        ("partner", lambda o: reverse("partners:portal")),
        ("partner", lambda o: reverse("beneficiaries:person_detail", args=[o["person"].pk])),
        ("anonymous", lambda o: reverse("account_login")),
    ],
)
def test_no_page_nor_download_is_stored(login_as, person, downloads, persona, url):
    response = login_as(persona).get(url({"person": person, **downloads}))

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache", "max-age=0"} <= cache_control


def test_a_redirect_to_the_login_is_not_stored_either(login_as, person):
    response = login_as("anonymous").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


# --- In Chromium: the pages run with no violation of the policy -------------------------------

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.miaViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_run_without_policy_violation(live_server, phone, referent, person):  # noqa: F811
    violations, errors = [], []
    phone.expose_function("miaViolation", lambda violation: violations.append(violation))
    phone.add_init_script(LISTEN)
    phone.on("console", lambda message: message.type == "error" and errors.append(message.text))

    phone.goto(f"{live_server.url}/comptes/login/")
    expect(phone.get_by_label("Mot de passe")).to_be_visible()
    log_in(phone, live_server, referent.email, PASSWORD)
    expect(phone.get_by_role("heading", name="Ma semaine")).to_be_visible()

    # The person's page loads its referrals and documents through htmx.
    phone.goto(f"{live_server.url}/personnes/{person.pk}/")
    expect(phone.get_by_text("Ajouter un document ou une photo")).to_be_visible()
    phone.wait_for_load_state("networkidle")

    # The follow-up form and its draft autosave (static/js/draft.js).
    phone.goto(f"{live_server.url}/personnes/{person.pk}/entretien/")
    phone.wait_for_load_state()
    phone.get_by_label("Note").fill("Brouillon pendant la vérification de la politique")
    phone.reload()
    expect(phone.get_by_text("Brouillon restauré")).to_be_visible()

    # The people list searches through htmx as one types.
    phone.goto(f"{live_server.url}/personnes/")
    phone.locator("#id_q").fill("Ionescu")
    expect(phone).to_have_url(re.compile(r"\?r="))
    phone.wait_for_load_state("networkidle")

    assert phone.evaluate("document.querySelectorAll('style, [style]').length") == 0
    assert violations == []
    assert [text for text in errors if "Content Security Policy" in text] == []

    # The listener hears a violation when there is one: an inline style is refused.
    phone.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>main{}</style>')")
    for _ in range(40):
        if violations:
            break
        phone.wait_for_timeout(50)
    assert [violation.split()[0] for violation in violations] == ["style-src-elem"]
