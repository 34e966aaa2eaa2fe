"""French first, English second: every page offers the other language, for every persona and on
the login page, and the English catalogue covers every string of the interface."""

import re
import shutil
from gettext import GNUTranslations
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from tests.conftest import PERSONAS
from tests.processes import run_python

LANGUAGE = reverse("language")
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_switches_to_english_and_back(login_as, persona, db):
    client = login_as(persona)
    home = reverse("home") if persona != "anonymous" else reverse("account_login")
    if persona.startswith("partner"):
        # A partner's home is their list of referrals to handle.
        home = reverse("partners:referrals_received")

    french = client.get(home)
    switched = client.post(LANGUAGE, {"language": "en", "next": home})
    english = client.get(home)
    back = client.post(LANGUAGE, {"language": "fr", "next": home})

    assert '<html lang="fr">' in french.content.decode()
    assert 'value="en" lang="en"' in french.content.decode()
    assert switched.status_code == 302 and switched["Location"] == home
    assert '<html lang="en">' in english.content.decode()
    assert 'value="fr" lang="fr"' in english.content.decode()
    assert back.status_code == 302
    assert '<html lang="fr">' in client.get(home).content.decode()


def test_a_social_worker_reads_the_caseload_in_english(login_as, person):
    client = login_as("referent")
    client.post(LANGUAGE, {"language": "en", "next": "/"})

    page = client.get(reverse("home")).content.decode()

    assert "My caseload" in page and "Mon portefeuille" not in page
    assert "My week" in page


def test_the_browser_language_is_followed_until_one_is_chosen(login_as, db):
    client = login_as("coordinator")

    page = client.get(reverse("accompaniment:board"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")

    assert '<html lang="en">' in page.content.decode()
    assert "By key worker" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "location", "language"),
    [
        ({"language": "en", "next": "https://example.org/"}, "/", "en"),
        ({"language": "xx", "next": "/sites/"}, "/sites/", "fr"),
    ],
)
def test_the_switch_never_sends_elsewhere_nor_takes_an_unknown_language(
    client, db, data, location, language
):
    response = client.post(LANGUAGE, data)

    assert response.status_code == 302 and response["Location"] == location
    page = client.get(reverse("account_login")).content.decode()
    assert f'<html lang="{language}">' in page


def test_the_switch_takes_no_get(client, db):
    assert client.get(LANGUAGE, {"language": "en"}).status_code == 405


def _po_entries(text: str) -> dict[str, list[str]]:
    """msgid -> its msgstr (or msgstr[n] forms), from the .po file's entries."""

    def unquote(lines: list[str]) -> str:
        return (
            "".join(re.match(r'^(?:msg\w+(?:\[\d\])? )?"(.*)"$', line).group(1) for line in lines)
            .encode("latin-1", "backslashreplace")
            .decode("unicode_escape")
        )

    entries = {}
    for block in text.strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        keys = {}
        current = None
        for line in lines:
            if not line.startswith('"'):
                current = line.split(" ", 1)[0]
                keys[current] = []
            keys[current].append(line)
        if keys.get("msgid") and unquote(keys["msgid"]):
            forms = [unquote(value) for key, value in keys.items() if key.startswith("msgstr")]
            # gettext's own key for a message with a context: "context\x04message".
            context = f"{unquote(keys['msgctxt'])}\x04" if "msgctxt" in keys else ""
            entries[context + unquote(keys["msgid"])] = forms
        if "#, fuzzy" in block and unquote(keys.get("msgid", ['""'])):
            entries.setdefault("fuzzy", []).append(unquote(keys["msgid"]))
    return entries


def test_the_english_catalogue_is_complete_and_compiled():
    entries = _po_entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        translations = GNUTranslations(compiled)

    assert "fuzzy" not in entries, entries.get("fuzzy")
    untranslated = [msgid for msgid, forms in entries.items() if not all(forms)]
    assert not untranslated
    # The compiled file says what the .po says (make messages compiles it).
    stale = [
        msgid
        for msgid, forms in entries.items()
        if len(forms) == 1 and translations.gettext(msgid) != forms[0]
    ]
    assert not stale
    placeholders = re.compile(r"%\(\w+\)[sd]")
    # A plural form may use what the French plural uses ("Voir les %(counter)s orientations"),
    # the singular only what the French singular does.
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    plural_of = dict(re.findall(r'^msgid "(.*)"\nmsgid_plural "(.*)"$', text, re.MULTILINE))
    for msgid, forms in entries.items():
        for number, form in enumerate(forms):
            allowed = set(placeholders.findall(msgid))
            if number:
                allowed |= set(placeholders.findall(plural_of.get(msgid, "")))
            assert set(placeholders.findall(form)) <= allowed, msgid


def test_the_catalogue_has_every_string_of_the_interface(tmp_path):
    """`make messages` was run after the last change of a translatable string."""
    assert shutil.which("xgettext"), "GNU gettext is needed: make test installs it"
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "mia"
    shutil.copytree(
        base,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "tests", "bench", "node_modules", "media", "staticfiles", "*.sqlite3"
        ),
    )
    # The arguments of the Makefile's `messages` target.
    result = run_python(
        *("manage.py", "makemessages", "-l", "en", "--no-obsolete"),
        *("--ignore=tests", "--ignore=bench"),
        cwd=copy,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    fresh = _po_entries((copy / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    committed = _po_entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    assert sorted(set(fresh) - set(committed)) == [], "new strings: run make messages"
    assert sorted(set(committed) - set(fresh)) == [], "strings no longer used: run make messages"


def test_the_french_catalogue_gives_french_plurals_and_changes_no_text():
    """French is the source language: locale/fr exists for Django's French plural rule only
    (n > 1: "0 personne"), every entry being its own message id (make messages, msgen)."""
    french = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
    po = (french / "django.po").read_text(encoding="utf-8")
    entries = _po_entries(po)
    english = _po_entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))

    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in po
    assert "fuzzy" not in entries
    assert sorted(set(entries) - {"fuzzy"}) == sorted(set(english) - {"fuzzy"})
    for key, forms in entries.items():
        msgid = key.split("\x04")[-1]
        assert forms[0] == msgid, key
    # Every plural message of the interface: the singular for 0 and 1, the plural from 2.
    plurals = re.findall(r'^msgid "(.+)"\nmsgid_plural "(.+)"$', po, re.MULTILINE)
    assert len(plurals) > 20
    with translation.override("fr"):
        for singular, plural in plurals:
            singular, plural = (s.replace('\\"', '"') for s in (singular, plural))
            assert [ngettext(singular, plural, n) for n in (0, 1, 2)] == [
                singular,
                singular,
                plural,
            ]
