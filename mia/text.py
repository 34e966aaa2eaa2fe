"""Fold names so that every spelling of one name compares equal.

Field workers type names as they hear them: with or without accents, Romanian ș/ş and ț/ţ (comma
or cedilla), Bulgarian names in Cyrillic or transliterated. We store a folded copy of the names and
fold the query the same way, so a plain substring match finds them all."""

import re
import unicodedata
from functools import lru_cache

# Bulgarian streamlined transliteration, with the few letters other Cyrillic alphabets add.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a",
    "ь": "y", "ю": "yu", "я": "ya", "ё": "e", "ы": "y", "э": "e", "і": "i", "ї": "yi", "є": "ye",
    "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѝ": "i",
}  # fmt: skip
_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i"}
_TRANSLATE = str.maketrans({**_CYRILLIC, **_LATIN_EXTRA})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Ștefan  ŞTEFĂNESCU-Стефанов' -> 'stefan stefanescu stefanov'."""
    lowered = unicodedata.normalize("NFKC", text or "").lower().translate(_TRANSLATE)
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(char)
    )
    return _NOT_WORD.sub(" ", stripped).strip()


@lru_cache(maxsize=16384)
def sort_key(text: str) -> str:
    """fold(), remembered: a list sorts the same hundreds of names on every page."""
    return fold(text)


def fold_tokens(text: str) -> list[str]:
    return [token for token in fold(text).split(" ") if token]


# Spellings that sound alike once folded: transliterations of one Cyrillic or Romanian name
# (Shterev / Sterev / Schterew, Tsvetan / Cvetan / Zwetan, Mihai / Mihay). Longest first.
_SOUNDS = [
    ("sch", "s"), ("tsch", "c"), ("tch", "c"), ("sh", "s"), ("ch", "c"), ("ts", "c"),
    ("tz", "c"), ("zh", "j"), ("dj", "j"), ("ph", "f"), ("th", "t"), ("ck", "c"), ("ks", "x"),
    ("ff", "v"), ("w", "v"), ("y", "i"), ("j", "i"), ("k", "c"), ("q", "c"), ("z", "c"),
    ("h", ""),
]  # fmt: skip
_SOUNDS_RE = re.compile(
    "|".join(re.escape(a) for a, _ in sorted(_SOUNDS, key=lambda p: -len(p[0])))
)
_SOUNDS_MAP = dict(_SOUNDS)
_DOUBLED = re.compile(r"(.)\1+")


def sound_key(token: str) -> str:
    """A rough phonetic key of a folded word: 'shterev', 'sterev', 'schterew' give 'sterev'."""
    key = _SOUNDS_RE.sub(lambda match: _SOUNDS_MAP[match.group(0)], token)
    return _DOUBLED.sub(r"\1", key)


def sound_keys(text: str) -> str:
    """Every word's key, each wrapped in spaces so that a search matches whole keys or prefixes
    with a plain substring test: ' stefan ionescu '."""
    keys = [sound_key(token) for token in fold_tokens(text)]
    return f" {' '.join(key for key in keys if key)} " if keys else ""
