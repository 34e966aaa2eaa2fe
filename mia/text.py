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
# (Shterev / Sterev / Schterew, Tsvetan / Cvetan / Zwetan, Mihai / Mihay), French ones included
# (Snejana / Snezhana, Tchobanov / Chobanov, Lioubomir / Lyubomir, Mikhail / Mihail). Longest first.
# ж is j in French and in Romanian, zh in English and y/i/j the same sound: all give "i".
_SOUNDS = [
    ("schtsch", "st"), ("chtch", "st"), ("shch", "st"),
    ("sch", "s"), ("tsch", "c"), ("tch", "c"), ("sh", "s"), ("ch", "c"), ("ts", "c"),
    ("tz", "c"), ("zh", "i"), ("dj", "di"), ("kh", ""), ("ph", "f"), ("th", "t"), ("ck", "c"),
    ("ks", "x"), ("ou", "u"), ("ff", "v"), ("w", "v"), ("y", "i"), ("j", "i"), ("k", "c"),
    ("q", "c"), ("z", "c"), ("h", ""),
]  # fmt: skip
_SOUNDS_RE = re.compile(
    "|".join(re.escape(a) for a, _ in sorted(_SOUNDS, key=lambda p: -len(p[0])))
)
_SOUNDS_MAP = dict(_SOUNDS)
_DOUBLED = re.compile(r"(.)\1+")
# Bulgarian and Russian surnames: Kostov, Kostof, Kostow, Kostoff and the feminine Kostova are
# one family name, and so are -ev / -ef / -eva.
_ENDINGS = re.compile(r"([oe])(?:va|f)$")
# "ch" is ш in French (Chichkov), ч in English (Chobanov) and k in Romanian (Chiriac).
_AMBIGUOUS_CH = re.compile(r"(?<![ts])(?:ch|sh)(?!tch)")


def sound_key(token: str) -> str:
    """A rough phonetic key of a folded word: 'shterev', 'sterev', 'schterew' give 'sterev'."""
    key = _SOUNDS_RE.sub(lambda match: _SOUNDS_MAP[match.group(0)], token)
    return _ENDINGS.sub(r"\1v", _DOUBLED.sub(r"\1", key))


def sound_key_readings(token: str) -> list[str]:
    """The keys a typed word may stand for: its own, and where it has "ch" or "sh" the key
    with every one of them read as ш ("s") and as ч ("c"), so that Chichkov finds Шишков."""
    readings = [sound_key(token)]
    if _AMBIGUOUS_CH.search(token):
        for letter in ("s", "c"):
            readings.append(sound_key(_AMBIGUOUS_CH.sub(letter, token)))
    return list(dict.fromkeys(key for key in readings if key))


def sound_keys(text: str) -> str:
    """Every word's key, each wrapped in spaces so that a search matches whole keys or prefixes
    with a plain substring test: ' stefan ionescu '."""
    keys = [sound_key(token) for token in fold_tokens(text)]
    return f" {' '.join(key for key in keys if key)} " if keys else ""


def one_slip_patterns(key: str) -> list[str]:
    """SQL LIKE patterns (on a ' key key ' column) of the whole words one letter away from
    `key`: one letter dropped, doubled or mistyped (Stanscu, Stanesscu for Stanescu). Keys hold
    only [a-z0-9], so nothing needs escaping; about 3 × len(key) patterns."""
    words = set()
    for i in range(len(key) + 1):
        words.add(f"{key[:i]}_{key[i:]}")  # a letter was dropped
        if i < len(key):
            words.add(f"{key[:i]}{key[i + 1 :]}")  # a letter too many
            words.add(f"{key[:i]}_{key[i + 1 :]}")  # a letter mistyped
    return sorted(f"% {word} %" for word in words if word.strip("_"))


def elides(word: str) -> bool:
    """French writes "d'Anaïs", "d'Hélène" but "de Marius": whether "de" before this word
    loses its vowel."""
    return fold(word)[:1] in {"a", "e", "i", "o", "u", "y", "h"}
