"""The appointment slip's catalogues (issue 9): locale/ro and locale/bg hold the slip's strings,
every one of them translated (not fuzzy, not empty), and nothing else; the compiled .mo files
say the same as the .po files.

The strings are those of context "fiche" in the code and templates, found the way
`make messages` finds them (Django's makemessages, which calls xgettext) in a copy of the
sources, so that a string added to the slip without a translation fails here."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ("ro", "bg")
CONTEXT = "fiche"


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgstr, flags (header left out)."""
    entries, entry, key = [], {}, None

    def close():
        if entry.get("msgid"):
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            entry, key = {}, None
            continue
        if line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    close()
    return entries


def slip_strings_in_sources(tmp_path: Path) -> set[str]:
    """msgids of context "fiche", extracted by makemessages from a copy of the sources."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "node_modules", "media", "*.pyc", "__pycache__")
    for name in (
        "accompaniment",
        "beneficiaries",
        "employment",
        "housing",
        "mia",
        "partners",
        "reporting",
        "templates",
    ):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ro", "--no-wrap"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "mia.settings",
            "PYTHONPATH": str(copy),
            "HOME": str(tmp_path),
        },
    )
    extracted = parse_po(copy / "locale/ro/LC_MESSAGES/django.po")
    return {entry["msgid"] for entry in extracted if entry.get("msgctxt") == CONTEXT}


@pytest.fixture(scope="module")
def used(tmp_path_factory) -> set[str]:
    return slip_strings_in_sources(tmp_path_factory.mktemp("slip"))


def test_the_slip_has_strings_to_translate(used):
    assert {"Votre rendez-vous", "Papiers à apporter", "Pièce d'identité ou passeport"} <= used
    assert len(used) >= 40


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_slip_string_is_translated_and_nothing_else_is_there(used, language):
    entries = parse_po(ROOT / f"locale/{language}/LC_MESSAGES/django.po")

    assert [e["msgid"] for e in entries if e.get("msgctxt") != CONTEXT] == []
    assert sorted(used - {e["msgid"] for e in entries}) == [], "not translated yet"
    assert sorted({e["msgid"] for e in entries} - used) == [], "no longer used"
    assert [e["msgid"] for e in entries if not e["msgstr"].strip()] == []
    assert [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date(language):
    entries = parse_po(ROOT / f"locale/{language}/LC_MESSAGES/django.po")

    with translation.override(language):
        served = {e["msgid"]: translation.pgettext(CONTEXT, e["msgid"]) for e in entries}

    assert served == {e["msgid"]: e["msgstr"] for e in entries}


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    for entry in parse_po(ROOT / f"locale/{language}/LC_MESSAGES/django.po"):
        names = sorted(re.findall(r"%\((\w+)\)s", entry["msgid"]))
        assert sorted(re.findall(r"%\((\w+)\)s", entry["msgstr"])) == names, entry["msgid"]


@pytest.mark.parametrize(
    ("language", "letters"),
    [("ro", set("ăâîșțĂÂÎȘȚ")), ("bg", set("абвгдежзийклмнопрстуфхцчшщъьюя"))],
)
def test_written_in_the_language_s_own_letters(language, letters):
    """Romanian with comma-below ș and ț (not the cedilla ş ţ of old fonts), Bulgarian in
    Cyrillic."""
    text = "".join(e["msgstr"] for e in parse_po(ROOT / f"locale/{language}/LC_MESSAGES/django.po"))

    assert set(text.lower()) & letters
    assert not set(text) & set("şţŞŢ")
